using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;

namespace ImageOps.Engine.Disks.Conversion;

/// <summary>
/// Copies a disk into a <see cref="DiskWriter"/>, allocation-map driven and in parallel: worker
/// threads read batches of chunks, drop all-zero chunks and run the writer's
/// <see cref="DiskWriter.Transform"/> (compression); one thread hands the results to the writer in
/// ascending order. Memory is bounded by the number of batches in flight, whatever the disk size.
/// </summary>
internal sealed class CopyPipeline
{
    /// <summary>Bytes read per batch: large enough for sequential I/O, small enough to bound memory.</summary>
    internal const int BatchBytes = 4 << 20;

    private readonly VirtualDisk _source;
    private readonly DiskWriter _writer;
    private readonly int _workers;

    private readonly bool _zeroChunksHideParent;

    /// <param name="source">The disk to read (its full view, parents included).</param>
    /// <param name="writer">The new disk.</param>
    /// <param name="workers">Reader/transform threads.</param>
    /// <param name="zeroChunksHideParent">
    /// True when the output has a parent: an all-zero chunk must then be recorded as zeros, or the
    /// parent's data would show through; false when skipping it leaves zeros anyway.
    /// </param>
    public CopyPipeline(VirtualDisk source, DiskWriter writer, int workers, bool zeroChunksHideParent)
    {
        _source = source;
        _writer = writer;
        _workers = Math.Max(1, workers);
        _zeroChunksHideParent = zeroChunksHideParent;
    }

    /// <summary>Bytes of data copied so far (excluding skipped zero chunks).</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Bytes of source data examined so far.</summary>
    public long BytesProcessed { get; private set; }

    /// <summary>
    /// Copies <paramref name="plan"/> (ascending, chunk-aligned items) and reports progress as bytes
    /// of <paramref name="totalBytes"/>. Throws the first worker failure; observes cancellation per batch.
    /// </summary>
    public void Run(IEnumerable<CopyItem> plan, long totalBytes, string activity, OperationContext context)
    {
        var chunk = _writer.ChunkSize;
        var batchChunks = Math.Max(1, BatchBytes / chunk);
        var batches = Batches(plan, chunk, batchChunks).GetEnumerator();
        var inFlight = _workers * 2;
        var slots = new SemaphoreSlim(inFlight, inFlight);
        var ready = new Dictionary<long, Batch>();
        var gate = new object();
        var sequence = 0L;
        Exception? failure = null;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);

        void Work()
        {
            try
            {
                while (true)
                {
                    slots.Wait(cancel.Token);
                    Batch? batch;
                    lock (gate)
                    {
                        if (failure is not null || !batches.MoveNext())
                        {
                            slots.Release();
                            return;
                        }

                        batch = batches.Current;
                        batch.Sequence = sequence++;
                    }

                    Fill(batch, chunk);
                    lock (gate)
                    {
                        ready[batch.Sequence] = batch;
                        Monitor.PulseAll(gate);
                    }
                }
            }
            catch (Exception ex)
            {
                lock (gate)
                {
                    failure ??= ex;
                    Monitor.PulseAll(gate);
                }

                cancel.Cancel();
            }
        }

        var threads = new Thread[_workers];
        for (var i = 0; i < threads.Length; i++)
        {
            threads[i] = new Thread(Work) { IsBackground = true, Name = "imageops-copy-" + i };
            threads[i].Start();
        }

        try
        {
            for (var next = 0L; ; next++)
            {
                Batch? batch;
                lock (gate)
                {
                    while (!ready.TryGetValue(next, out batch) && failure is null && !AllDone(threads, ready, next, sequence))
                    {
                        Monitor.Wait(gate, 100);
                    }

                    if (failure is not null)
                    {
                        break;
                    }

                    if (batch is null)
                    {
                        break;
                    }

                    ready.Remove(next);
                }

                try
                {
                    context.ThrowIfCancelled();
                    Commit(batch);
                }
                finally
                {
                    batch.Release();
                    slots.Release();
                }

                context.Report(activity, "Copying data", BytesProcessed, totalBytes);
            }
        }
        catch (Exception ex)
        {
            lock (gate)
            {
                failure ??= ex;
            }

            cancel.Cancel();
        }
        finally
        {
            foreach (var thread in threads)
            {
                thread.Join();
            }

            foreach (var left in ready.Values)
            {
                left.Release();
            }
        }

        if (failure is not null)
        {
            if (failure is OperationCanceledException && context.Cancellation.IsCancellationRequested)
            {
                throw new OperationCanceledException(context.Cancellation);
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    private static bool AllDone(Thread[] threads, Dictionary<long, Batch> ready, long next, long issued)
    {
        // Every batch issued has been committed and no worker is still producing one.
        if (next < issued)
        {
            return false;
        }

        foreach (var thread in threads)
        {
            if (thread.IsAlive)
            {
                return false;
            }
        }

        return !ready.ContainsKey(next);
    }

    private void Fill(Batch batch, int chunk)
    {
        if (batch.ZeroOnly)
        {
            return;
        }

        // Only the ranges the allocation map calls data are read; the rest of the buffer is cleared
        // here rather than read from holes (which the kernel would fill with zeros and cache).
        batch.Data = ArrayPool<byte>.Shared.Rent(batch.Length);
        var buffer = batch.Data.AsSpan(0, batch.Length);
        var cleared = 0;
        foreach (var (start, length) in batch.Extents)
        {
            var at = (int)(start - batch.Offset);
            buffer.Slice(cleared, at - cleared).Clear();
            _source.Read(start, buffer.Slice(at, length));
            cleared = at + length;
        }

        buffer.Slice(cleared).Clear();
        var extent = 0;
        for (var i = 0; i < batch.Chunks.Count; i++)
        {
            var c = batch.Chunks[i];
            if (c.Kind != CopyKind.Data)
            {
                continue;
            }

            var at = (int)(c.Offset - batch.Offset);
            var data = buffer.Slice(at, c.Length);
            c.Pieces = ScanPieces(data, c.Offset, batch.Extents, ref extent);
            if (c.Pieces.IsEmpty)
            {
                c.Kind = _zeroChunksHideParent ? CopyKind.Zero : CopyKind.Skip;
            }
            else if (_writer.TransformsChunks)
            {
                c.Transformed = ArrayPool<byte>.Shared.Rent(_writer.MaxTransformedSize);
                c.TransformedLength = _writer.Transform(c.Offset, data, c.Transformed.AsSpan(0, _writer.MaxTransformedSize));
                if (c.TransformedLength < 0)
                {
                    ArrayPool<byte>.Shared.Return(c.Transformed);
                    c.Transformed = null;
                }
            }

            batch.Chunks[i] = c;
        }
    }

    /// <summary>
    /// Which pieces of a chunk hold non-zero bytes, scanning only pieces that overlap a data extent
    /// (<paramref name="extent"/> advances through the batch's ascending extents).
    /// </summary>
    private static ChunkPieces ScanPieces(ReadOnlySpan<byte> data, long offset, List<(long Start, int Length)> extents, ref int extent)
    {
        var size = ChunkPieces.PieceSizeFor(data.Length);
        var mask = 0UL;
        for (var p = 0; p * size < data.Length; p++)
        {
            var from = offset + ((long)p * size);
            var to = from + Math.Min(size, data.Length - (p * size));
            while (extent < extents.Count && extents[extent].Start + extents[extent].Length <= from)
            {
                extent++;
            }

            if (extent < extents.Count && extents[extent].Start < to
                && !ZeroDetector.IsAllZero(data.Slice(p * size, (int)(to - from))))
            {
                mask |= 1UL << p;
            }
        }

        return new ChunkPieces(size, mask);
    }

    private void Commit(Batch batch)
    {
        foreach (var c in batch.Chunks)
        {
            switch (c.Kind)
            {
                case CopyKind.Data:
                    if (c.Transformed is not null)
                    {
                        _writer.Write(c.Offset, c.Transformed.AsSpan(0, c.TransformedLength), transformed: true);
                    }
                    else
                    {
                        _writer.Write(c.Offset, batch.Data!.AsSpan((int)(c.Offset - batch.Offset), c.Length), c.Pieces);
                    }

                    BytesWritten += c.Length;
                    break;
                case CopyKind.Zero:
                    _writer.WriteZeros(c.Offset, c.Length);
                    break;
            }

            BytesProcessed += c.Length;
        }
    }

    /// <summary>
    /// Groups chunk-aligned items into contiguous batches of at most <paramref name="batchChunks"/> chunks,
    /// each with the data extents of the whole chain inside it (the only bytes worth reading). Runs on one
    /// thread at a time (under the pipeline's lock), so the allocation map is queried in order.
    /// </summary>
    private IEnumerable<Batch> Batches(IEnumerable<CopyItem> plan, int chunk, int batchChunks)
    {
        Batch? current = null;
        foreach (var item in plan)
        {
            for (var offset = item.Offset; offset < item.Offset + item.Length; offset += chunk)
            {
                var length = (int)Math.Min(chunk, item.Offset + item.Length - offset);
                var kind = item.Zero ? CopyKind.Zero : CopyKind.Data;
                if (current is not null && (current.Chunks.Count >= batchChunks || current.Offset + current.Length != offset || (kind == CopyKind.Zero) != current.ZeroOnly))
                {
                    yield return WithExtents(current);
                    current = null;
                }

                current ??= new Batch(offset, kind == CopyKind.Zero);
                current.Chunks.Add(new Chunk { Offset = offset, Length = length, Kind = kind });
                current.Length += length;
            }
        }

        if (current is not null)
        {
            yield return WithExtents(current);
        }
    }

    private Batch WithExtents(Batch batch)
    {
        if (batch.ZeroOnly)
        {
            return batch;
        }

        // The flattened chain: a differencing output's chunk is copied whole, parent data included.
        foreach (var range in ChainAllocation.Flatten(_source, batch.Offset, batch.Length))
        {
            if (range.Kind != AllocationKind.Data)
            {
                continue;
            }

            var start = Math.Max(range.Offset, batch.Offset);
            var length = (int)(Math.Min(range.End, batch.Offset + batch.Length) - start);
            if (length <= 0)
            {
                continue;
            }

            var count = batch.Extents.Count;
            if (count > 0 && batch.Extents[count - 1].Start + batch.Extents[count - 1].Length >= start)
            {
                var last = batch.Extents[count - 1];
                batch.Extents[count - 1] = (last.Start, (int)(Math.Max(last.Start + last.Length, start + length) - last.Start));
            }
            else
            {
                batch.Extents.Add((start, length));
            }
        }

        return batch;
    }

    private enum CopyKind
    {
        Data,
        Zero,
        Skip,
    }

    private struct Chunk
    {
        public long Offset;
        public int Length;
        public CopyKind Kind;
        public byte[]? Transformed;
        public int TransformedLength;
        public ChunkPieces Pieces;
    }

    private sealed class Batch
    {
        public Batch(long offset, bool zeroOnly)
        {
            Offset = offset;
            ZeroOnly = zeroOnly;
        }

        public long Offset { get; }

        public bool ZeroOnly { get; }

        public int Length { get; set; }

        public long Sequence { get; set; }

        public List<Chunk> Chunks { get; } = new();

        /// <summary>Ascending, disjoint ranges of the batch that may hold data (the rest reads as zeros).</summary>
        public List<(long Start, int Length)> Extents { get; } = new();

        public byte[]? Data { get; set; }

        public void Release()
        {
            if (Data is not null)
            {
                ArrayPool<byte>.Shared.Return(Data);
                Data = null;
            }

            foreach (var c in Chunks)
            {
                if (c.Transformed is not null)
                {
                    ArrayPool<byte>.Shared.Return(c.Transformed);
                }
            }
        }
    }
}

/// <summary>A chunk-aligned range to copy (data) or to record as zeros over a parent.</summary>
internal readonly struct CopyItem
{
    public CopyItem(long offset, long length, bool zero)
    {
        Offset = offset;
        Length = length;
        Zero = zero;
    }

    public long Offset { get; }

    public long Length { get; }

    public bool Zero { get; }
}
