using System;
using System.Linq;
using System.Threading;
using ImageOps.Engine.Disks.Conversion;
using ImageOps.Formats.Disks;
using ImageOps.Tests.Disks;

namespace ImageOps.Engine.Tests.Disks;

public class CopyPipelineTests
{
    private const int C = TestLayerDisk.Cluster;

    private static TestLayerDisk RandomChain(int seed, int clusters)
    {
        var random = new Random(seed);
        var parent = new TestLayerDisk(clusters * (long)C);
        var child = new TestLayerDisk(clusters * (long)C, parent);
        for (var i = 0; i < clusters; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                    parent.Data(i, (byte)random.Next(1, 255));
                    break;
                case 1:
                    child.Data(i, (byte)random.Next(1, 255));
                    break;
                case 2:
                    parent.Data(i, 9);
                    child.Zero(i);
                    break;
                case 3:
                    child.Data(i, 0);
                    break;
            }
        }

        return child;
    }

    private static byte[] Expected(VirtualDisk disk)
    {
        var all = new byte[disk.Capacity];
        disk.Read(0, all);
        return all;
    }

    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(2, 2, false)]
    [InlineData(3, 4, true)]
    [InlineData(4, 8, true)]
    public void Flattening_copies_exactly_the_chain_content_in_ascending_order(int seed, int workers, bool transform)
    {
        using var source = RandomChain(seed, 3000);
        foreach (var chunk in new[] { C, 2 * C, 64 * 1024 })
        {
            var writer = new RecordingWriter(source.Capacity, chunk, transform);
            var plan = CopyPlan.Flatten(source, chunk, out var dataBytes);
            var pipeline = new CopyPipeline(source, writer, workers, zeroChunksHideParent: false);
            pipeline.Run(plan, dataBytes, "test", OperationContext.None);

            Assert.Equal(Expected(source), writer.Content);
            Assert.Empty(writer.Zeros);
            Assert.Equal(transform, writer.Transforms > 0);

            // All-zero chunks are never written.
            Assert.All(writer.Writes, w => Assert.False(writer.Content.AsSpan((int)w.Offset, w.Length).ToArray().All(b => b == 0)));
        }
    }

    [Fact]
    public void Converting_the_top_layer_records_zeros_and_leaves_unallocated_ranges_alone()
    {
        var parent = new TestLayerDisk(16 * C).Data(0, 5).Data(1, 5).Data(2, 5).Data(3, 5);
        using var child = new TestLayerDisk(16 * C, parent).Data(0, 1).Zero(1).Data(5, 0).Zero(8).Zero(9);
        var writer = new RecordingWriter(child.Capacity, C);
        var plan = CopyPlan.TopLayer(child, C, out var dataBytes);
        new CopyPipeline(child, writer, 2, zeroChunksHideParent: true).Run(plan, dataBytes, "test", OperationContext.None);

        Assert.Equal(new[] { (0L, C) }, writer.Writes);
        Assert.Contains((1L * C, (long)C), writer.Zeros);
        Assert.Contains((5L * C, (long)C), writer.Zeros);
        Assert.Contains((8L * C, (long)C), writer.Zeros);
        Assert.Contains((9L * C, (long)C), writer.Zeros);
        Assert.Equal(4, writer.Zeros.Count);
        Assert.DoesNotContain(writer.Zeros, z => z.Offset == 2 * C || z.Offset == 3 * C);
    }

    [Fact]
    public void A_top_layer_chunk_mixing_data_and_zero_is_copied_whole()
    {
        var parent = new TestLayerDisk(8 * C).Data(1, 5);
        using var child = new TestLayerDisk(8 * C, parent).Data(0, 3).Zero(1);
        var writer = new RecordingWriter(child.Capacity, 2 * C);
        var plan = CopyPlan.TopLayer(child, 2 * C, out var dataBytes);
        Assert.Equal(2 * C, dataBytes);
        new CopyPipeline(child, writer, 1, zeroChunksHideParent: true).Run(plan, dataBytes, "test", OperationContext.None);
        Assert.Equal(new[] { (0L, 2 * C) }, writer.Writes);
        Assert.Equal(3, writer.Content[0]);
        Assert.Equal(0, writer.Content[C]);
    }

    [Fact]
    public void The_last_chunk_may_be_short()
    {
        using var disk = new TestLayerDisk(5 * C).Data(4, 7);
        var writer = new RecordingWriter(disk.Capacity, 2 * C);
        var plan = CopyPlan.Flatten(disk, 2 * C, out var dataBytes);
        Assert.Equal(C, dataBytes);
        new CopyPipeline(disk, writer, 2, false).Run(plan, dataBytes, "test", OperationContext.None);
        Assert.Equal(new[] { (4L * C, C) }, writer.Writes);
    }

    [Fact]
    public void Only_the_data_extents_are_read_and_the_writer_learns_which_pieces_hold_data()
    {
        // 4 MiB with data in two 4 KiB clusters; everything else must never be read (it returns 0xEE,
        // which would show in the output) and the writer is told the only non-zero 64 KiB pieces.
        using var source = new SparseProbeDisk(4 << 20, (3 * C, 0x11), ((2L << 20) + (12 * 65536) - 2048, 0x22));
        var writer = new RecordingWriter(source.Capacity, 1 << 20);
        var plan = CopyPlan.Flatten(source, 1 << 20, out var dataBytes);
        new CopyPipeline(source, writer, 2, false).Run(plan, dataBytes, "test", OperationContext.None);

        Assert.Equal(2L * C, source.BytesRead);
        var expected = new byte[source.Capacity];
        expected.AsSpan(3 * C, C).Fill(0x11);
        expected.AsSpan((2 << 20) + (12 * 65536) - 2048, C).Fill(0x22);
        Assert.Equal(expected, writer.Content);
        Assert.Equal(new[] { 0L, 2L << 20 }, writer.Pieces.Keys.OrderBy(k => k).ToArray());
        Assert.Equal(1UL, writer.Pieces[0].Mask);
        Assert.Equal((1UL << 11) | (1UL << 12), writer.Pieces[2L << 20].Mask);
    }

    [Fact]
    public void Cancellation_stops_within_a_batch_and_joins_the_workers()
    {
        using var source = RandomChain(7, 20000);
        using var cts = new CancellationTokenSource();
        var writer = new RecordingWriter(source.Capacity, C) { OnWrite = _ => cts.Cancel() };
        var plan = CopyPlan.Flatten(source, C, out var dataBytes);
        var pipeline = new CopyPipeline(source, writer, 4, false);
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Run(plan, dataBytes, "test", new OperationContext(cancellation: cts.Token)));
        Assert.True(pipeline.BytesProcessed < dataBytes / 4, $"processed {pipeline.BytesProcessed} of {dataBytes} after cancelling");
        Assert.False(writer.Completed);
    }

    [Fact]
    public void A_writer_failure_surfaces_unchanged()
    {
        using var source = RandomChain(8, 3000);
        var writer = new RecordingWriter(source.Capacity, C) { OnWrite = offset => throw new System.IO.IOException("disk full at " + offset) };
        var plan = CopyPlan.Flatten(source, C, out var dataBytes);
        var ex = Assert.Throws<System.IO.IOException>(() => new CopyPipeline(source, writer, 3, false).Run(plan, dataBytes, "test", OperationContext.None));
        Assert.StartsWith("disk full", ex.Message);
    }

    [Fact]
    public void A_read_failure_surfaces_unchanged()
    {
        using var failing = new FailingDisk(64 * C, failAt: 40 * C);
        var writer = new RecordingWriter(failing.Capacity, C);
        var plan = CopyPlan.Flatten(failing, C, out var dataBytes);
        var ex = Assert.Throws<CorruptImageException>(() => new CopyPipeline(failing, writer, 2, false).Run(plan, dataBytes, "test", OperationContext.None));
        Assert.Equal(40 * C, ex.Offset);
    }

    [Fact]
    public void Progress_reports_bytes_of_the_data_total()
    {
        using var source = RandomChain(9, 2000);
        var reports = new System.Collections.Concurrent.ConcurrentQueue<OperationProgress>();
        var plan = CopyPlan.Flatten(source, C, out var dataBytes);
        new CopyPipeline(source, new RecordingWriter(source.Capacity, C), 2, false)
            .Run(plan, dataBytes, "Converting", new OperationContext(new SyncProgress(reports.Enqueue)));
        Assert.NotEmpty(reports);
        Assert.All(reports, r => Assert.Equal(dataBytes, r.Total));
        Assert.Equal(dataBytes, reports.Last().Done);
    }

    private sealed class SyncProgress : IProgress<OperationProgress>
    {
        private readonly Action<OperationProgress> _report;

        public SyncProgress(Action<OperationProgress> report) => _report = report;

        public void Report(OperationProgress value) => _report(value);
    }

    /// <summary>Reads 0xEE outside its data extents, and counts the bytes it is asked for.</summary>
    private sealed class SparseProbeDisk : VirtualDisk
    {
        private readonly long _capacity;
        private readonly (long Offset, byte Value)[] _extents;
        private long _read;

        public SparseProbeDisk(long capacity, params (long Offset, byte Value)[] extents)
            : base(new ImageOps.Formats.Disks.Storage.MemoryBlockStorage())
        {
            _capacity = capacity;
            _extents = extents;
        }

        public long BytesRead => Interlocked.Read(ref _read);

        public override DiskFormat Format => DiskFormat.Raw;

        public override DiskVariant Variant => DiskVariant.Dynamic;

        public override long Capacity => _capacity;

        public override int ClusterSize => 512;

        public override bool CanWrite => false;

        protected override void ReadCore(long offset, Span<byte> buffer)
        {
            Interlocked.Add(ref _read, buffer.Length);
            for (var i = 0; i < buffer.Length; i++)
            {
                var at = offset + i;
                buffer[i] = 0xEE;
                foreach (var (start, value) in _extents)
                {
                    if (at >= start && at < start + C)
                    {
                        buffer[i] = value;
                    }
                }
            }
        }

        protected override void WriteCore(long offset, ReadOnlySpan<byte> data) => throw new NotSupportedException();

        protected override System.Collections.Generic.IEnumerable<AllocationRange> GetAllocationCore(long offset, long length)
        {
            var position = offset;
            foreach (var (start, _) in _extents.OrderBy(e => e.Offset))
            {
                var from = Math.Max(start, offset);
                var to = Math.Min(start + C, offset + length);
                if (to <= from)
                {
                    continue;
                }

                if (from > position)
                {
                    yield return new AllocationRange(position, from - position, AllocationKind.Unallocated);
                }

                yield return new AllocationRange(from, to - from, AllocationKind.Data);
                position = to;
            }

            if (position < offset + length)
            {
                yield return new AllocationRange(position, offset + length - position, AllocationKind.Unallocated);
            }
        }
    }

    private sealed class FailingDisk : VirtualDisk
    {
        private readonly long _capacity;
        private readonly long _failAt;

        public FailingDisk(long capacity, long failAt)
            : base(new ImageOps.Formats.Disks.Storage.MemoryBlockStorage())
        {
            _capacity = capacity;
            _failAt = failAt;
        }

        public override DiskFormat Format => DiskFormat.Raw;

        public override DiskVariant Variant => DiskVariant.Fixed;

        public override long Capacity => _capacity;

        public override int ClusterSize => 512;

        public override bool CanWrite => false;

        protected override void ReadCore(long offset, Span<byte> buffer)
        {
            if (offset <= _failAt && offset + buffer.Length > _failAt)
            {
                throw new CorruptImageException("failing", "test", _failAt, "data", "read error");
            }

            buffer.Fill(1);
        }

        protected override void WriteCore(long offset, ReadOnlySpan<byte> data) => throw new NotSupportedException();

        protected override System.Collections.Generic.IEnumerable<AllocationRange> GetAllocationCore(long offset, long length)
        {
            yield return new AllocationRange(offset, length, AllocationKind.Data);
        }
    }
}
