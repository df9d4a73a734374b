using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>The write side of <see cref="VhdxDisk"/>: data, zeros, resize, and the transactions that commit metadata through the log.</summary>
internal sealed partial class VhdxDisk
{
    public override void WriteZeros(long offset, long length)
    {
        ThrowIfDisposed();
        if (!CanWrite)
        {
            throw new InvalidOperationException($"'{Path}' is open read-only.");
        }

        if (offset < 0 || length < 0 || offset > Capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), string.Format(CultureInfo.InvariantCulture, "The range [{0}, {0}+{1}) is outside the disk '{2}' of {3} bytes.", offset, length, Path, Capacity));
        }

        var transaction = new Transaction(this);
        var end = offset + length;
        for (var position = offset; position < end;)
        {
            var block = position / _geometry.BlockSize;
            var inBlock = position - (block * _geometry.BlockSize);
            var n = Math.Min(end - position, _geometry.BlockLengthInDisk(block) - inBlock);
            var index = _geometry.PayloadEntryIndex(block);
            var state = VhdxBatEntry.State(_bat[index]);
            var wholeBlock = inBlock == 0 && n == _geometry.BlockLengthInDisk(block);
            if (VhdxBatEntry.HasData(state))
            {
                // Stored blocks stay allocated (a fixed disk's always must, MS-VHDX 2.6.2.1): store zeros.
                WriteZeroBytes(position, n);
            }
            else if (_geometry.HasParent && state != (int)VhdxPayloadState.Zero)
            {
                // Zeros must hide the parent: a ZERO block, or stored zeros for part of a block.
                if (wholeBlock)
                {
                    _session!.BeginWrite(userVisible: true, startLog: true);
                    transaction.MakeRoom();
                    transaction.SetEntry(index, VhdxBatEntry.Make((int)VhdxPayloadState.Zero, 0));
                }
                else
                {
                    WriteZeroBytes(position, n);
                }
            }

            // Without a parent, blocks that store nothing already read as zeros.
            position += n;
        }

        transaction.Commit();
    }

    public override void Resize(long newCapacity)
    {
        ThrowIfDisposed();
        if (!CanWrite)
        {
            throw new InvalidOperationException($"'{Path}' is open read-only.");
        }

        if (newCapacity <= 0 || newCapacity > VhdxConstants.MaxCapacity || newCapacity % LogicalSectorSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(newCapacity), string.Format(CultureInfo.InvariantCulture, "A VHDX size must be a multiple of the {0}-byte logical sector from one sector to 64 TiB, not {1}.", LogicalSectorSize, newCapacity));
        }

        if (newCapacity == Capacity)
        {
            return;
        }

        if (newCapacity < Capacity)
        {
            Shrink(newCapacity);
        }
        else
        {
            Grow(newCapacity);
        }
    }

    protected override void WriteCore(long offset, ReadOnlySpan<byte> data)
    {
        var sector = LogicalSectorSize;
        var head = (int)(offset % sector);
        if (head != 0)
        {
            // A partial sector: read-modify-write it, so the rest keeps what this disk reads there now.
            var take = Math.Min(data.Length, sector - head);
            WritePartialSector(offset - head, head, data.Slice(0, take));
            offset += take;
            data = data.Slice(take);
        }

        var tail = data.Length % sector;
        var aligned = data.Length - tail;
        if (aligned > 0)
        {
            WriteAligned(offset, data.Slice(0, aligned));
        }

        if (tail > 0)
        {
            WritePartialSector(offset + aligned, 0, data.Slice(aligned));
        }
    }

    private void WritePartialSector(long sectorStart, int inSector, ReadOnlySpan<byte> data)
    {
        var buffer = new byte[LogicalSectorSize];
        ReadCore(sectorStart, buffer);
        data.CopyTo(buffer.AsSpan(inSector));
        WriteAligned(sectorStart, buffer);
    }

    /// <summary>Writes whole logical sectors: in place where blocks exist, into new blocks at the end of the file otherwise.</summary>
    private void WriteAligned(long offset, ReadOnlySpan<byte> data)
    {
        var needsLog = false;
        for (var position = offset; position < offset + data.Length; position += _geometry.BlockSize - (position % _geometry.BlockSize))
        {
            needsLog |= VhdxBatEntry.State(_bat[_geometry.PayloadEntryIndex(position / _geometry.BlockSize)]) != (int)VhdxPayloadState.FullyPresent;
        }

        _session!.BeginWrite(userVisible: true, startLog: needsLog);
        var transaction = new Transaction(this);
        var done = 0;
        while (done < data.Length)
        {
            var position = offset + done;
            var block = position / _geometry.BlockSize;
            var inBlock = position - (block * _geometry.BlockSize);
            var n = (int)Math.Min(data.Length - done, _geometry.BlockSize - inBlock);
            var piece = data.Slice(done, n);
            var index = _geometry.PayloadEntryIndex(block);
            var entry = transaction.Entry(index);
            var state = VhdxBatEntry.State(entry);
            switch ((VhdxPayloadState)state)
            {
                case VhdxPayloadState.FullyPresent:
                    Storage.WriteAt(VhdxBatEntry.FileOffset(entry) + inBlock, piece);
                    break;
                case VhdxPayloadState.PartiallyPresent:
                    Storage.WriteAt(VhdxBatEntry.FileOffset(entry) + inBlock, piece);
                    transaction.MakeRoom();
                    transaction.MarkPresent(block, VhdxBatEntry.FileOffset(entry), inBlock, n, null);
                    break;
                default:
                    transaction.MakeRoom();
                    var blockOffset = Allocate(_geometry.BlockSize);
                    Storage.WriteAt(blockOffset + inBlock, piece);
                    var whole = inBlock == 0 && n >= _geometry.BlockLengthInDisk(block);

                    // Without a parent, or over a ZERO block, the rest of the new block must read as zeros, which
                    // it does (the file was extended); over a parent, unwritten sectors must keep showing it.
                    if (!_geometry.HasParent || whole || state == (int)VhdxPayloadState.Zero)
                    {
                        transaction.SetEntry(index, VhdxBatEntry.Make((int)VhdxPayloadState.FullyPresent, blockOffset));
                    }
                    else
                    {
                        transaction.MarkPresent(block, blockOffset, inBlock, n, new byte[_geometry.BitmapBytesPerBlock]);
                    }

                    break;
            }

            done += n;
        }

        transaction.Commit();
    }

    private void WriteZeroBytes(long offset, long length)
    {
        var zeros = new byte[(int)Math.Min(length, 1 << 20)];
        for (var done = 0L; done < length; done += zeros.Length)
        {
            WriteCore(offset + done, zeros.AsSpan(0, (int)Math.Min(zeros.Length, length - done)));
        }
    }

    /// <summary>Extends the file by <paramref name="size"/> bytes (which read as zeros) and returns where they start.</summary>
    private long Allocate(long size)
    {
        var offset = _allocationEnd;
        if (offset + size > VhdxConstants.MaxFileOffset)
        {
            throw new ImageOpsException("VhdxFileTooLarge", ErrorKind.LimitsExceeded, $"'{Path}' cannot grow further.", Path);
        }

        _allocationEnd = offset + size;
        if (Storage.Length < _allocationEnd)
        {
            Storage.SetLength(_allocationEnd);
        }

        return offset;
    }

    private void Shrink(long newCapacity)
    {
        // MS-VHDX allows any size change; ImageOps only drops space that holds no data of this layer.
        foreach (var range in GetAllocation(newCapacity, Capacity - newCapacity))
        {
            if (range.Kind != AllocationKind.Data)
            {
                continue;
            }

            var lastKeptBlock = (newCapacity - 1) / _geometry.BlockSize;
            if (range.Offset / _geometry.BlockSize > lastKeptBlock || !RangeIsZero(range.Offset, range.Length))
            {
                throw new ImageOpsException("VhdxShrinkWouldDiscardData", ErrorKind.InvalidOperation, string.Format(CultureInfo.InvariantCulture, "'{0}' holds data at {1}, beyond the requested size of {2} bytes; shrinking would discard it.", Path, range.Offset, newCapacity), Path);
            }
        }

        _session!.BeginWrite(userVisible: true, startLog: true);
        var transaction = new Transaction(this);
        transaction.SetVirtualDiskSize(newCapacity);
        transaction.Commit();
        _geometry = new VhdxGeometry(newCapacity, _geometry.BlockSize, _geometry.LogicalSectorSize, _geometry.HasParent);
    }

    private bool RangeIsZero(long offset, long length)
    {
        var buffer = new byte[(int)Math.Min(length, 1 << 20)];
        for (var done = 0L; done < length; done += buffer.Length)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done));
            ReadCore(offset + done, span);
            if (!ZeroDetector.IsAllZero(span))
            {
                return false;
            }
        }

        return true;
    }

    private void Grow(long newCapacity)
    {
        var old = _geometry;
        var grown = new VhdxGeometry(newCapacity, old.BlockSize, old.LogicalSectorSize, old.HasParent);
        var fixedDisk = _file.Metadata.LeaveBlockAllocated;
        _session!.BeginWrite(userVisible: true, startLog: true);
        var transaction = new Transaction(this);

        // The old last block may be cut short; what lies past the old end in the file becomes visible.
        var lastBlock = old.DataBlocks - 1;
        if (old.Capacity % old.BlockSize != 0 && lastBlock >= 0)
        {
            var entry = _bat[old.PayloadEntryIndex(lastBlock)];
            var tailStart = old.Capacity - (lastBlock * old.BlockSize);
            var tailLength = Math.Min(newCapacity, (lastBlock + 1) * old.BlockSize) - old.Capacity;
            if (VhdxBatEntry.HasData(VhdxBatEntry.State(entry)))
            {
                var zeros = new byte[(int)Math.Min(tailLength, 1 << 20)];
                for (var done = 0L; done < tailLength; done += zeros.Length)
                {
                    Storage.WriteAt(VhdxBatEntry.FileOffset(entry) + tailStart + done, zeros.AsSpan(0, (int)Math.Min(zeros.Length, tailLength - done)));
                }
            }

            if (VhdxBatEntry.State(entry) == (int)VhdxPayloadState.PartiallyPresent)
            {
                transaction.MarkAbsent(lastBlock, tailStart, tailLength);
            }
        }

        // The desired entries past the old end: nothing, or for a fixed disk new blocks at the end of the file.
        var desired = new Dictionary<long, ulong>();
        var newBlocks = grown.DataBlocks - old.DataBlocks;
        var nextBlock = fixedDisk && newBlocks > 0 ? Allocate(newBlocks * grown.BlockSize) : 0;
        for (var index = old.TotalEntries; index < grown.TotalEntries; index++)
        {
            var value = 0UL;
            if (fixedDisk && !grown.IsBitmapEntry(index))
            {
                value = VhdxBatEntry.Make((int)VhdxPayloadState.FullyPresent, nextBlock);
                nextBlock += grown.BlockSize;
            }

            desired[index] = value;
        }

        var batCapacity = _file.BatRegion.Length / VhdxBatEntry.Size;
        if (grown.TotalEntries > batCapacity)
        {
            // Move the BAT to the end of the file: write the copy directly (nothing refers to that space yet),
            // then switch the region table and the size in one log entry.
            var length = grown.BatRegionLength;
            if (length > uint.MaxValue - VhdxConstants.OneMiB)
            {
                throw new ImageOpsException("VhdxFileTooLarge", ErrorKind.LimitsExceeded, $"The BAT of '{Path}' cannot grow to {length} bytes.", Path);
            }

            var batOffset = Allocate(length);
            var bat = new ulong[length / VhdxBatEntry.Size];
            Array.Copy(_bat, bat, Math.Min(_bat.Length, old.TotalEntries));
            foreach (var pair in desired)
            {
                bat[pair.Key] = pair.Value;
            }

            WriteBat(Storage, batOffset, bat, grown.TotalEntries);
            transaction.SetVirtualDiskSize(newCapacity);
            transaction.MoveBat(batOffset, (uint)length, bat);
            transaction.Commit();
        }
        else
        {
            foreach (var pair in desired)
            {
                if (_bat[pair.Key] != pair.Value)
                {
                    transaction.MakeRoom();
                    transaction.SetEntry(pair.Key, pair.Value);
                }
            }

            // Entries past the old end are invisible until the size changes, so they may commit first.
            transaction.MakeRoom();
            transaction.SetVirtualDiskSize(newCapacity);
            transaction.Commit();
        }

        _geometry = grown;
    }

    /// <summary>Writes the first <paramref name="entries"/> entries of <paramref name="bat"/> at <paramref name="offset"/>.</summary>
    internal static void WriteBat(IBlockStorage storage, long offset, ulong[] bat, long entries)
    {
        var buffer = new byte[VhdxConstants.OneMiB];
        var total = Alignment.RoundUp(entries * VhdxBatEntry.Size, LogSector);
        for (long done = 0; done < total; done += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, total - done);
            for (var i = 0; i < n / VhdxBatEntry.Size; i++)
            {
                var index = (done / VhdxBatEntry.Size) + i;
                BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(i * VhdxBatEntry.Size), index < bat.Length ? bat[index] : 0);
            }

            storage.WriteAt(offset + done, buffer.AsSpan(0, n));
        }
    }

    /// <summary>
    /// Metadata changes gathered for one log entry: the 4 KiB file sectors to rewrite and the in-memory
    /// state (BAT entries, block bitmaps) to adopt once the entry is applied.
    /// </summary>
    private sealed class Transaction
    {
        private readonly VhdxDisk _disk;
        private readonly Dictionary<long, byte[]> _sectors = new();
        private readonly Dictionary<long, ulong> _entries = new();
        private readonly Dictionary<long, byte[]> _bitmaps = new();
        private (long Offset, uint Length, ulong[] Bat)? _movedBat;
        private VhdxRegionTable? _regionTable;
        private long? _capacity;

        public Transaction(VhdxDisk disk)
        {
            _disk = disk;
        }

        /// <summary>The entry as this transaction will leave it.</summary>
        public ulong Entry(long index) => _entries.TryGetValue(index, out var value) ? value : _disk._bat[index];

        /// <summary>Commits what is pending if one more block's changes might not fit in the entry.</summary>
        public void MakeRoom()
        {
            if (_sectors.Count + SectorsPerBlockChange > _disk._session!.MaxSectorsPerEntry)
            {
                Commit();
            }
        }

        public void SetEntry(long index, ulong value)
        {
            _entries[index] = value;
            Span<byte> bytes = stackalloc byte[VhdxBatEntry.Size];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
            Stage(_disk._file.BatRegion.FileOffset + (index * VhdxBatEntry.Size), bytes);
        }

        /// <summary>
        /// Sets the bitmap bits of [inBlock, inBlock+length) of a partially present block (allocating its chunk's
        /// bitmap block when needed). <paramref name="fresh"/> starts a new block's bitmap from all clear.
        /// </summary>
        public void MarkPresent(long block, long blockOffset, long inBlock, long length, byte[]? fresh)
        {
            var geometry = _disk._geometry;
            var old = fresh is null ? Bitmap(block) : null;
            var bitmap = fresh ?? (byte[])old!.Clone();
            var sector = geometry.LogicalSectorSize;
            for (var s = inBlock / sector; s < (inBlock + length + sector - 1) / sector; s++)
            {
                bitmap[s >> 3] |= (byte)(1 << (int)(s & 7));
            }

            if (old is not null && old.AsSpan().SequenceEqual(bitmap))
            {
                return;
            }

            var full = true;
            var sectorsInDisk = (geometry.BlockLengthInDisk(block) + sector - 1) / sector;
            for (var s = 0L; s < sectorsInDisk && full; s++)
            {
                full = (bitmap[s >> 3] & (1 << (int)(s & 7))) != 0;
            }

            var index = geometry.PayloadEntryIndex(block);
            if (full)
            {
                // Every sector is here now: the bitmap no longer matters.
                SetEntry(index, VhdxBatEntry.Make((int)VhdxPayloadState.FullyPresent, blockOffset));
                return;
            }

            StageBitmap(block, bitmap);
            if (fresh is not null || VhdxBatEntry.State(Entry(index)) != (int)VhdxPayloadState.PartiallyPresent)
            {
                SetEntry(index, VhdxBatEntry.Make((int)VhdxPayloadState.PartiallyPresent, blockOffset));
            }
        }

        /// <summary>Clears the bitmap bits of [inBlock, inBlock+length) of a partially present block.</summary>
        public void MarkAbsent(long block, long inBlock, long length)
        {
            var sector = _disk._geometry.LogicalSectorSize;
            var bitmap = (byte[])Bitmap(block).Clone();
            for (var s = inBlock / sector; s < (inBlock + length + sector - 1) / sector && (s >> 3) < bitmap.Length; s++)
            {
                bitmap[s >> 3] &= (byte)~(1 << (int)(s & 7));
            }

            StageBitmap(block, bitmap);
        }

        public void SetVirtualDiskSize(long capacity)
        {
            _capacity = capacity;
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)capacity);
            Stage(_disk._file.MetadataRegion.FileOffset + _disk._file.Metadata.VirtualDiskSizeItemOffset, bytes);
        }

        public void MoveBat(long offset, uint length, ulong[] bat)
        {
            _movedBat = (offset, length, bat);
            var table = _disk._file.RegionTable.With(VhdxGuids.BatRegion, offset, length);
            var bytes = new byte[VhdxRegionTable.Size];
            table.WriteTo(bytes);
            Stage(VhdxConstants.RegionTable1Offset, bytes);
            Stage(VhdxConstants.RegionTable2Offset, bytes);
            _regionTable = table;
        }

        public void Commit()
        {
            if (_sectors.Count == 0)
            {
                return;
            }

            _disk._session!.Commit(_sectors);
            foreach (var pair in _entries)
            {
                _disk._bat[pair.Key] = pair.Value;
                if (!_disk._geometry.IsBitmapEntry(pair.Key))
                {
                    _disk._blockBitmaps.TryRemove(_disk._geometry.BlockOfEntry(pair.Key), out _);
                }
            }

            foreach (var pair in _bitmaps)
            {
                _disk._blockBitmaps[pair.Key] = pair.Value;
            }

            if (_movedBat is { } moved)
            {
                _disk._bat = moved.Bat;
                _disk._file.ReplaceRegionTable(_regionTable!);
                _disk._file.MoveBatRegion(moved.Offset, moved.Length, moved.Bat);
            }

            if (_capacity is { } capacity)
            {
                _disk._file.Metadata.VirtualDiskSize = capacity;
            }

            _sectors.Clear();
            _entries.Clear();
            _bitmaps.Clear();
            _movedBat = null;
            _regionTable = null;
            _capacity = null;
        }

        private byte[] Bitmap(long block) => _bitmaps.TryGetValue(block, out var pending) ? pending : _disk.BlockBitmap(block);

        private void StageBitmap(long block, byte[] bitmap)
        {
            var geometry = _disk._geometry;
            var chunk = block / geometry.ChunkRatio;
            var bitmapIndex = geometry.BitmapEntryIndex(chunk);
            var bitmapEntry = Entry(bitmapIndex);
            if (VhdxBatEntry.State(bitmapEntry) != VhdxBatEntry.BitmapPresent)
            {
                // A new sector bitmap block: fresh file space, which reads as zeros (every sector absent).
                bitmapEntry = VhdxBatEntry.Make(VhdxBatEntry.BitmapPresent, _disk.Allocate(VhdxConstants.SectorBitmapBlockSize));
                SetEntry(bitmapIndex, bitmapEntry);
            }

            _bitmaps[block] = bitmap;
            Stage(VhdxBatEntry.FileOffset(bitmapEntry) + ((block % geometry.ChunkRatio) * geometry.BitmapBytesPerBlock), bitmap);
        }

        /// <summary>Patches <paramref name="bytes"/> into the staged copies of the 4 KiB sectors they cover.</summary>
        private void Stage(long fileOffset, ReadOnlySpan<byte> bytes)
        {
            var done = 0;
            while (done < bytes.Length)
            {
                var at = fileOffset + done;
                var sectorStart = at - (at % LogSector);
                if (!_sectors.TryGetValue(sectorStart, out var sector))
                {
                    sector = new byte[LogSector];
                    _disk.Storage.ReadOrZero(sectorStart, sector);
                    _sectors[sectorStart] = sector;
                }

                var inSector = (int)(at - sectorStart);
                var n = Math.Min(bytes.Length - done, LogSector - inSector);
                bytes.Slice(done, n).CopyTo(sector.AsSpan(inSector));
                done += n;
            }
        }
    }
}
