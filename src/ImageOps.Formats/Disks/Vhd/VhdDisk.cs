using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
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
internal sealed class VhdDisk : VirtualDisk
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

    /// <inheritdoc />
    public override void WriteZeros(long offset, long length)
    {
        ThrowIfDisposed();
        if (_bat is null || Variant != DiskVariant.Dynamic)
        {
            base.WriteZeros(offset, length);
            return;
        }

        // A dynamic disk reads unallocated blocks as zeros already: only stored blocks need writing.
        var end = offset + length;
        for (var position = offset; position < end;)
        {
            var index = (int)(position / _blockSize);
            var next = Math.Min(end, ((long)index + 1) * _blockSize);
            if (_bat[index] != VhdBlockAllocationTable.Unused)
            {
                base.WriteZeros(position, next - position);
            }

            position = next;
        }
    }

    /// <inheritdoc />
    public override void Resize(long newCapacity)
    {
        ThrowIfDisposed();
        if (!CanWrite)
        {
            throw new InvalidOperationException($"'{Path}' is open read-only.");
        }

        VhdFormat.CheckCapacity(newCapacity);
        if (newCapacity == _capacity)
        {
            return;
        }

        var footer = _footer.Clone();
        footer.CurrentSize = (ulong)newCapacity;
        footer.Geometry = VhdDiskGeometry.FromCapacity(newCapacity);
        footer.TimeStamp = VhdTime.Now();
        if (VhdVirtualSize.Of(footer) != (ulong)newCapacity)
        {
            // A Virtual PC or old qemu creator means "size by CHS", which would round the new size
            // down; record Hyper-V's creator so every reader takes Current Size (see VhdFooter).
            footer.CreatorApplication = VhdFooter.ImageOpsCreatorApplication;
            footer.CreatorVersion = VhdFooter.ImageOpsCreatorVersion;
        }

        if (_bat is null)
        {
            ResizeFixed(footer, newCapacity);
        }
        else
        {
            ResizeDynamic(footer, newCapacity);
        }

        _stamped = true;
    }

    /// <inheritdoc />
    protected override void ReadCore(long offset, Span<byte> buffer)
    {
        if (_bat is null)
        {
            Storage.ReadExactly(offset, buffer, FormatName, "fixed disk data");
            return;
        }

        for (var done = 0; done < buffer.Length;)
        {
            var position = offset + done;
            var index = (int)(position / _blockSize);
            var inBlock = (int)(position % _blockSize);
            var n = (int)Math.Min(buffer.Length - done, (long)_blockSize - inBlock);
            ReadInBlock(index, inBlock, position, buffer.Slice(done, n));
            done += n;
        }
    }

    /// <inheritdoc />
    protected override void WriteCore(long offset, ReadOnlySpan<byte> data)
    {
        if (_bat is null)
        {
            StampModification();
            Storage.WriteAt(offset, data);
            return;
        }

        var head = (int)(offset % SectorSize);
        if (head != 0)
        {
            // Read-modify-write of a partial first sector (its old content may come from the parent).
            var count = Math.Min(data.Length, SectorSize - head);
            WritePartialSector(offset - head, head, data.Slice(0, count));
            offset += count;
            data = data.Slice(count);
        }

        var whole = data.Length / SectorSize * SectorSize;
        if (whole > 0)
        {
            WriteSectors(offset, data.Slice(0, whole));
        }

        if (data.Length > whole)
        {
            WritePartialSector(offset + whole, 0, data.Slice(whole));
        }
    }

    /// <inheritdoc />
    protected override IEnumerable<AllocationRange> GetAllocationCore(long offset, long length)
    {
        if (_bat is null)
        {
            // Holes of a sparse fixed VHD read as zeros: report them so conversions skip them.
            if (Storage is ISparseStorage sparse)
            {
                foreach (var range in sparse.MapData(offset, length))
                {
                    yield return range;
                }
            }
            else
            {
                yield return new AllocationRange(offset, length, AllocationKind.Data);
            }

            yield break;
        }

        var end = offset + length;
        for (var position = offset; position < end;)
        {
            var index = (int)(position / _blockSize);
            var blockStart = (long)index * _blockSize;
            var next = Math.Min(end, blockStart + _blockSize);
            var entry = _bat[index];
            var state = entry == VhdBlockAllocationTable.Unused ? StateEmpty : GetState(index);
            if (state == StatePartial)
            {
                var bitmap = RentBitmap(index, out var rented);
                try
                {
                    var sector = (int)((position - blockStart) / SectorSize);
                    var limit = (int)((next - blockStart + SectorSize - 1) / SectorSize);
                    while (sector < limit)
                    {
                        var run = VhdSectorBitmap.RunLength(bitmap, sector, limit, out var set);
                        var runStart = Math.Max(position, blockStart + ((long)sector * SectorSize));
                        var runEnd = Math.Min(next, blockStart + ((long)(sector + run) * SectorSize));
                        yield return new AllocationRange(runStart, runEnd - runStart, set ? AllocationKind.Data : AllocationKind.Unallocated);
                        sector += run;
                    }
                }
                finally
                {
                    ReturnBitmap(rented);
                }
            }
            else
            {
                yield return new AllocationRange(position, next - position, state == StateFull ? AllocationKind.Data : AllocationKind.Unallocated);
            }

            position = next;
        }
    }

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

    /// <summary>
    /// Opens the parent through the open context, trying the locators in the order Windows does:
    /// relative (W2ru, then the deprecated Wi2r) before absolute (W2ku, Wi2k), then a MacX file URL,
    /// and last the bare Parent Unicode Name beside the child. Only "not found" and "refused" move on
    /// to the next candidate; an identity mismatch or a corrupt parent stops the search.
    /// </summary>
    private void OpenParent(DiskOpenContext context)
    {
        var header = _header!;
        var candidates = new List<string>();
        var skipped = new List<string>();
        foreach (var code in new[] { VhdParentLocator.W2ru, VhdParentLocator.Wi2r, VhdParentLocator.W2ku, VhdParentLocator.Wi2k, VhdParentLocator.MacX })
        {
            for (var i = 0; i < VhdDynamicHeader.ParentLocatorCount; i++)
            {
                var locator = header.GetLocator(i);
                if (locator.PlatformCode != code)
                {
                    continue;
                }

                var text = ReadLocator(Storage, locator, out var why);
                if (text is null)
                {
                    skipped.Add($"{locator.PlatformName}: {why}");
                    continue;
                }

                _locatorRegions.Add(((long)locator.PlatformDataOffset, Math.Max(locator.PlatformDataLength, locator.ReservedBytes)));
                if (!candidates.Contains(text))
                {
                    candidates.Add(text);
                }
            }
        }

        var name = header.ParentUnicodeName.Trim();
        if (name.Length > 0 && !candidates.Contains(name))
        {
            candidates.Add(name);
        }

        if (candidates.Count == 0)
        {
            var detail = skipped.Count == 0 ? "the differencing disk records no parent locator and no parent name" : "no parent locator is usable (" + string.Join("; ", skipped) + ")";
            throw Corrupt(Storage, VhdDynamicHeader.ParentLocatorsOffset, "parent locator", detail, "VhdParentLocatorMissing");
        }

        var expected = VhdIdentity.Format(header.ParentUniqueId, header.ParentTimeStamp);
        if (context.Options.SkipParents)
        {
            ParentLink = new ParentLink(candidates[0], expected);
            return;
        }

        ImageOpsException? first = null;
        foreach (var candidate in candidates)
        {
            var link = new ParentLink(candidate, expected);
            try
            {
                Parent = context.OpenParent(Storage, link, format: null);
                ParentLink = link;
                return;
            }
            catch (ImageOpsException ex) when (ex.ErrorId == "ParentNotFound" || ex.ErrorId == "ParentReferenceRefused")
            {
                first ??= ex;
            }
        }

        throw first!;
    }

    /// <summary>The text of a path locator, or null (with the reason) when it cannot be read or decoded.</summary>
    internal static string? ReadLocator(IBlockStorage storage, VhdParentLocator locator, out string why)
    {
        why = string.Empty;
        if (locator.PlatformCode == VhdParentLocator.Mac)
        {
            why = "a Mac OS alias cannot be resolved";
            return null;
        }

        if (locator.PlatformDataLength == 0 || locator.PlatformDataLength > MaxLocatorDataLength)
        {
            why = string.Format(CultureInfo.InvariantCulture, "its length {0} is not between 1 and {1} bytes", locator.PlatformDataLength, MaxLocatorDataLength);
            return null;
        }

        if (locator.PlatformDataOffset > (ulong)storage.Length || locator.PlatformDataLength > (ulong)storage.Length - locator.PlatformDataOffset)
        {
            why = string.Format(CultureInfo.InvariantCulture, "its data at offset {0} lies past the end of the file", locator.PlatformDataOffset);
            return null;
        }

        var bytes = new byte[locator.PlatformDataLength];
        storage.ReadExactly((long)locator.PlatformDataOffset, bytes, FormatName, "parent locator data");
        string text;
        switch (locator.PlatformCode)
        {
            case VhdParentLocator.W2ru:
            case VhdParentLocator.W2ku:
                text = System.Text.Encoding.Unicode.GetString(bytes, 0, bytes.Length & ~1);
                break;
            case VhdParentLocator.MacX:
                text = FileUrlToPath(System.Text.Encoding.UTF8.GetString(bytes));
                break;
            default:
                text = System.Text.Encoding.UTF8.GetString(bytes);
                break;
        }

        var nul = text.IndexOf('\0');
        text = (nul >= 0 ? text.Substring(0, nul) : text).Trim();
        if (text.Length == 0)
        {
            why = "it is empty";
            return null;
        }

        return text;
    }

    /// <summary>A MacX locator is a file URL (RFC 2396): file://host/path with %-escapes; the path is what the resolver judges.</summary>
    private static string FileUrlToPath(string url)
    {
        const string scheme = "file://";
        if (!url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return url;
        }

        var rest = url.Substring(scheme.Length);
        var slash = rest.IndexOf('/');
        rest = slash >= 0 ? rest.Substring(slash) : string.Empty;
        try
        {
            return Uri.UnescapeDataString(rest);
        }
        catch (UriFormatException)
        {
            return rest;
        }
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

    private void ReadInBlock(int index, int inBlock, long position, Span<byte> buffer)
    {
        var entry = _bat![index];
        var state = entry == VhdBlockAllocationTable.Unused ? StateEmpty : GetState(index);
        if (state == StateEmpty)
        {
            ReadFromParent(position, buffer);
            return;
        }

        var dataOffset = ((long)entry * SectorSize) + _bitmapSize;
        if (state == StateFull)
        {
            Storage.ReadExactly(dataOffset + inBlock, buffer, FormatName, "data block");
            return;
        }

        var bitmap = RentBitmap(index, out var rented);
        try
        {
            var limit = (inBlock + buffer.Length + SectorSize - 1) / SectorSize;
            for (var done = 0; done < buffer.Length;)
            {
                var at = inBlock + done;
                var sector = at / SectorSize;
                var run = VhdSectorBitmap.RunLength(bitmap, sector, limit, out var set);
                var n = Math.Min(buffer.Length - done, ((sector + run) * SectorSize) - at);
                if (set)
                {
                    Storage.ReadExactly(dataOffset + at, buffer.Slice(done, n), FormatName, "data block");
                }
                else
                {
                    ReadFromParent(position + done, buffer.Slice(done, n));
                }

                done += n;
            }
        }
        finally
        {
            ReturnBitmap(rented);
        }
    }

    /// <summary>The block's bitmap state, loading and classifying the bitmap on first use (thread-safe: races load it twice, harmlessly).</summary>
    private byte GetState(int index)
    {
        var state = Volatile.Read(ref _bitmapState[index]);
        if (state != StateUnknown)
        {
            return state;
        }

        var bitmap = new byte[_bitmapSize];
        Storage.ReadExactly((long)_bat![index] * SectorSize, bitmap, FormatName, "sector bitmap");
        state = Classify(bitmap);
        if (state == StatePartial && Interlocked.Add(ref _cachedBitmapBytes, bitmap.Length) <= MaxCachedBitmapBytes)
        {
            _bitmaps[index] = bitmap;
        }

        Volatile.Write(ref _bitmapState[index], state);
        return state;
    }

    private byte Classify(ReadOnlySpan<byte> bitmap)
    {
        var run = VhdSectorBitmap.RunLength(bitmap, 0, _sectorsPerBlock, out var set);
        return run < _sectorsPerBlock ? StatePartial : set ? StateFull : StateEmpty;
    }

    /// <summary>The bitmap of a partial block: the cached copy, or a pooled buffer read now (<paramref name="rented"/>).</summary>
    private byte[] RentBitmap(int index, out byte[]? rented)
    {
        if (_bitmaps.TryGetValue(index, out var cached))
        {
            rented = null;
            return cached;
        }

        rented = ArrayPool<byte>.Shared.Rent(_bitmapSize);
        Storage.ReadExactly((long)_bat![index] * SectorSize, rented.AsSpan(0, _bitmapSize), FormatName, "sector bitmap");
        return rented;
    }

    private static void ReturnBitmap(byte[]? rented)
    {
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The current bitmap of a stored block, as a fresh array the caller may change.</summary>
    private byte[] CopyBitmap(int index)
    {
        var copy = new byte[_bitmapSize];
        switch (GetState(index))
        {
            case StateFull:
                VhdSectorBitmap.SetRange(copy, 0, _sectorsPerBlock);
                break;
            case StatePartial:
                var bitmap = RentBitmap(index, out var rented);
                bitmap.AsSpan(0, _bitmapSize).CopyTo(copy);
                ReturnBitmap(rented);
                break;
        }

        return copy;
    }

    private void WritePartialSector(long sectorOffset, int at, ReadOnlySpan<byte> data)
    {
        var sector = new byte[SectorSize];
        ReadCore(sectorOffset, sector);
        data.CopyTo(sector.AsSpan(at));
        WriteSectors(sectorOffset, sector);
    }

    /// <summary>Writes whole sectors following the crash protocol in the class remarks.</summary>
    private void WriteSectors(long offset, ReadOnlySpan<byte> data)
    {
        StampModification();
        var bat = _bat!;
        var newBlocks = new List<(int Index, long BitmapOffset)>();
        var changedBitmaps = new List<(int Index, byte[] Bitmap, byte State)>();
        var allocation = -1L;

        // Plan where new blocks go, so the footer can move to the new end of file before anything else.
        for (var position = offset; position < offset + data.Length;)
        {
            var index = (int)(position / _blockSize);
            if (bat[index] == VhdBlockAllocationTable.Unused)
            {
                allocation = allocation < 0 ? AllocationStart() : allocation;
                var bitmapOffset = VhdLayout.PlaceBlock(allocation, _bitmapSize);
                newBlocks.Add((index, bitmapOffset));
                allocation = bitmapOffset + _bitmapSize + _blockSize;
            }

            position = ((long)index + 1) * _blockSize;
        }

        if (newBlocks.Count > 0)
        {
            Storage.WriteAt(allocation, _footer.ToBytes());
        }

        var next = 0;
        for (var done = 0; done < data.Length;)
        {
            var position = offset + done;
            var index = (int)(position / _blockSize);
            var inBlock = (int)(position % _blockSize);
            var n = (int)Math.Min(data.Length - done, (long)_blockSize - inBlock);
            var chunk = data.Slice(done, n);
            if (next < newBlocks.Count && newBlocks[next].Index == index)
            {
                var bitmapOffset = newBlocks[next++].BitmapOffset;
                byte[] bitmap;
                if (Variant == DiskVariant.Dynamic)
                {
                    // As qemu does: every sector of a new block is stored (unwritten ones as the zeros
                    // of the fresh file), so the block never needs a bitmap update again.
                    bitmap = FullBitmap();
                }
                else
                {
                    bitmap = new byte[_bitmapSize];
                    VhdSectorBitmap.SetRange(bitmap, inBlock / SectorSize, n / SectorSize);
                }

                Storage.WriteAt(bitmapOffset, bitmap);
                Storage.WriteAt(bitmapOffset + _bitmapSize + inBlock, chunk);
                changedBitmaps.Add((index, bitmap, Classify(bitmap)));
            }
            else
            {
                var bitmapOffset = (long)bat[index] * SectorSize;
                Storage.WriteAt(bitmapOffset + _bitmapSize + inBlock, chunk);
                var state = GetState(index);
                if (state != StateFull)
                {
                    var bitmap = CopyBitmap(index);
                    if (!VhdSectorBitmap.AllSet(bitmap, inBlock / SectorSize, n / SectorSize))
                    {
                        VhdSectorBitmap.SetRange(bitmap, inBlock / SectorSize, n / SectorSize);
                        changedBitmaps.Add((index, bitmap, Classify(bitmap)));
                    }
                }
            }

            done += n;
        }

        if (newBlocks.Count == 0 && changedBitmaps.Count == 0)
        {
            return;
        }

        // Data (and new blocks' bitmaps) must be durable before anything points at them.
        Storage.Flush(durable: true);
        var tableOffset = (long)_header!.TableOffset;
        foreach (var (index, bitmapOffset) in newBlocks)
        {
            bat[index] = (uint)(bitmapOffset / SectorSize);
            Storage.WriteAt(tableOffset + ((long)index * VhdBlockAllocationTable.EntrySize), bat.ToBytes(index, 1));
            _dataEnd = Math.Max(_dataEnd, bitmapOffset + _bitmapSize + _blockSize);
        }

        var isNew = new HashSet<int>(newBlocks.Select(b => b.Index));
        foreach (var (index, bitmap, state) in changedBitmaps)
        {
            if (!isNew.Contains(index))
            {
                Storage.WriteAt((long)bat[index] * SectorSize, bitmap);
            }

            UpdateCachedBitmap(index, bitmap, state);
        }
    }

    private void UpdateCachedBitmap(int index, byte[] bitmap, byte state)
    {
        if (_bitmaps.TryRemove(index, out var old))
        {
            Interlocked.Add(ref _cachedBitmapBytes, -old.Length);
        }

        if (state == StatePartial && Interlocked.Add(ref _cachedBitmapBytes, bitmap.Length) <= MaxCachedBitmapBytes)
        {
            _bitmaps[index] = bitmap;
        }

        Volatile.Write(ref _bitmapState[index], state);
    }

    private byte[] FullBitmap()
    {
        if (_fullBitmap is null)
        {
            _fullBitmap = new byte[_bitmapSize];
            VhdSectorBitmap.SetRange(_fullBitmap, 0, _sectorsPerBlock);
        }

        return _fullBitmap;
    }

    /// <summary>
    /// Where the next block goes: after all metadata and blocks, and at or after the current end
    /// footer, so the footer written after the new block is again the last 512 bytes of the file.
    /// </summary>
    private long AllocationStart()
        => Math.Max(Math.Max(_metadataEnd, _dataEnd), Storage.Length - VhdFooter.Size);

    /// <summary>
    /// Refreshes the footer time stamp once per writing session, before the first change: children
    /// record it, so they no longer match a parent changed after they were made.
    /// </summary>
    private void StampModification()
    {
        if (_stamped)
        {
            return;
        }

        _stamped = true;
        var footer = _footer.Clone();
        footer.TimeStamp = VhdTime.Now();
        WriteFooters(footer);
    }

    /// <summary>Writes the footer: the copy at 0 first (dynamic disks), the end footer last.</summary>
    private void WriteFooters(VhdFooter footer)
    {
        var bytes = footer.ToBytes();
        if (_bat is not null)
        {
            Storage.WriteAt(0, bytes);
            Storage.WriteAt(Math.Max(AllocationStart(), _dataEnd), bytes);
        }
        else
        {
            // A legacy 511-byte footer becomes a 512-byte one in the same place (the data area is unchanged).
            Storage.WriteAt(_fixedFooterOffset, bytes);
        }

        _footer = footer;
    }

    private void ResizeFixed(VhdFooter footer, long newCapacity)
    {
        var oldFooterOffset = _fixedFooterOffset;
        var oldEnd = Storage.Length;
        if (newCapacity < _capacity)
        {
            RequireZeroTail(newCapacity, _capacity);
        }

        // The new footer first, so the file ends with a valid footer at every step; then the old one
        // (now inside the data area, or beyond the end) is cleared or cut off.
        var bytes = footer.ToBytes();
        Storage.WriteAt(newCapacity, bytes);
        Storage.Flush(durable: true);
        var clearEnd = Math.Min(oldEnd, newCapacity);
        if (oldFooterOffset < clearEnd)
        {
            Storage.WriteAt(oldFooterOffset, new byte[clearEnd - oldFooterOffset]);
        }

        Storage.SetLength(newCapacity + VhdFooter.Size);
        Storage.Flush(durable: true);
        _footer = footer;
        _fixedFooterOffset = newCapacity;
        _capacity = newCapacity;
    }

    private void RequireZeroTail(long from, long to)
    {
        var buffer = new byte[1 << 20];
        foreach (var range in GetAllocation(from, to - from))
        {
            if (range.Kind != AllocationKind.Data)
            {
                continue;
            }

            for (var position = range.Offset; position < range.End; position += buffer.Length)
            {
                var n = (int)Math.Min(buffer.Length, range.End - position);
                ReadCore(position, buffer.AsSpan(0, n));
                if (!ZeroDetector.IsAllZero(buffer.AsSpan(0, n)))
                {
                    throw new ImageOpsException("DiskShrinkWouldLoseData", ErrorKind.InvalidOperation, string.Format(CultureInfo.InvariantCulture, "'{0}' cannot shrink to {1} bytes: it holds data at offset {2}.", Path, from, position), Path);
                }
            }
        }
    }

    private void ResizeDynamic(VhdFooter footer, long newCapacity)
    {
        var bat = _bat!;
        var header = _header!;
        var needed = (int)((newCapacity + _blockSize - 1) / _blockSize);
        if (newCapacity < _capacity)
        {
            // Shrink only when no stored block reaches beyond the new size: its data would reappear
            // if the disk grew again.
            var firstBeyond = (int)(newCapacity / _blockSize);
            for (var i = firstBeyond; i < bat.Count; i++)
            {
                if (bat[i] != VhdBlockAllocationTable.Unused && (long)i * _blockSize < _capacity)
                {
                    throw new ImageOpsException("DiskShrinkWouldLoseData", ErrorKind.InvalidOperation, string.Format(CultureInfo.InvariantCulture, "'{0}' cannot shrink to {1} bytes: block {2} at virtual offset {3} holds data. Compact or shrink the file system first.", Path, newCapacity, i, (long)i * _blockSize), Path);
                }
            }
        }
        else if (needed > bat.Count)
        {
            GrowTable(needed);
            bat = _bat!;
            header = _header!;
        }

        WriteFooters(footer);
        Storage.Flush(durable: true);
        _capacity = newCapacity;
    }

    /// <summary>
    /// Grows the BAT to <paramref name="entries"/>: in place when the space up to the next structure
    /// allows, otherwise as a new table at the end of the file. New entries are written (unused) and
    /// flushed before the header points at them, so a kill leaves the old, complete table in effect.
    /// </summary>
    private void GrowTable(int entries)
    {
        var header = _header!.Clone();
        var tableOffset = (long)header.TableOffset;
        var newBat = _bat!.Resized(entries);
        var newBytes = VhdBlockAllocationTable.PaddedSize(entries);
        var room = RoomAfter(tableOffset);
        long newOffset;
        if (newBytes <= room)
        {
            newOffset = tableOffset;
            var oldCount = _bat.Count;
            Storage.WriteAt(tableOffset + ((long)oldCount * VhdBlockAllocationTable.EntrySize), newBat.ToPaddedBytes(newBytes).AsSpan(oldCount * VhdBlockAllocationTable.EntrySize));
        }
        else
        {
            newOffset = (AllocationStart() + 511) / 512 * 512;
            var footerAt = newOffset + newBytes;
            Storage.WriteAt(footerAt, _footer.ToBytes());
            Storage.WriteAt(newOffset, newBat.ToPaddedBytes(newBytes));
            _dataEnd = Math.Max(_dataEnd, footerAt);
        }

        Storage.Flush(durable: true);
        header.TableOffset = (ulong)newOffset;
        header.MaxTableEntries = (uint)entries;
        Storage.WriteAt((long)_footer.DataOffset, header.ToBytes());
        Storage.Flush(durable: true);

        _header = header;
        _bat = newBat;
        var states = new byte[entries];
        Array.Copy(_bitmapState, states, Math.Min(_bitmapState.Length, entries));
        _bitmapState = states;
        _metadataEnd = Math.Max(_metadataEnd, newOffset + newBytes);
    }

    /// <summary>Bytes free after <paramref name="start"/> before the next structure, stored block or the end footer.</summary>
    private long RoomAfter(long start)
    {
        var limit = Storage.Length - VhdFooter.Size;
        foreach (var region in Regions())
        {
            if (region.Offset > start)
            {
                limit = Math.Min(limit, region.Offset);
            }
        }

        for (var i = 0; i < _bat!.Count; i++)
        {
            var blockStart = (long)_bat[i] * SectorSize;
            if (_bat[i] != VhdBlockAllocationTable.Unused && blockStart > start)
            {
                limit = Math.Min(limit, blockStart);
            }
        }

        return limit - start;
    }
}
