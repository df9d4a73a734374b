using System;
using System.Globalization;
using System.Linq;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// Resize: fixed disks move their footer; dynamic disks grow their BAT in place or move it.
/// </summary>
internal sealed partial class VhdDisk
{
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
            newOffset = Alignment.RoundUp(AllocationStart(), 512);
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
