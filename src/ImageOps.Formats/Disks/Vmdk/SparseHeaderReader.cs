using System;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// Reads and validates the header of a sparse extent, and for a stream-optimized extent whose header
/// says <c>gdOffset = -1</c> the footer at the end of the file, which then takes precedence (VMware
/// "Virtual Disk Format 5.0", "The Footer"; qemu <c>vmdk_open_vmdk4</c>). Everything the rest of the
/// code relies on is checked here against the file size and the spec's limits before anything is allocated.
/// </summary>
internal sealed class SparseHeaderReader
{
    private const string Format = "VMDK";

    private SparseHeaderReader(SparseExtentHeader primary, SparseExtentHeader effective, long footerOffset)
    {
        Primary = primary;
        Effective = effective;
        FooterOffset = footerOffset;
    }

    /// <summary>The header in sector 0.</summary>
    public SparseExtentHeader Primary { get; }

    /// <summary>The header to use: the footer's when there is one, else the primary.</summary>
    public SparseExtentHeader Effective { get; }

    /// <summary>File offset of the footer marker (three sectors before the end), or -1 without a footer.</summary>
    public long FooterOffset { get; }

    public long CapacitySectors => (long)Effective.Capacity;

    public long GrainSectors => (long)Effective.GrainSize;

    public int GtesPerGt => (int)Effective.NumGtesPerGt;

    /// <summary>Grain directory entries: one per grain table needed to cover the capacity.</summary>
    public long GdEntries => (CapacitySectors + GrainSectors * GtesPerGt - 1) / (GrainSectors * GtesPerGt);

    /// <summary>Bytes of one grain table on disk.</summary>
    public int GtBytes => GtesPerGt * GrainTable.EntrySize;

    public bool Compressed => Effective.CompressAlgorithm == SparseExtentHeader.CompressionDeflate;

    public bool HasMarkers => (Effective.Flags & SparseExtentFlags.Markers) != 0;

    public bool HasZeroedGrains => (Effective.Flags & SparseExtentFlags.ZeroedGrainTableEntry) != 0;

    public bool HasRedundantDirectory => (Effective.Flags & SparseExtentFlags.RedundantGrainTable) != 0 && Effective.RgdOffset != 0;

    public static SparseHeaderReader Read(IBlockStorage storage)
    {
        var path = storage.Name;
        var length = storage.Length;
        var sector = new byte[SparseExtentHeader.Size];
        storage.ReadExactly(0, sector, Format, "sparse extent header");
        if (!SparseExtentHeader.HasMagic(sector))
        {
            throw new CorruptImageException(path, Format, 0, "sparse extent header", "the magic number is not \"KDMV\"", "VmdkHeaderInvalid");
        }

        var primary = SparseExtentHeader.Parse(sector);
        var effective = primary;
        long footerOffset = -1;
        if (primary.GdOffset == SparseExtentHeader.GrainDirectoryAtEnd)
        {
            // Footer marker, footer, end-of-stream marker: the last three sectors (qemu reads them the same way).
            footerOffset = length / SparseExtentHeader.SectorSize * SparseExtentHeader.SectorSize - 3 * SparseExtentHeader.SectorSize;
            if (footerOffset < SparseExtentHeader.SectorSize)
            {
                throw new CorruptImageException(path, Format, Math.Max(0, footerOffset), "footer", $"the header places the grain directory at the end, but the file of {length} bytes has no room for a footer", "ImageTruncated");
            }

            var tail = new byte[3 * SparseExtentHeader.SectorSize];
            storage.ReadExactly(footerOffset, tail, Format, "footer");
            if (!StreamMarker.IsMetadataMarker(tail, StreamMarkerType.Footer, out _)
                || !SparseExtentHeader.HasMagic(tail.AsSpan(SparseExtentHeader.SectorSize))
                || !StreamMarker.IsMetadataMarker(tail.AsSpan(2 * SparseExtentHeader.SectorSize), StreamMarkerType.EndOfStream, out var eosValue)
                || eosValue != 0)
            {
                throw new CorruptImageException(path, Format, footerOffset, "footer", "the last three sectors are not a footer marker, a footer and an end-of-stream marker (the stream was cut short?)", "VmdkFooterInvalid");
            }

            effective = SparseExtentHeader.Parse(tail.AsSpan(SparseExtentHeader.SectorSize));
            if (effective.GdOffset == SparseExtentHeader.GrainDirectoryAtEnd)
            {
                throw new CorruptImageException(path, Format, footerOffset + SparseExtentHeader.SectorSize, "footer", "the footer does not say where the grain directory is", "VmdkFooterInvalid");
            }
        }

        var reader = new SparseHeaderReader(primary, effective, footerOffset);
        reader.Validate(path, length);
        return reader;
    }

    private void Validate(string path, long length)
    {
        var h = Effective;
        var at = FooterOffset >= 0 ? FooterOffset + SparseExtentHeader.SectorSize : 0;
        if (h.Version < 1 || h.Version > 3)
        {
            throw new UnsupportedFeatureException($"VMDK sparse extent version {h.Version}", $"'{path}' is a sparse extent of version {h.Version}; versions 1 to 3 are supported (as in qemu).", path, "VmdkVersionNotSupported");
        }

        // The size first: qemu refuses a hostile capacity (iotest 059, afl9.vmdk) before looking further.
        if (h.Capacity == 0)
        {
            throw new UnsupportedFeatureException("VMDK sparse header of capacity 0", $"'{path}' has a sparse header of capacity 0, which only wraps a descriptor of other extents; open that descriptor instead.", path, "VmdkCreateTypeNotSupported");
        }

        if (h.Capacity > SparseExtentLayout.MaxCapacitySectors)
        {
            throw Corrupt(path, at + SparseExtentHeader.CapacityOffset, $"the capacity of {h.Capacity} sectors is beyond the largest VMDK ({SparseExtentLayout.MaxCapacitySectors} sectors, 64 TiB)", "VmdkCapacityTooLarge");
        }

        var unknown = (uint)(h.Flags & SparseExtentFlags.IncompatibleMask & ~SparseExtentFlags.KnownIncompatible);
        if (unknown != 0)
        {
            throw new UnsupportedFeatureException($"VMDK incompatible flags 0x{unknown:X8}", $"'{path}' uses incompatible sparse extent flags 0x{unknown:X8} that ImageOps does not know; reading it could return wrong data.", path, "VmdkFeatureNotSupported");
        }

        if ((h.Flags & SparseExtentFlags.NewlineDetection) != 0 && !h.NewlineBytesIntact)
        {
            throw new CorruptImageException(path, Format, at + SparseExtentHeader.SingleEndLineCharOffset, "sparse extent header", "the newline-detection bytes are changed: the file was copied in text mode (for example by FTP in ASCII mode)", "VmdkNewlineMangled");
        }

        if (h.CompressAlgorithm > SparseExtentHeader.CompressionDeflate)
        {
            throw new UnsupportedFeatureException($"VMDK compression algorithm {h.CompressAlgorithm}", $"'{path}' compresses grains with algorithm {h.CompressAlgorithm}; only deflate (1) is defined.", path, "VmdkFeatureNotSupported");
        }

        if ((h.Flags & SparseExtentFlags.Compressed) != 0 && !Compressed)
        {
            throw Corrupt(path, at + SparseExtentHeader.FlagsOffset, "the compressed flag is set but no compression algorithm is named");
        }

        if (HasMarkers && !Compressed)
        {
            throw Corrupt(path, at + SparseExtentHeader.FlagsOffset, "markers are only defined for compressed (stream-optimized) extents");
        }

        if (h.GrainSize == 0 || h.GrainSize > SparseExtentLayout.MaxGrainSectors || (h.GrainSize & (h.GrainSize - 1)) != 0)
        {
            throw Corrupt(path, at + SparseExtentHeader.GrainSizeOffset, $"the grain size of {h.GrainSize} sectors is not a power of two from 1 to {SparseExtentLayout.MaxGrainSectors}", "VmdkGrainSizeInvalid");
        }

        // qemu refuses more than 512 entries per table too ("L2 table size too big").
        if (h.NumGtesPerGt == 0 || h.NumGtesPerGt > SparseExtentLayout.GtesPerGt)
        {
            throw Corrupt(path, at + SparseExtentHeader.NumGtesPerGtOffset, $"{h.NumGtesPerGt} entries per grain table is outside 1..{SparseExtentLayout.GtesPerGt}");
        }

        var sectors = length / SparseExtentHeader.SectorSize;
        if (h.OverHead > (ulong)sectors)
        {
            throw new CorruptImageException(path, Format, at + SparseExtentHeader.OverHeadOffset, "sparse extent header", $"grains start at sector {h.OverHead} but the file has {sectors} sectors", "ImageTruncated");
        }

        if (h.DescriptorOffset != 0)
        {
            if (h.DescriptorSize == 0 || h.DescriptorSize > VmdkDescriptor.MaxSize / SparseExtentHeader.SectorSize)
            {
                throw Corrupt(path, at + SparseExtentHeader.DescriptorSizeOffset, $"the embedded descriptor of {h.DescriptorSize} sectors is empty or larger than {VmdkDescriptor.MaxSize} bytes", "VmdkDescriptorTooLarge");
            }

            CheckRange(path, length, h.DescriptorOffset, (long)h.DescriptorSize * SparseExtentHeader.SectorSize, "embedded descriptor", at + SparseExtentHeader.DescriptorOffsetOffset);
        }

        var gdBytes = GdEntries * GrainTable.EntrySize;
        CheckRange(path, length, h.GdOffset, gdBytes, "grain directory", at + SparseExtentHeader.GdOffsetOffset);
        if (HasRedundantDirectory)
        {
            CheckRange(path, length, h.RgdOffset, gdBytes, "redundant grain directory", at + SparseExtentHeader.RgdOffsetOffset);
        }
    }

    /// <summary>A structure of <paramref name="bytes"/> at sector <paramref name="sector"/> must start after the header and end inside the file.</summary>
    private static void CheckRange(string path, long length, ulong sector, long bytes, string structure, long fieldOffset)
    {
        var sectors = (ulong)(length / SparseExtentHeader.SectorSize);
        if (sector == 0 || sector >= sectors || bytes > length - (long)sector * SparseExtentHeader.SectorSize)
        {
            throw new CorruptImageException(path, Format, fieldOffset, "sparse extent header", $"the {structure} ({bytes} bytes at sector {sector}) does not lie inside the file of {length} bytes", sector == 0 ? "VmdkHeaderInvalid" : "ImageTruncated");
        }
    }

    private static CorruptImageException Corrupt(string path, long offset, string detail, string errorId = "VmdkHeaderInvalid")
        => new(path, Format, offset, "sparse extent header", detail, errorId);
}
