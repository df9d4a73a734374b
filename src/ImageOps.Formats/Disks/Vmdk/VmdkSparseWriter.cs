using System;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// Writes a monolithicSparse VMDK front to back in qemu's layout (<see cref="SparseExtentLayout.Hosted"/>):
/// grains are appended in disk order in large runs, all-zero grains are skipped, each grain table is
/// written once when the writer moves past its range, and the directories, descriptor and finally the
/// header (so an interrupted file is never taken for a VMDK) in <see cref="Complete"/>.
/// </summary>
internal sealed class VmdkSparseWriter : DiskWriter
{
    private const int TargetChunk = 1 << 20;

    private readonly IBlockStorage _storage;
    private readonly VmdkCreatePlan _plan;
    private readonly SparseExtentLayout _layout;
    private readonly int _grainBytes;
    private readonly uint[] _table = new uint[SparseExtentLayout.GtesPerGt];
    private readonly long _capacity;
    private long _currentTable = -1;
    private bool _tableUsed;
    private long _nextSector;
    private long _expectedOffset;
    private byte[]? _tailGrain;
    private byte[]? _zeros;

    public VmdkSparseWriter(IBlockStorage storage, VmdkCreatePlan plan)
    {
        _storage = storage;
        _plan = plan;
        _layout = plan.Layout;
        _grainBytes = plan.GrainBytes;
        _capacity = plan.CapacitySectors * SparseExtentHeader.SectorSize;
        _nextSector = _layout.GrainOffsetSectors;
        ChunkSize = Math.Max(_grainBytes, TargetChunk);

        // The metadata area stays a hole until Complete writes the tables into it.
        _storage.SetLength(_layout.GrainOffsetSectors * SparseExtentHeader.SectorSize);
    }

    public override int ChunkSize { get; }

    public override void Write(long offset, ReadOnlySpan<byte> payload, bool transformed) => Write(offset, payload, ChunkPieces.Scan(payload));

    public override void Write(long offset, ReadOnlySpan<byte> payload, ChunkPieces pieces)
    {
        CheckOrder(offset, payload.Length);
        var grains = (payload.Length + _grainBytes - 1) / _grainBytes;
        var runStart = -1;
        for (var i = 0; i <= grains; i++)
        {
            var store = false;
            ReadOnlySpan<byte> grain = default;
            if (i < grains)
            {
                grain = payload.Slice(i * _grainBytes, Math.Min(_grainBytes, payload.Length - i * _grainBytes));

                // A zero grain of a delta disk must hide the parent: a zeroed entry, or zeros as data.
                store = !pieces.IsZero(payload, i * _grainBytes, grain.Length) || (_plan.Parent is not null && !_plan.ZeroedGrains);
                if (!store && _plan.Parent is not null)
                {
                    SetEntry(offset / _grainBytes + i, GrainTable.ZeroedGrain);
                }
            }

            if (store && runStart < 0)
            {
                runStart = i;
            }

            if (!store && runStart >= 0)
            {
                WriteRun(offset, payload, runStart, i);
                runStart = -1;
            }
        }

        _expectedOffset = offset + payload.Length;
    }

    public override void WriteZeros(long offset, long length)
    {
        CheckOrder(offset, 0);
        if (_plan.Parent is null)
        {
            // Nothing shows through: unallocated grains already read as zeros.
            return;
        }

        var end = Math.Min(offset + length, _capacity);
        for (var position = offset; position < end;)
        {
            var grain = position / _grainBytes;
            if (_plan.ZeroedGrains)
            {
                SetEntry(grain, GrainTable.ZeroedGrain);
                position = (grain + 1) * _grainBytes;
                continue;
            }

            // Version 1 has no zeroed-grain entry: store zero grains, a megabyte at a time.
            _zeros ??= new byte[ChunkSize];
            var n = (int)Math.Min(_zeros.Length, end - position);
            WriteRun(position, _zeros.AsSpan(0, n), 0, (n + _grainBytes - 1) / _grainBytes);
            position += n;
        }

        _expectedOffset = Math.Max(_expectedOffset, offset + length);
    }

    public override void Complete()
    {
        FlushTable();
        VmdkOpener.WriteHostedDirectories(_storage, _layout);
        var cid = VmdkDescriptor.NewCid();
        _storage.WriteAt(SparseExtentLayout.DescriptorOffsetSectors * SparseExtentHeader.SectorSize, _plan.DescriptorBytes(_storage.Name, cid));
        _storage.SetLength(Math.Max(_nextSector, _layout.GrainOffsetSectors) * SparseExtentHeader.SectorSize);
        _storage.Flush(durable: true);
        var header = new byte[SparseExtentHeader.Size];
        _layout.Header(_plan.Version, _plan.Flags, compressed: false).WriteTo(header);
        _storage.WriteAt(0, header);
        _storage.Flush(durable: true);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _storage.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Stores grains [first, end) of the payload at <paramref name="offset"/> contiguously at the end of the file.</summary>
    private void WriteRun(long offset, ReadOnlySpan<byte> payload, int first, int end)
    {
        var start = first * _grainBytes;
        var length = Math.Min(payload.Length, end * _grainBytes) - start;
        var data = payload.Slice(start, length);
        var grains = end - first;
        var partial = length % _grainBytes;
        if (partial != 0)
        {
            // The disk's last grain is short; the file keeps whole grains (as qemu allocates them).
            _tailGrain ??= new byte[_grainBytes];
            Array.Clear(_tailGrain, 0, _grainBytes);
            data.Slice(length - partial).CopyTo(_tailGrain);
            data = data.Slice(0, length - partial);
        }

        var sector = _nextSector;
        if (data.Length > 0)
        {
            _storage.WriteAt(sector * SparseExtentHeader.SectorSize, data);
        }

        if (partial != 0)
        {
            _storage.WriteAt(sector * SparseExtentHeader.SectorSize + data.Length, _tailGrain);
        }

        var firstGrain = (offset + start) / _grainBytes;
        for (var i = 0; i < grains; i++)
        {
            SetEntry(firstGrain + i, StreamTail.ToEntry(sector + i * _plan.GrainSectors, _storage.Name));
        }

        _nextSector = sector + grains * _plan.GrainSectors;
    }

    private void SetEntry(long grain, uint entry)
    {
        var table = grain / SparseExtentLayout.GtesPerGt;
        if (table != _currentTable)
        {
            FlushTable();
            _currentTable = table;
        }

        _table[grain % SparseExtentLayout.GtesPerGt] = entry;
        _tableUsed = true;
    }

    /// <summary>Writes the finished grain table and its redundant copy into their preallocated places; an empty table stays a hole (zeros).</summary>
    private void FlushTable()
    {
        if (_currentTable < 0 || !_tableUsed)
        {
            return;
        }

        var bytes = GrainTable.Encode(_table);

        _storage.WriteAt(_layout.GtSector(_currentTable) * SparseExtentHeader.SectorSize, bytes);
        _storage.WriteAt(_layout.RgtSector(_currentTable) * SparseExtentHeader.SectorSize, bytes);
        Array.Clear(_table, 0, _table.Length);
        _tableUsed = false;
    }

    private void CheckOrder(long offset, int length)
    {
        if (offset < _expectedOffset || offset % ChunkSize != 0 || offset > _capacity - length)
        {
            throw new InvalidOperationException($"Chunks must come in ascending order at multiples of {ChunkSize} inside the disk; got offset {offset} after {_expectedOffset}.");
        }
    }
}

