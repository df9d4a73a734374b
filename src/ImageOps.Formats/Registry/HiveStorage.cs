using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Formats.Registry;

/// <summary>
/// The hive in memory: the base block and the hive bins data in one buffer laid out as the file is,
/// the map of where cells start (checked once at load, so every later offset can be validated in O(1)),
/// and the free cells for allocation. Allocation is best fit; a freed cell is zeroed and merged with
/// free neighbours in its bin; a cell that fits nowhere gets a new bin appended, as Windows does
/// (HvAllocateCell, HvFreeCell, HvpAddBin).
/// </summary>
internal sealed class HiveStorage
{
    /// <summary>Largest hive bins data ImageOps loads or grows to (Windows caps hives at 2 GiB).</summary>
    public const int MaxHiveBinsDataSize = 0x7FF00000 - BaseBlock.Size;

    /// <summary>Largest single cell ImageOps allocates (big data splits long values well below this).</summary>
    public const int MaxCellDataSize = 16 << 20;

    private const int Base = BaseBlock.Size;

    private byte[] _buffer;
    private ulong[] _starts;
    private int[] _binOfPage;

    // Free cells ordered by (size, offset): the first at or above a size is the best fit.
    private SortedSet<long> _free;

    private HiveStorage(string path, byte[] buffer, int hiveBinsSize)
    {
        Path = path;
        _buffer = buffer;
        HiveBinsDataSize = hiveBinsSize;
        _starts = new ulong[(hiveBinsSize / HiveCell.Alignment / 64) + 1];
        _binOfPage = new int[hiveBinsSize / HiveBin.Alignment];
        _free = new SortedSet<long>();
    }

    /// <summary>The file (or stream description) errors name.</summary>
    public string Path { get; }

    /// <summary>Bytes of hive bins data.</summary>
    public int HiveBinsDataSize { get; private set; }

    /// <summary>Total file length: base block plus hive bins.</summary>
    public int Length => Base + HiveBinsDataSize;

    /// <summary>The buffer: base block at 0, hive bins data from 4096. Longer than <see cref="Length"/> when grown.</summary>
    public byte[] Buffer => _buffer;

    /// <summary>Bytes in free cells.</summary>
    public long FreeBytes
    {
        get
        {
            long total = 0;
            foreach (var key in _free)
            {
                total += key >> 32;
            }

            return total;
        }
    }

    /// <summary>
    /// Takes <paramref name="file"/> (base block and at least <paramref name="hiveBinsSize"/> bytes of
    /// hive bins) and checks every bin and cell: signatures, bin offsets and sizes, cell sizes that are
    /// zero, not multiples of 8 or cross their bin. Any fault is a typed error with its offset.
    /// </summary>
    public static HiveStorage Load(string path, byte[] file, int hiveBinsSize)
    {
        var storage = new HiveStorage(path, file, hiveBinsSize);
        storage.ScanBins();
        return storage;
    }

    /// <summary>A new hive: the buffer has a base block (filled in by the caller) and one empty 4 KiB bin.</summary>
    public static HiveStorage CreateEmpty(string path, long firstBinTimestamp)
    {
        var buffer = new byte[Base + HiveBin.Alignment];
        new HiveBin { Offset = 0, Size = HiveBin.Alignment, TimestampFileTime = firstBinTimestamp }.Write(buffer.AsSpan(Base));
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(Base + HiveBin.HeaderSize), HiveBin.Alignment - HiveBin.HeaderSize);
        return Load(path, buffer, HiveBin.Alignment);
    }

    /// <summary>An independent copy, for edits that must apply in full or not at all.</summary>
    public HiveStorage Clone()
    {
        var buffer = new byte[Length];
        Array.Copy(_buffer, buffer, Length);
        return new HiveStorage(Path, buffer, HiveBinsDataSize)
        {
            _starts = (ulong[])_starts.Clone(),
            _binOfPage = (int[])_binOfPage.Clone(),
            _free = new SortedSet<long>(_free),
        };
    }

    /// <summary>The file image (base block and hive bins) as a new array.</summary>
    public byte[] ToArray()
    {
        var copy = new byte[Length];
        Array.Copy(_buffer, copy, Length);
        return copy;
    }

    /// <summary>True if a cell starts at <paramref name="offset"/> (relative to the hive bins data).</summary>
    public bool IsCellStart(uint offset)
        => offset < (uint)HiveBinsDataSize && offset % HiveCell.Alignment == 0 && (_starts[offset >> 9] & (1UL << (int)((offset >> 3) & 63))) != 0;

    /// <summary>True if a cell starts at <paramref name="offset"/> and is allocated.</summary>
    public bool IsAllocatedCell(uint offset) => IsCellStart(offset) && RawSize(offset) < 0;

    /// <summary>
    /// The data of the allocated cell at <paramref name="offset"/>. An offset outside the data, into the
    /// middle of a cell or at a free cell is damage, reported as <paramref name="structure"/>.
    /// The span is valid until the next allocation or free.
    /// </summary>
    public Span<byte> Cell(uint offset, string structure)
    {
        if (offset == HiveCell.Nil)
        {
            throw HiveErrors.CorruptCell(Path, offset, structure, "the reference is empty (HCELL_NIL) where a cell is required");
        }

        if (offset >= (uint)HiveBinsDataSize)
        {
            throw HiveErrors.Corrupt(Path, Base + (long)offset, structure, $"cell offset 0x{offset:X} lies outside the {HiveBinsDataSize}-byte hive bins data");
        }

        if (!IsCellStart(offset))
        {
            throw HiveErrors.CorruptCell(Path, offset, structure, $"offset 0x{offset:X} points into the middle of a cell or into a hive bin header");
        }

        var raw = RawSize(offset);
        if (raw >= 0)
        {
            throw HiveErrors.CorruptCell(Path, offset, structure, $"the cell at 0x{offset:X} is free, not allocated");
        }

        return _buffer.AsSpan(Base + (int)offset + HiveCell.HeaderSize, -raw - HiveCell.HeaderSize);
    }

    /// <summary>Bytes of data the allocated cell at <paramref name="offset"/> can hold.</summary>
    public int CellCapacity(uint offset) => -RawSize(offset) - HiveCell.HeaderSize;

    /// <summary>
    /// Allocates a cell for <paramref name="dataLength"/> bytes (zeroed) and returns its offset. Spans
    /// from <see cref="Cell"/> taken before are no longer valid.
    /// </summary>
    public uint Allocate(int dataLength)
    {
        if (dataLength < 0 || dataLength > MaxCellDataSize)
        {
            throw HiveErrors.Limit(Path, $"a cell of {dataLength} bytes is larger than the {MaxCellDataSize} ImageOps allocates");
        }

        var need = HiveCell.SizeFor(dataLength);
        var best = _free.GetViewBetween((long)need << 32, long.MaxValue).Min;
        if (best == 0)
        {
            AppendBin(need);
            best = _free.GetViewBetween((long)need << 32, long.MaxValue).Min;
        }

        _free.Remove(best);
        var offset = (uint)best;
        var size = (int)(best >> 32);
        if (size - need >= HiveCell.MinSize)
        {
            // Split: the tail stays free.
            var rest = offset + (uint)need;
            WriteRawSize(rest, size - need);
            MarkStart(rest, true);
            _free.Add(((long)(size - need) << 32) | rest);
            size = need;
        }

        WriteRawSize(offset, -size);
        _buffer.AsSpan(Base + (int)offset + HiveCell.HeaderSize, size - HiveCell.HeaderSize).Clear();
        return offset;
    }

    /// <summary>Allocates a cell and copies <paramref name="data"/> into it.</summary>
    public uint AllocateWith(ReadOnlySpan<byte> data)
    {
        var offset = Allocate(data.Length);
        data.CopyTo(Cell(offset, "new cell"));
        return offset;
    }

    /// <summary>
    /// Frees the allocated cell at <paramref name="offset"/>: zeroes its data (deleted values leave nothing
    /// behind) and merges it with free neighbours in the same bin.
    /// </summary>
    public void Free(uint offset)
    {
        if (!IsCellStart(offset) || RawSize(offset) >= 0)
        {
            // Only damage (a cell owned twice) gets here: the editor frees what it has just read.
            throw HiveErrors.CorruptCell(Path, offset, "cell", $"the cell at 0x{offset:X} is to be freed but is not allocated");
        }

        var raw = RawSize(offset);

        var size = -raw;
        var binStart = (uint)_binOfPage[offset / HiveBin.Alignment];
        var binEnd = binStart + BinSize(binStart);

        var next = offset + (uint)size;
        if (next < binEnd && RawSize(next) > 0)
        {
            var nextSize = RawSize(next);
            _free.Remove(((long)nextSize << 32) | next);
            MarkStart(next, false);
            size += nextSize;
        }

        var previous = PreviousStart(offset, binStart);
        if (previous != HiveCell.Nil && RawSize(previous) > 0)
        {
            var previousSize = RawSize(previous);
            _free.Remove(((long)previousSize << 32) | previous);
            MarkStart(offset, false);
            offset = previous;
            size += previousSize;
        }

        WriteRawSize(offset, size);
        _buffer.AsSpan(Base + (int)offset + HiveCell.HeaderSize, size - HiveCell.HeaderSize).Clear();
        _free.Add(((long)size << 32) | offset);
    }

    /// <summary>
    /// Makes the cell at <paramref name="offset"/> hold <paramref name="dataLength"/> bytes: the same cell
    /// when it is big enough, else a new cell with the old data copied and the old cell freed.
    /// </summary>
    public uint Reallocate(uint offset, int dataLength)
    {
        var capacity = CellCapacity(offset);
        if (capacity >= dataLength)
        {
            return offset;
        }

        var moved = Allocate(dataLength);
        _buffer.AsSpan(Base + (int)offset + HiveCell.HeaderSize, capacity).CopyTo(_buffer.AsSpan(Base + (int)moved + HiveCell.HeaderSize));
        Free(offset);
        return moved;
    }

    /// <summary>Drops bins at the end of the hive that hold nothing but one free cell (after deletions).</summary>
    public void TrimTrailingFreeBins()
    {
        while (HiveBinsDataSize > HiveBin.Alignment)
        {
            var lastBin = (uint)_binOfPage[(HiveBinsDataSize / HiveBin.Alignment) - 1];
            var size = BinSize(lastBin);
            var cell = lastBin + HiveBin.HeaderSize;
            if (lastBin == 0 || RawSize(cell) != (int)size - HiveBin.HeaderSize)
            {
                return;
            }

            _free.Remove(((long)RawSize(cell) << 32) | cell);
            MarkStart(cell, false);
            _buffer.AsSpan(Base + (int)lastBin, (int)size).Clear();
            HiveBinsDataSize = (int)lastBin;
        }
    }

    /// <summary>All cells in file order: (offset, allocated, size including the header).</summary>
    public IEnumerable<(uint Offset, bool Allocated, int Size)> Cells()
    {
        uint bin = 0;
        while (bin < HiveBinsDataSize)
        {
            var end = bin + BinSize(bin);
            var cell = bin + HiveBin.HeaderSize;
            while (cell < end)
            {
                var raw = RawSize(cell);
                yield return (cell, raw < 0, raw < 0 ? -raw : raw);
                cell += (uint)(raw < 0 ? -raw : raw);
            }

            bin = end;
        }
    }

    /// <summary>Offsets of the hive bins.</summary>
    public IEnumerable<(uint Offset, uint Size)> Bins()
    {
        uint bin = 0;
        while (bin < HiveBinsDataSize)
        {
            var size = BinSize(bin);
            yield return (bin, size);
            bin += size;
        }
    }

    private uint BinSize(uint binStart) => BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(Base + (int)binStart + HiveBin.SizeOffset));

    private int RawSize(uint offset) => BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(Base + (int)offset));

    private void WriteRawSize(uint offset, int value) => BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(Base + (int)offset), value);

    private void MarkStart(uint offset, bool set)
    {
        var word = offset >> 9;
        var bit = 1UL << (int)((offset >> 3) & 63);
        _starts[word] = set ? _starts[word] | bit : _starts[word] & ~bit;
    }

    private uint PreviousStart(uint offset, uint binStart)
    {
        var first = binStart + HiveBin.HeaderSize;
        if (offset <= first)
        {
            return HiveCell.Nil;
        }

        var index = (offset >> 3) - 1;
        var firstIndex = first >> 3;
        while (true)
        {
            var word = _starts[index >> 6] & (ulong.MaxValue >> (63 - (int)(index & 63)));
            if (word != 0)
            {
                var found = ((index >> 6) << 6) + (uint)HighestBit(word);
                return found >= firstIndex ? found << 3 : HiveCell.Nil;
            }

            if ((index >> 6) == 0 || ((index >> 6) << 6) <= firstIndex)
            {
                return HiveCell.Nil;
            }

            index = ((index >> 6) << 6) - 1;
        }
    }

    private static int HighestBit(ulong value)
    {
        var n = 0;
        while ((value >>= 1) != 0)
        {
            n++;
        }

        return n;
    }

    private void AppendBin(int cellSize)
    {
        var binSize = (HiveBin.HeaderSize + cellSize + HiveBin.Alignment - 1) / HiveBin.Alignment * HiveBin.Alignment;
        var start = HiveBinsDataSize;
        if ((long)start + binSize > MaxHiveBinsDataSize)
        {
            throw HiveErrors.Limit(Path, $"growing the hive past {MaxHiveBinsDataSize} bytes of hive bins");
        }

        var newSize = start + binSize;
        if (Base + newSize > _buffer.Length)
        {
            var capacity = Math.Max(Base + newSize, Math.Min(Base + MaxHiveBinsDataSize, _buffer.Length * 2L));
            Array.Resize(ref _buffer, (int)capacity);
        }

        _buffer.AsSpan(Base + start, binSize).Clear();
        new HiveBin { Offset = (uint)start, Size = (uint)binSize }.Write(_buffer.AsSpan(Base + start));
        HiveBinsDataSize = newSize;
        GrowMaps();
        for (var page = start / HiveBin.Alignment; page < newSize / HiveBin.Alignment; page++)
        {
            _binOfPage[page] = start;
        }

        var cell = (uint)(start + HiveBin.HeaderSize);
        WriteRawSize(cell, binSize - HiveBin.HeaderSize);
        MarkStart(cell, true);
        _free.Add(((long)(binSize - HiveBin.HeaderSize) << 32) | cell);
    }

    private void GrowMaps()
    {
        var words = (HiveBinsDataSize / HiveCell.Alignment / 64) + 1;
        if (words > _starts.Length)
        {
            Array.Resize(ref _starts, Math.Max(words, _starts.Length * 2));
        }

        var pages = HiveBinsDataSize / HiveBin.Alignment;
        if (pages > _binOfPage.Length)
        {
            Array.Resize(ref _binOfPage, Math.Max(pages, _binOfPage.Length * 2));
        }
    }

    private void ScanBins()
    {
        uint position = 0;
        var total = (uint)HiveBinsDataSize;
        while (position < total)
        {
            var fileOffset = Base + (long)position;
            if (total - position < HiveBin.Alignment)
            {
                throw HiveErrors.Corrupt(Path, fileOffset, "hive bin", $"the last {total - position} bytes of hive bins data are too short for a hive bin");
            }

            var bin = HiveBin.Parse(_buffer.AsSpan((int)fileOffset));
            if (bin.Signature != HiveBin.SignatureValue)
            {
                throw HiveErrors.Corrupt(Path, fileOffset, "hive bin", "no 'hbin' signature where a hive bin should start");
            }

            if (bin.Offset != position)
            {
                throw HiveErrors.Corrupt(Path, fileOffset, "hive bin", $"it says it is at offset 0x{bin.Offset:X}, but it is at 0x{position:X}");
            }

            if (bin.Size == 0 || bin.Size % HiveBin.Alignment != 0 || bin.Size > total - position)
            {
                throw HiveErrors.Corrupt(Path, fileOffset, "hive bin", $"its size {bin.Size} is not a non-zero multiple of {HiveBin.Alignment} within the {total}-byte hive bins data");
            }

            for (var page = position / HiveBin.Alignment; page < (position + bin.Size) / HiveBin.Alignment; page++)
            {
                _binOfPage[page] = (int)position;
            }

            var end = position + bin.Size;
            var cell = position + HiveBin.HeaderSize;
            while (cell < end)
            {
                var raw = RawSize(cell);
                var size = raw == int.MinValue ? 0L : Math.Abs((long)raw);
                if (size < HiveCell.MinSize || size % HiveCell.Alignment != 0 || size > end - cell)
                {
                    var what = size == 0 ? "zero" : size % HiveCell.Alignment != 0 ? "not a multiple of 8" : size < HiveCell.MinSize ? "below the minimum of 8" : $"crossing the end of its hive bin at 0x{end:X}";
                    throw HiveErrors.Corrupt(Path, Base + (long)cell, "cell", $"its size {raw} is {what}");
                }

                MarkStart(cell, true);
                if (raw > 0)
                {
                    _free.Add(((long)raw << 32) | cell);
                }

                cell += (uint)size;
            }

            position = end;
        }
    }
}
