using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// Fills a new qcow2 image front to back (the conversion fast path). Data clusters are appended in
/// guest order from cluster 1; all-zero clusters are skipped (or, over a backing file, recorded as
/// zero clusters); compressed clusters are packed densely, several per host cluster, as qemu's
/// qcow2_alloc_bytes does. L2 tables, the L1 table, refcount blocks and the refcount table are
/// computed once and written in <see cref="Complete"/>, the header last, so a file cut short is
/// never mistaken for a valid image.
/// </summary>
internal sealed class Qcow2Writer : DiskWriter
{
    private const int StageBytes = 4 << 20;
    private const int TransformHeaderEntryBytes = 4;
    private const int ZeroCluster = 0;
    private const int RawCluster = -1;

    private readonly IBlockStorage _storage;
    private readonly Qcow2Header _header;
    private readonly Qcow2Layout _layout;
    private readonly bool _compress;
    private readonly bool _hasBacking;
    private readonly Dictionary<long, ulong[]> _l2 = new();
    private readonly int _chunkSize;
    private readonly byte[] _stage;
    private ushort[] _counts = new ushort[1024];
    private long _stageStart;
    private int _stageLength;
    private long _next;
    private long _compressedCursor;
    private bool _completed;

    public Qcow2Writer(IBlockStorage storage, Qcow2Header header, bool compress, bool hasBacking)
    {
        _storage = storage;
        _header = header;
        _layout = Qcow2Layout.For(header);
        _compress = compress;
        _hasBacking = hasBacking;
        _chunkSize = Math.Max(_layout.ClusterSize, compress ? 256 << 10 : 1 << 20);
        _stage = compress ? new byte[StageBytes + (2 * _layout.ClusterSize)] : Array.Empty<byte>();
        _next = _layout.ClusterSize;
        _stageStart = _next;
        _counts[0] = 1;
        if (header.Version == 3 && header.ExtendedL2)
        {
            throw new InvalidOperationException("The writer does not write extended L2 entries.");
        }
    }

    public override int ChunkSize => _chunkSize;

    public override bool TransformsChunks => _compress;

    public override int MaxTransformedSize => TransformHeaderEntryBytes * (1 + (_chunkSize / _layout.ClusterSize)) + _chunkSize;

    /// <summary>
    /// Compresses each cluster of the chunk on its own (qemu's unit). The payload is a count, one
    /// length per cluster (0: all zeros, -1: stored as is, else compressed bytes), then the bytes.
    /// </summary>
    public override int Transform(long offset, ReadOnlySpan<byte> chunk, Span<byte> output)
    {
        if (!_compress)
        {
            return -1;
        }

        var cs = _layout.ClusterSize;
        var clusters = (chunk.Length + cs - 1) / cs;
        BinaryPrimitives.WriteInt32LittleEndian(output, clusters);
        var position = TransformHeaderEntryBytes * (1 + clusters);
        byte[]? padded = null;
        try
        {
            for (var i = 0; i < clusters; i++)
            {
                var piece = chunk.Slice(i * cs, Math.Min(cs, chunk.Length - (i * cs)));
                int length;
                if (ZeroDetector.IsAllZero(piece))
                {
                    length = ZeroCluster;
                }
                else
                {
                    if (piece.Length < cs)
                    {
                        // The last cluster of a disk whose size is not a multiple of the cluster:
                        // qemu compresses a whole cluster, zero-padded.
                        padded ??= System.Buffers.ArrayPool<byte>.Shared.Rent(cs);
                        piece.CopyTo(padded);
                        Array.Clear(padded, piece.Length, cs - piece.Length);
                        piece = padded.AsSpan(0, cs);
                    }

                    // Stored compressed only when shorter than a cluster (qemu: at most cs - 1).
                    length = Qcow2Compression.Compress(piece, output.Slice(position, cs - 1));
                    if (length <= 0)
                    {
                        length = RawCluster;
                        chunk.Slice(i * cs, Math.Min(cs, chunk.Length - (i * cs))).CopyTo(output.Slice(position));
                        position += Math.Min(cs, chunk.Length - (i * cs));
                    }
                    else
                    {
                        position += length;
                    }
                }

                BinaryPrimitives.WriteInt32LittleEndian(output.Slice(TransformHeaderEntryBytes * (1 + i)), length);
            }
        }
        finally
        {
            if (padded is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(padded);
            }
        }

        return position;
    }

    public override void Write(long offset, ReadOnlySpan<byte> payload, bool transformed)
    {
        ThrowIfCompleted();
        var cs = _layout.ClusterSize;
        var vcluster = offset >> _layout.ClusterBits;
        if (transformed)
        {
            var clusters = BinaryPrimitives.ReadInt32LittleEndian(payload);
            var position = TransformHeaderEntryBytes * (1 + clusters);
            for (var i = 0; i < clusters; i++)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(payload.Slice(TransformHeaderEntryBytes * (1 + i)));
                if (length == ZeroCluster)
                {
                    ZeroClusterFound(vcluster + i);
                }
                else if (length == RawCluster)
                {
                    var raw = (int)Math.Min(cs, ((long)_header.Size) - ((vcluster + i) << _layout.ClusterBits));
                    raw = Math.Min(raw, payload.Length - position);
                    PlaceRaw(vcluster + i, payload.Slice(position, raw));
                    position += raw;
                }
                else
                {
                    PlaceCompressed(vcluster + i, payload.Slice(position, length));
                    position += length;
                }
            }

            return;
        }

        Write(offset, payload, ChunkPieces.Scan(payload));
    }

    public override void Write(long offset, ReadOnlySpan<byte> payload, ChunkPieces pieces)
    {
        ThrowIfCompleted();
        var cs = _layout.ClusterSize;
        var vcluster = offset >> _layout.ClusterBits;

        // Plain data: runs of non-zero clusters are appended with one write each.
        var done = 0;
        while (done < payload.Length)
        {
            var n = Math.Min(cs, payload.Length - done);
            if (pieces.IsZero(payload, done, n))
            {
                ZeroClusterFound(vcluster + (done / cs));
                done += n;
                continue;
            }

            var runStart = done;
            while (done < payload.Length && !pieces.IsZero(payload, done, Math.Min(cs, payload.Length - done)))
            {
                done += Math.Min(cs, payload.Length - done);
            }

            if (_compress)
            {
                for (var p = runStart; p < done; p += cs)
                {
                    PlaceRaw(vcluster + (p / cs), payload.Slice(p, Math.Min(cs, done - p)));
                }

                continue;
            }

            var host = _next;
            _storage.WriteAt(host, payload.Slice(runStart, done - runStart));
            var clusters = (done - runStart + cs - 1) / cs;
            for (var i = 0; i < clusters; i++)
            {
                SetEntry(vcluster + (runStart / cs) + i, (ulong)(host + ((long)i * cs)) | Qcow2Layout.FlagCopied);
            }

            _next += (long)clusters * cs;
        }
    }

    public override void WriteZeros(long offset, long length)
    {
        ThrowIfCompleted();
        if (!_hasBacking)
        {
            // Without a backing file an unallocated cluster already reads as zeros.
            return;
        }

        var first = offset >> _layout.ClusterBits;
        var last = (offset + length - 1) >> _layout.ClusterBits;
        for (var c = first; c <= last; c++)
        {
            MarkZero(c);
        }
    }

    public override void Complete()
    {
        ThrowIfCompleted();
        FlushStage();
        var cs = _layout.ClusterSize;
        var dataEnd = _next;

        // L2 tables in guest order, then the L1 table, then refcount blocks and table.
        var l1 = new ulong[_header.L1Size];
        var l1Indexes = new List<long>(_l2.Keys);
        l1Indexes.Sort();
        var position = dataEnd;
        var batch = new byte[Math.Max(cs, 1 << 20)];
        var batchStart = position;
        var batchLength = 0;
        foreach (var index in l1Indexes)
        {
            if (batchLength + cs > batch.Length)
            {
                _storage.WriteAt(batchStart, batch.AsSpan(0, batchLength));
                batchStart += batchLength;
                batchLength = 0;
            }

            Qcow2Tables.Encode(_l2[index], batch.AsSpan(batchLength, cs));
            batchLength += cs;
            l1[index] = (ulong)position | Qcow2Layout.FlagCopied;
            position += cs;
        }

        if (batchLength > 0)
        {
            _storage.WriteAt(batchStart, batch.AsSpan(0, batchLength));
        }

        var l1Offset = position;
        var l1Clusters = Math.Max(1, Qcow2RefcountBlock.DivRoundUp((long)l1.Length * 8, cs));
        var l1Bytes = new byte[l1Clusters * cs];
        Qcow2Tables.Encode(l1, l1Bytes);
        _storage.WriteAt(l1Offset, l1Bytes);
        position += l1Bytes.Length;

        var metadataStart = position >> _layout.ClusterBits;
        var (blocks, tableClusters) = Qcow2RefcountBlock.MetadataFor(metadataStart, _layout);
        var total = metadataStart + blocks + tableClusters;
        var dataEndCluster = dataEnd >> _layout.ClusterBits;
        var table = new ulong[tableClusters * _layout.RefcountTableEntriesPerCluster];
        var block = new byte[cs];
        for (var b = 0L; b < blocks; b++)
        {
            Array.Clear(block, 0, block.Length);
            var first = b * _layout.RefcountBlockEntries;
            var end = Math.Min(total, first + _layout.RefcountBlockEntries);
            for (var c = first; c < end; c++)
            {
                // Uncompressed output counts every cluster once; compressed output counts each
                // host cluster once per compressed cluster overlapping it (qemu-img check's rule).
                var count = !_compress || c >= dataEndCluster ? 1 : c < _counts.Length ? _counts[c] : 0;
                Qcow2RefcountBlock.Set(block, _layout.RefcountOrder, c - first, (ulong)count);
            }

            var at = (metadataStart + b) << _layout.ClusterBits;
            _storage.WriteAt(at, block);
            table[b] = (ulong)at;
        }

        var tableBytes = new byte[table.Length * 8];
        Qcow2Tables.Encode(table, tableBytes);
        _header.RefcountTableOffset = (metadataStart + blocks) << _layout.ClusterBits;
        _header.RefcountTableClusters = (int)tableClusters;
        _header.L1TableOffset = l1Offset;
        _storage.WriteAt(_header.RefcountTableOffset, tableBytes);
        if (_storage.Length < total << _layout.ClusterBits)
        {
            _storage.SetLength(total << _layout.ClusterBits);
        }

        _storage.Flush(durable: true);
        Qcow2Format.WriteHeaderCluster(_storage, _header, cs);
        _storage.Flush(durable: true);
        _completed = true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _storage.Dispose();
        }
    }

    private void ZeroClusterFound(long vcluster)
    {
        // A zero cluster inside written data must still hide the backing file.
        if (_hasBacking)
        {
            MarkZero(vcluster);
        }
    }

    private void MarkZero(long vcluster)
    {
        if (_header.Version >= 3)
        {
            SetEntry(vcluster, Qcow2Layout.FlagZero);
            return;
        }

        // Version 2 has no zero clusters: allocate one that is never written (a hole reads as zeros).
        FlushStage();
        SetEntry(vcluster, (ulong)_next | Qcow2Layout.FlagCopied);
        CountOnce(_next >> _layout.ClusterBits);
        _next += _layout.ClusterSize;
        _compressedCursor = 0;
        _stageStart = _next;
    }

    private void PlaceRaw(long vcluster, ReadOnlySpan<byte> data)
    {
        var host = _next;
        if (_compress)
        {
            StageAt(host, data);
            CountOnce(host >> _layout.ClusterBits);
            _compressedCursor = 0;
        }
        else
        {
            _storage.WriteAt(host, data);
        }

        _next += _layout.ClusterSize;
        SetEntry(vcluster, (ulong)host | Qcow2Layout.FlagCopied);
    }

    private void PlaceCompressed(long vcluster, ReadOnlySpan<byte> data)
    {
        var cs = _layout.ClusterSize;
        var max = (ushort)Math.Min(_layout.RefcountMax, ushort.MaxValue);
        var start = _compressedCursor;
        if (start == 0 || _counts[start >> _layout.ClusterBits] >= max)
        {
            start = _next;
        }

        var end = start + data.Length;
        if ((ulong)end > _layout.CompressedOffsetMask)
        {
            throw new UnsupportedFeatureException("qcow2 compressed offset", $"Compressed data beyond {_layout.CompressedOffsetMask} bytes cannot be addressed with {cs}-byte clusters.", _storage.Name, "Qcow2ImageTooLarge");
        }

        StageAt(start, data);
        var firstCluster = start >> _layout.ClusterBits;
        var lastCluster = (end - 1) >> _layout.ClusterBits;
        EnsureCount(lastCluster);
        for (var c = firstCluster; c <= lastCluster; c++)
        {
            _counts[c]++;
        }

        _next = Math.Max(_next, (lastCluster + 1) << _layout.ClusterBits);
        _compressedCursor = (end & (cs - 1)) == 0 ? 0 : end;
        SetEntry(vcluster, _layout.CompressedEntry(start, data.Length));
    }

    /// <summary>Buffers output at file offset <paramref name="at"/> (at or past the staged end; gaps read as zeros).</summary>
    private void StageAt(long at, ReadOnlySpan<byte> data)
    {
        var stageEnd = _stageStart + _stageLength;
        if (at < stageEnd || at - stageEnd > _layout.ClusterSize || _stageLength + (at - stageEnd) + data.Length > _stage.Length)
        {
            FlushStage();
            _stageStart = at;
            stageEnd = at;
        }

        var gap = (int)(at - stageEnd);
        Array.Clear(_stage, _stageLength, gap);
        _stageLength += gap;
        data.CopyTo(_stage.AsSpan(_stageLength));
        _stageLength += data.Length;
        if (_stageLength >= StageBytes)
        {
            FlushStage();
        }
    }

    private void FlushStage()
    {
        if (_stageLength > 0)
        {
            _storage.WriteAt(_stageStart, _stage.AsSpan(0, _stageLength));
            _stageStart += _stageLength;
            _stageLength = 0;
        }
    }

    private void CountOnce(long cluster)
    {
        if (_compress)
        {
            EnsureCount(cluster);
            _counts[cluster] = 1;
        }
    }

    private void EnsureCount(long cluster)
    {
        if (cluster >= _counts.Length)
        {
            var size = _counts.Length;
            while (size <= cluster)
            {
                size *= 2;
            }

            Array.Resize(ref _counts, size);
        }
    }

    private void SetEntry(long vcluster, ulong entry)
    {
        var l1Index = vcluster >> _layout.L2Bits;
        if (!_l2.TryGetValue(l1Index, out var table))
        {
            table = new ulong[_layout.L2Entries];
            _l2[l1Index] = table;
        }

        table[vcluster & (_layout.L2Entries - 1)] = entry;
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The writer has completed its image.");
        }
    }
}
