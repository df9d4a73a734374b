using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// Reading, writing and the allocation map: BAT lookups, cached sector bitmap states, and the
/// crash-ordered allocation of new blocks (see the class remarks).
/// </summary>
internal sealed partial class VhdDisk
{
    /// <inheritdoc />
    public override void WriteZeros(long offset, long length)
    {
        ThrowIfDisposed();
        if (_bat is null || Variant != DiskVariant.Dynamic)
        {
            base.WriteZeros(offset, length);
            return;
        }

        if (!CanWrite)
        {
            throw new InvalidOperationException($"'{Path}' is open read-only.");
        }

        if (offset < 0 || length < 0 || offset > Capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"The range [{offset}, {offset}+{length}) is outside the disk '{Path}' of {Capacity} bytes.");
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
}
