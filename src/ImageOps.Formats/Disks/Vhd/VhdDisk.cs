using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// An open VHD: fixed (data then footer), dynamic or differencing (footer copy, dynamic disk header,
/// BAT, blocks of sector bitmap + data, footer). Virtual size per <see cref="VhdVirtualSize"/>.
/// </summary>
/// <remarks>
/// Crash protocol of in-place writes (qemu's alloc_block order, made stricter): a new block's footer
/// is written at the new end of file first, so the file always ends with a valid footer; then the
/// block's bitmap and data; then the file is flushed; only then the BAT entry (and any changed bitmap
/// of an existing block) is written. A kill at any point leaves a readable image whose only damage is
/// an unreferenced block (a leak). Footer changes write the copy at offset 0 first and the end footer
/// last; when both are valid and differ, the copy wins, as in qemu.
/// </remarks>
internal sealed partial class VhdDisk : VirtualDisk
{
    /// <summary>Format name in messages.</summary>
    public const string FormatName = "VHD";

    /// <summary>The VHD sector.</summary>
    public const int SectorSize = 512;

    /// <summary>Data of blocks ImageOps allocates starts on this boundary (the bitmap sits just before it).</summary>
    public const int DataAlignment = 4096;

    /// <summary>Longest parent locator ImageOps reads: a 32,767-character UTF-16 Windows path.</summary>
    public const int MaxLocatorDataLength = 64 * 1024;

    private const long MaxCachedBitmapBytes = 16L << 20;
    private const byte StateUnknown = 0;
    private const byte StateFull = 1;
    private const byte StateEmpty = 2;
    private const byte StatePartial = 3;

    private readonly bool _writable;
    private readonly ConcurrentDictionary<int, byte[]> _bitmaps = new();
    private readonly List<(long Offset, long Length)> _locatorRegions = new();
    private VhdFooter _footer;
    private long _capacity;
    private long _fixedFooterOffset;
    private VhdDynamicHeader? _header;
    private VhdBlockAllocationTable? _bat;
    private int _blockSize;
    private int _bitmapSize;
    private int _sectorsPerBlock;
    private byte[] _bitmapState = Array.Empty<byte>();
    private long _cachedBitmapBytes;
    private long _metadataEnd;
    private long _dataEnd;
    private bool _stamped;
    private byte[]? _fullBitmap;

    private VhdDisk(IBlockStorage storage, bool writable, VhdFooter footer)
        : base(storage)
    {
        _writable = writable;
        _footer = footer;
    }

    /// <inheritdoc />
    public override DiskFormat Format => DiskFormat.Vhd;

    /// <inheritdoc />
    public override DiskVariant Variant => _footer.DiskType switch
    {
        VhdDiskType.Fixed => DiskVariant.Fixed,
        VhdDiskType.Differencing => DiskVariant.Differencing,
        _ => DiskVariant.Dynamic,
    };

    /// <inheritdoc />
    public override long Capacity => _capacity;

    /// <inheritdoc />
    public override int ClusterSize => _header is null ? SectorSize : _blockSize;

    /// <inheritdoc />
    public override bool CanWrite => _writable;

    /// <inheritdoc />
    public override string? Identity => VhdIdentity.Format(_footer.UniqueId, _footer.TimeStamp);

    /// <summary>A copy of the footer in effect.</summary>
    internal VhdFooter Footer => _footer.Clone();

    /// <summary>A copy of the dynamic disk header, or null for a fixed disk.</summary>
    internal VhdDynamicHeader? Header => _header?.Clone();

    /// <summary>Which footer field gave the virtual size.</summary>
    internal VhdSizeSource SizeSource => VhdVirtualSize.SourceOf(_footer);

    /// <summary>Bytes of data per block (0 for a fixed disk).</summary>
    internal int BlockSize => _blockSize;

    /// <summary>BAT entry of block <paramref name="index"/> (tests and diagnostics).</summary>
    internal uint BatEntry(int index) => _bat![index];

    /// <summary>Opens a VHD, validating every structure it relies on.</summary>
    public static VhdDisk Open(IBlockStorage storage, DiskOpenContext context)
    {
        var writable = context.Writable && storage.CanWrite;
        var pair = VhdFooterPair.Read(storage);
        var footer = SelectFooter(storage, pair, out var footerOffset);
        var disk = new VhdDisk(storage, writable, footer);
        try
        {
            disk._capacity = CheckFooter(storage, footer, footerOffset);
            if (writable && footer.SavedState != 0)
            {
                throw new UnsupportedFeatureException("VHD saved state", $"'{storage.Name}' belongs to a virtual machine in a saved state; writing to it would make the saved state unusable. Discard the saved state first, or open the disk read-only.", storage.Name, "VhdInSavedState");
            }

            if (footer.DiskType == VhdDiskType.Fixed)
            {
                disk._fixedFooterOffset = pair.EndOffset;
                if (disk._capacity > pair.EndOffset)
                {
                    throw Corrupt(storage, pair.EndOffset, "hard disk footer", string.Format(CultureInfo.InvariantCulture, "the fixed disk's virtual size is {0} bytes but the file holds only {1} bytes of data", disk._capacity, pair.EndOffset), "ImageTruncated");
                }
            }
            else
            {
                disk.OpenDynamic(context);
            }

            return disk;
        }
        catch
        {
            // The storage belongs to the caller until Open succeeds; only the parent is ours.
            disk.Parent?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Chooses the footer in effect: a valid fixed footer at the end; else the copy at offset 0 of a
    /// dynamic or differencing disk (what qemu reads); else a valid dynamic end footer (the spec's
    /// recovery when the copy is damaged).
    /// </summary>
    internal static VhdFooter SelectFooter(IBlockStorage storage, VhdFooterPair pair, out long footerOffset)
    {
        if (pair.FixedFooter is { } fixedFooter)
        {
            footerOffset = pair.EndOffset;
            return fixedFooter;
        }

        if (pair.Copy is { ChecksumValid: true } copy && IsSparse(copy.DiskType))
        {
            footerOffset = 0;
            return copy;
        }

        if (pair.End is { ChecksumValid: true } end && IsSparse(end.DiskType))
        {
            footerOffset = pair.EndOffset;
            return end;
        }

        var valid = pair.End is { ChecksumValid: true } ? pair.End : pair.Copy is { ChecksumValid: true } ? pair.Copy : null;
        if (valid is not null)
        {
            throw new UnsupportedFeatureException($"VHD disk type {(uint)valid.DiskType}", $"'{storage.Name}' is a VHD of disk type {(uint)valid.DiskType}; only fixed (2), dynamic (3) and differencing (4) disks exist.", storage.Name, "VhdDiskTypeNotSupported");
        }

        if (pair.End is { } badEnd)
        {
            throw ChecksumMismatch(storage, pair.EndOffset, "hard disk footer", badEnd.StoredChecksum, badEnd.ComputedChecksum);
        }

        if (pair.Copy is { } badCopy)
        {
            throw ChecksumMismatch(storage, 0, "hard disk footer", badCopy.StoredChecksum, badCopy.ComputedChecksum);
        }

        throw Corrupt(storage, Math.Max(0, storage.Length - VhdFooter.Size), "hard disk footer", "there is no footer (cookie 'conectix') at the end of the file nor at its start", storage.Length < VhdFooter.LegacySize ? "ImageTruncated" : "ImageCorrupt");
    }

    /// <summary>Checks what every VHD footer must satisfy and returns the virtual size.</summary>
    internal static long CheckFooter(IBlockStorage storage, VhdFooter footer, long footerOffset)
    {
        if (footer.FileFormatVersion >> 16 != 1)
        {
            throw new UnsupportedFeatureException("VHD file format version", string.Format(CultureInfo.InvariantCulture, "'{0}' has VHD file format version {1}.{2}; only version 1 is defined.", storage.Name, footer.FileFormatVersion >> 16, footer.FileFormatVersion & 0xFFFF), storage.Name, "VhdVersionNotSupported");
        }

        var size = VhdVirtualSize.Of(footer);
        if (size > VhdVirtualSize.MaxCapacity)
        {
            throw Corrupt(storage, footerOffset + VhdFooter.CurrentSizeOffset, "hard disk footer", string.Format(CultureInfo.InvariantCulture, "the virtual size {0} bytes exceeds the VHD maximum of 2040 GiB ({1} bytes)", size, VhdVirtualSize.MaxCapacity), "VhdSizeTooLarge");
        }

        return (long)size;
    }

    internal static bool IsSparse(VhdDiskType type) => type == VhdDiskType.Dynamic || type == VhdDiskType.Differencing;

    internal static CorruptImageException Corrupt(IBlockStorage storage, long offset, string structure, string detail, string errorId = "ImageCorrupt")
        => new(storage.Name, FormatName, offset, structure, detail, errorId);

    internal static CorruptImageException ChecksumMismatch(IBlockStorage storage, long offset, string structure, uint stored, uint computed)
        => Corrupt(storage, offset, structure, string.Format(CultureInfo.InvariantCulture, "its checksum is 0x{0:X8} but its content sums to 0x{1:X8}", stored, computed), "ImageChecksumMismatch");

    /// <summary>Creates a fixed disk in empty storage (sparse: only the footer is written).</summary>
    internal static VhdDisk CreateFixed(IBlockStorage storage, long capacity, Guid uniqueId)
    {
        var footer = VhdFooter.CreateNew(VhdDiskType.Fixed, capacity, uniqueId, VhdTime.Now());
        storage.SetLength(capacity);
        storage.WriteAt(capacity, footer.ToBytes());
        storage.Flush(durable: true);
        var disk = new VhdDisk(storage, writable: true, footer) { _capacity = capacity, _fixedFooterOffset = capacity, _stamped = true };
        return disk;
    }

    /// <summary>Creates a dynamic or differencing disk in empty storage and opens it.</summary>
    internal static VhdDisk CreateSparse(IBlockStorage storage, VhdLayout layout, VhdFooter footer, VhdDynamicHeader header, VirtualDisk? parent, ParentLink? link)
    {
        var bat = VhdBlockAllocationTable.CreateEmpty((int)layout.Entries);
        storage.WriteAt(VhdLayout.TableOffset, bat.ToPaddedBytes(layout.BatBytes));
        foreach (var locator in layout.Locators)
        {
            storage.WriteAt((long)locator.Entry.PlatformDataOffset, locator.PaddedData);
        }

        storage.WriteAt(VhdLayout.HeaderOffset, header.ToBytes());
        var footerBytes = footer.ToBytes();
        storage.WriteAt(layout.MetadataEnd, footerBytes);
        storage.WriteAt(0, footerBytes);
        storage.Flush(durable: true);

        var disk = new VhdDisk(storage, writable: true, footer)
        {
            _capacity = layout.Capacity,
            _header = header,
            _bat = bat,
            _stamped = true,
        };
        disk.InitializeBlocks(VhdLayout.HeaderOffset, layout.MetadataEnd);
        foreach (var locator in layout.Locators)
        {
            disk._locatorRegions.Add(((long)locator.Entry.PlatformDataOffset, locator.PaddedData.Length));
        }

        disk.Parent = parent;
        disk.ParentLink = link;
        return disk;
    }

    /// <summary>
    /// Reads the dynamic disk header the footer points at and checks it and the BAT's place against
    /// the file: cookie, checksum, version, block size, Max Table Entries (qemu's limits) and bounds.
    /// </summary>
    internal static VhdDynamicHeader ReadValidHeader(IBlockStorage storage, VhdFooter footer, long capacity)
    {
        var length = storage.Length;
        var headerOffset = footer.DataOffset;
        if (headerOffset < VhdFooter.Size || headerOffset >= (ulong)length)
        {
            throw Corrupt(storage, VhdFooter.DataOffsetOffset, "hard disk footer", string.Format(CultureInfo.InvariantCulture, "the dynamic disk header offset {0} is outside the file of {1} bytes (or inside the footer copy)", headerOffset, length), headerOffset < VhdFooter.Size ? "ImageCorrupt" : "ImageTruncated");
        }

        // What the file holds of the header, zero-filled past its end as qemu reads it, so the field
        // checks below refuse a fuzzed header (afl5.img) for the same reason qemu gives.
        var bytes = new byte[VhdDynamicHeader.Size];
        var available = (int)Math.Min(VhdDynamicHeader.Size, length - (long)headerOffset);
        storage.ReadExactly((long)headerOffset, bytes.AsSpan(0, available), FormatName, "dynamic disk header");
        var header = VhdDynamicHeader.Parse(bytes);
        if (!header.HasCookie)
        {
            throw Corrupt(storage, (long)headerOffset, "dynamic disk header", "the cookie is not 'cxsparse'");
        }

        var blockSize = header.BlockSize;
        if (blockSize < SectorSize || (blockSize & (blockSize - 1)) != 0 || blockSize > (1u << 30))
        {
            throw Corrupt(storage, (long)headerOffset + VhdDynamicHeader.BlockSizeOffset, "dynamic disk header", string.Format(CultureInfo.InvariantCulture, "the block size {0} is not a power of two between 512 bytes and 1 GiB", blockSize));
        }

        var entries = header.MaxTableEntries;
        var entriesOffset = (long)headerOffset + VhdDynamicHeader.MaxTableEntriesOffset;
        if (entries > int.MaxValue / VhdBlockAllocationTable.EntrySize)
        {
            // qemu's words for the same refusal (iotest 135, afl5.img).
            throw Corrupt(storage, entriesOffset, "dynamic disk header", string.Format(CultureInfo.InvariantCulture, "Max Table Entries too large ({0})", entries));
        }

        if (available < VhdDynamicHeader.Size)
        {
            throw Corrupt(storage, (long)headerOffset, "dynamic disk header", string.Format(CultureInfo.InvariantCulture, "it needs {0} bytes but the file ends at {1}", VhdDynamicHeader.Size, length), "ImageTruncated");
        }

        if (!header.ChecksumValid)
        {
            throw ChecksumMismatch(storage, (long)headerOffset, "dynamic disk header", header.StoredChecksum, header.ComputedChecksum);
        }

        if (header.HeaderVersion >> 16 != 1)
        {
            throw new UnsupportedFeatureException("VHD dynamic disk header version", string.Format(CultureInfo.InvariantCulture, "'{0}' has dynamic disk header version {1}.{2}; only version 1 is defined.", storage.Name, header.HeaderVersion >> 16, header.HeaderVersion & 0xFFFF), storage.Name, "VhdVersionNotSupported");
        }

        if ((ulong)entries * blockSize < (ulong)capacity)
        {
            throw Corrupt(storage, entriesOffset, "dynamic disk header", string.Format(CultureInfo.InvariantCulture, "the BAT's {0} entries of {1}-byte blocks cover less than the virtual size of {2} bytes", entries, blockSize, capacity));
        }

        var tableOffset = header.TableOffset;
        var tableBytes = (ulong)entries * VhdBlockAllocationTable.EntrySize;
        var tableOffsetField = (long)headerOffset + VhdDynamicHeader.TableOffsetOffset;
        if (tableOffset > (ulong)length || tableBytes > (ulong)length - tableOffset)
        {
            throw Corrupt(storage, tableOffsetField, "dynamic disk header", string.Format(CultureInfo.InvariantCulture, "the BAT ({0} entries at offset {1}) extends past the end of the file ({2} bytes)", entries, tableOffset, length), "ImageTruncated");
        }

        if (Overlaps((long)tableOffset, (long)tableBytes, 0, VhdFooter.Size) || Overlaps((long)tableOffset, (long)tableBytes, (long)headerOffset, VhdDynamicHeader.Size))
        {
            throw Corrupt(storage, tableOffsetField, "dynamic disk header", string.Format(CultureInfo.InvariantCulture, "the BAT at offset {0} overlaps the footer copy or the dynamic disk header", tableOffset));
        }

        return header;
    }

    private void OpenDynamic(DiskOpenContext context)
    {
        var storage = Storage;
        var length = storage.Length;
        var header = ReadValidHeader(storage, _footer, _capacity);
        _header = header;
        var headerOffset = _footer.DataOffset;
        var entries = header.MaxTableEntries;
        var tableOffset = header.TableOffset;
        _bat = VhdBlockAllocationTable.Read(storage, (long)tableOffset, (int)entries);
        var metadataEnd = Math.Max((long)headerOffset + VhdDynamicHeader.Size, (long)tableOffset + (long)VhdBlockAllocationTable.PaddedSize(entries));
        InitializeBlocks((long)headerOffset, metadataEnd);

        var bat = _bat;
        for (var i = 0; i < bat.Count; i++)
        {
            var entry = bat[i];
            if (entry == VhdBlockAllocationTable.Unused)
            {
                continue;
            }

            var end = ((long)entry * SectorSize) + _bitmapSize + _blockSize;
            if (end > length)
            {
                throw Corrupt(storage, (long)tableOffset + ((long)i * VhdBlockAllocationTable.EntrySize), "block allocation table", string.Format(CultureInfo.InvariantCulture, "block {0} lies at offset {1} and ends at {2}, past the end of the file ({3} bytes): the image has been truncated", i, (long)entry * SectorSize, end, length), "ImageTruncated");
            }

            _dataEnd = Math.Max(_dataEnd, end);
        }

        if (_footer.DiskType == VhdDiskType.Differencing)
        {
            OpenParent(context);
        }

        if (_writable)
        {
            RefuseOverlaps();
        }
    }

    private void InitializeBlocks(long headerOffset, long metadataEnd)
    {
        _blockSize = (int)_header!.BlockSize;
        _bitmapSize = VhdSectorBitmap.SizeFor(_blockSize);
        _sectorsPerBlock = _blockSize / SectorSize;
        _bitmapState = new byte[_bat!.Count];
        _metadataEnd = Math.Max(metadataEnd, headerOffset + VhdDynamicHeader.Size);
        _dataEnd = _metadataEnd;
    }

    /// <summary>A block that overlaps metadata or another block would be corrupted by writes: refuse to write until checked.</summary>
    private void RefuseOverlaps()
    {
        var problem = VhdChecker.FindFirstOverlap(_bat!, _bitmapSize + _blockSize, Regions());
        if (problem is not null)
        {
            throw Corrupt(Storage, (long)_header!.TableOffset, "block allocation table", problem + "; writing could destroy data. Check and repair the image first (Test-DiskFile -Repair)");
        }
    }

    internal IEnumerable<(long Offset, long Length, string What)> Regions()
    {
        yield return (0, VhdFooter.Size, "the footer copy");
        yield return ((long)_footer.DataOffset, VhdDynamicHeader.Size, "the dynamic disk header");
        yield return ((long)_header!.TableOffset, _bat!.Count * (long)VhdBlockAllocationTable.EntrySize, "the BAT");
        foreach (var region in _locatorRegions)
        {
            yield return (region.Offset, region.Length, "parent locator data");
        }
    }

    internal static bool Overlaps(long aStart, long aLength, long bStart, long bLength)
        => aLength > 0 && bLength > 0 && aStart < bStart + bLength && bStart < aStart + aLength;

}
