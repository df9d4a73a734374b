using System;
using System.IO.Compression;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// Writes a streamOptimized VMDK in VMware's stream layout (the layout of ovftool's output and of the
/// VMware-made iotest-version3.vmdk): header with <c>gdOffset = -1</c>, descriptor, compressed grains
/// with their markers in disk order, each grain table behind its marker right after the last grain it
/// maps, then the grain directory, footer and end-of-stream marker. <see cref="Transform"/> compresses
/// the grains of a chunk on the caller's worker threads; <see cref="Write"/> only appends.
/// </summary>
internal sealed class VmdkStreamWriter : DiskWriter
{
    private const int TargetChunk = 1 << 20;

    private readonly IBlockStorage _storage;
    private readonly VmdkCreatePlan _plan;
    private readonly SparseExtentLayout _layout;
    private readonly SparseExtentHeader _header;
    private readonly int _grainBytes;
    private readonly long _capacity;
    private readonly uint[] _directory;
    private readonly uint[] _table = new uint[SparseExtentLayout.GtesPerGt];
    private long _currentTable = -1;
    private bool _tableUsed;
    private long _sector;
    private long _expectedOffset;
    private byte[]? _scratch;

    public VmdkStreamWriter(IBlockStorage storage, VmdkCreatePlan plan)
    {
        _storage = storage;
        _plan = plan;
        _layout = plan.Layout;
        _header = _layout.Header(plan.Version, plan.Flags, compressed: true);
        _grainBytes = plan.GrainBytes;
        _capacity = plan.CapacitySectors * SparseExtentHeader.SectorSize;
        _directory = new uint[_layout.GtCount];
        _sector = _layout.GrainOffsetSectors;
        ChunkSize = Math.Max(_grainBytes, TargetChunk);
        MaxTransformedSize = ChunkSize / _grainBytes * StreamGrainCodec.MaxRecordLength(_grainBytes);
    }

    public override int ChunkSize { get; }

    public override bool TransformsChunks => true;

    public override int MaxTransformedSize { get; }

    /// <summary>zlib level 6 (.NET's Optimal), the level qemu's <c>compress()</c> uses, so outputs are comparable in size.</summary>
    internal CompressionLevel Level { get; set; } = CompressionLevel.Optimal;

    public override int Transform(long offset, ReadOnlySpan<byte> chunk, Span<byte> output)
    {
        var written = 0;
        for (var start = 0; start < chunk.Length; start += _grainBytes)
        {
            var grain = chunk.Slice(start, Math.Min(_grainBytes, chunk.Length - start));
            if (ZeroDetector.IsAllZero(grain))
            {
                continue;
            }

            var lba = (offset + start) / SparseExtentHeader.SectorSize;
            written += StreamGrainCodec.Encode(lba, grain, output.Slice(written), Level);
        }

        return written;
    }

    public override void Write(long offset, ReadOnlySpan<byte> payload, bool transformed)
    {
        if (offset < _expectedOffset || offset % ChunkSize != 0 || offset >= _capacity)
        {
            throw new InvalidOperationException($"Chunks must come in ascending order at multiples of {ChunkSize} inside the disk; got offset {offset} after {_expectedOffset}.");
        }

        var chunkLength = (int)Math.Min(ChunkSize, _capacity - offset);
        if (!transformed)
        {
            if (payload.Length != chunkLength)
            {
                throw new ArgumentException($"An untransformed chunk at {offset} must hold {chunkLength} bytes, not {payload.Length}.", nameof(payload));
            }

            _scratch ??= new byte[MaxTransformedSize];
            var length = Transform(offset, payload, _scratch);
            payload = _scratch.AsSpan(0, length);
        }

        // A chunk lies inside one grain table's range: finish the previous table first, so its marker
        // and table land before this chunk's grains and the sectors recorded below are where they go.
        SwitchTable(offset / _grainBytes / SparseExtentLayout.GtesPerGt);

        // Record each grain's sector from its marker; the records are contiguous, so one write stores them all.
        for (var position = 0; position < payload.Length;)
        {
            StreamMarker.ReadGrainHeader(payload.Slice(position), out var lba, out var size);
            var grain = (long)(lba / (ulong)_plan.GrainSectors);
            var record = (int)StreamMarker.GrainRecordLength(size);
            if (grain < offset / _grainBytes || grain * _grainBytes >= offset + chunkLength || size == 0 || record > payload.Length - position)
            {
                throw new ArgumentException($"The transformed chunk at {offset} holds a record (grain {grain}, {size} bytes) that is not from Transform.", nameof(payload));
            }

            SetEntry(grain, StreamTail.ToEntry(_sector + position / SparseExtentHeader.SectorSize, _storage.Name));
            position += record;
        }

        if (payload.Length > 0)
        {
            _storage.WriteAt(_sector * SparseExtentHeader.SectorSize, payload);
            _sector += payload.Length / SparseExtentHeader.SectorSize;
        }

        _expectedOffset = offset + chunkLength;
    }

    // A streamOptimized disk has no parent, so a range of zeros is just a range without grains.
    public override void WriteZeros(long offset, long length)
    {
    }

    public override void Complete()
    {
        FlushTable();
        StreamTail.WriteEnd(_storage, ref _sector, _directory, _header);
        _storage.SetLength(_sector * SparseExtentHeader.SectorSize);
        var cid = VmdkDescriptor.NewCid();
        _storage.WriteAt(SparseExtentLayout.DescriptorOffsetSectors * SparseExtentHeader.SectorSize, _plan.DescriptorBytes(_storage.Name, cid));
        _storage.Flush(durable: true);

        // The header last: until it is written the file is not recognised as a VMDK.
        var header = new byte[SparseExtentHeader.Size];
        _header.WriteTo(header);
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

    private void SwitchTable(long table)
    {
        if (table != _currentTable)
        {
            FlushTable();
            _currentTable = table;
        }
    }

    private void SetEntry(long grain, uint entry)
    {
        if (grain / SparseExtentLayout.GtesPerGt != _currentTable)
        {
            throw new InvalidOperationException("A chunk crosses a grain table boundary.");
        }

        _table[grain % SparseExtentLayout.GtesPerGt] = entry;
        _tableUsed = true;
    }

    /// <summary>Appends the finished grain table behind its marker; tables without grains are left out (directory entry 0), as VMware does.</summary>
    private void FlushTable()
    {
        if (_currentTable < 0 || !_tableUsed)
        {
            return;
        }

        _directory[_currentTable] = StreamTail.WriteGrainTable(_storage, ref _sector, _table);
        Array.Clear(_table, 0, _table.Length);
        _tableUsed = false;
    }
}
