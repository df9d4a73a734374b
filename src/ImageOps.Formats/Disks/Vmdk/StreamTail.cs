using System;
using System.IO.Compression;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// Writes the metadata of a stream-optimized extent in stream order (VMware "Virtual Disk Format 5.0",
/// "Stream-Optimized Compressed Sparse Extents"): each grain table behind a grain-table marker, then
/// the grain directory behind its marker, the footer marker and footer (the header again, now with
/// the real gdOffset), and the end-of-stream marker, so the footer and EOS are the last two sectors
/// as the spec and ESXi require (qemu issue #1357: ESXi rejects a stream without the EOS marker).
/// </summary>
internal static class StreamTail
{
    private const int Sector = SparseExtentHeader.SectorSize;

    /// <summary>Writes a grain-table marker and <paramref name="table"/> at <paramref name="sector"/>; returns the table's sector (its GD entry).</summary>
    public static uint WriteGrainTable(IBlockStorage storage, ref long sector, uint[] table)
    {
        var tableSectors = (int)GrainTable.Sectors(table.Length);
        var buffer = new byte[(1 + tableSectors) * Sector];
        StreamMarker.WriteMetadataMarker(buffer, (ulong)tableSectors, StreamMarkerType.GrainTable);
        GrainTable.Encode(table, buffer.AsSpan(Sector));

        storage.WriteAt(sector * Sector, buffer);
        var entry = ToEntry(sector + 1, storage.Name);
        sector += 1 + tableSectors;
        return entry;
    }

    /// <summary>Writes the directory, footer and end-of-stream marker; <paramref name="sector"/> ends one past the last sector.</summary>
    public static void WriteEnd(IBlockStorage storage, ref long sector, uint[] directory, SparseExtentHeader header)
    {
        var directorySectors = (int)Math.Max(1, GrainTable.Sectors(directory.Length));
        var buffer = new byte[(1 + directorySectors + 3) * Sector];
        StreamMarker.WriteMetadataMarker(buffer, (ulong)directorySectors, StreamMarkerType.GrainDirectory);
        GrainTable.Encode(directory, buffer.AsSpan(Sector, (int)directorySectors * Sector));

        var footerMarker = (1 + directorySectors) * Sector;
        StreamMarker.WriteMetadataMarker(buffer.AsSpan(footerMarker), 1, StreamMarkerType.Footer);
        var footer = header.Clone();
        footer.GdOffset = (ulong)(sector + 1);
        footer.WriteTo(buffer.AsSpan(footerMarker + Sector));
        StreamMarker.WriteMetadataMarker(buffer.AsSpan(footerMarker + 2 * Sector), 0, StreamMarkerType.EndOfStream);
        storage.WriteAt(sector * Sector, buffer);
        sector += buffer.Length / Sector;
    }

    /// <summary>A sector number as a 32-bit table entry; a sparse extent cannot grow past 2 TiB.</summary>
    public static uint ToEntry(long sector, string path)
    {
        if (sector < 0 || sector > uint.MaxValue)
        {
            throw new ImageOpsException("VmdkExtentFull", ErrorKind.LimitsExceeded, $"'{path}' has reached the largest size a sparse VMDK extent can address (2 TiB): grain and table offsets are 32-bit sector numbers.", path);
        }

        return (uint)sector;
    }
}

/// <summary>Encodes one grain of a stream-optimized extent: marker, zlib data, zero padding to a sector.</summary>
internal static class StreamGrainCodec
{
    /// <summary>The longest record a grain of <paramref name="grainBytes"/> can need.</summary>
    public static int MaxRecordLength(int grainBytes)
        => (int)Alignment.RoundUp(StreamMarker.GrainHeaderSize + ZlibCodec.MaxCompressedLength(grainBytes), SparseExtentHeader.SectorSize);

    /// <summary>
    /// The record of an incompressible grain at the level the writers use (zlib level 6 falls back to
    /// stored blocks: five bytes per block, the zlib header and trailer): what Measure counts per grain.
    /// </summary>
    public static long StoredRecordLength(int grainBytes)
        => Alignment.RoundUp(StreamMarker.GrainHeaderSize + grainBytes + (grainBytes / 16384 + 1) * 5 + 6, SparseExtentHeader.SectorSize);

    /// <summary>Writes the record of the grain at sector <paramref name="lba"/> into <paramref name="output"/>; returns its length (whole sectors).</summary>
    public static int Encode(long lba, ReadOnlySpan<byte> content, Span<byte> output, CompressionLevel level)
    {
        var size = ZlibCodec.Compress(content, output.Slice(StreamMarker.GrainHeaderSize), level);
        if (size < 0)
        {
            throw new InvalidOperationException("The output buffer is smaller than MaxRecordLength.");
        }

        StreamMarker.WriteGrainHeader(output, (ulong)lba, (uint)size);
        var length = (int)StreamMarker.GrainRecordLength(size);
        output.Slice(StreamMarker.GrainHeaderSize + size, length - StreamMarker.GrainHeaderSize - size).Clear();
        return length;
    }
}
