using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Tests.Disks;

/// <summary>A layer for chain tests: 4 KiB clusters that hold data, read as zero, or are unallocated.</summary>
public sealed class TestLayerDisk : VirtualDisk
{
    public const int Cluster = 4096;
    private readonly Dictionary<long, byte?> _clusters = new();
    private readonly long _capacity;

    public TestLayerDisk(long capacity, VirtualDisk? parent = null)
        : base(new MemoryBlockStorage())
    {
        _capacity = capacity;
        Parent = parent;
    }

    public override DiskFormat Format => DiskFormat.Raw;

    public override DiskVariant Variant => Parent is null ? DiskVariant.Dynamic : DiskVariant.Differencing;

    public override long Capacity => _capacity;

    public override int ClusterSize => Cluster;

    public override bool CanWrite => false;

    /// <summary>Cluster <paramref name="index"/> holds bytes of <paramref name="value"/>.</summary>
    public TestLayerDisk Data(long index, byte value)
    {
        _clusters[index] = value;
        return this;
    }

    /// <summary>Cluster <paramref name="index"/> reads as zeros, hiding the parent.</summary>
    public TestLayerDisk Zero(long index)
    {
        _clusters[index] = null;
        return this;
    }

    protected override void ReadCore(long offset, Span<byte> buffer)
    {
        for (var done = 0; done < buffer.Length;)
        {
            var position = offset + done;
            var n = (int)Math.Min(buffer.Length - done, Cluster - (position % Cluster));
            if (_clusters.TryGetValue(position / Cluster, out var value))
            {
                buffer.Slice(done, n).Fill(value ?? 0);
            }
            else
            {
                ReadFromParent(position, buffer.Slice(done, n));
            }

            done += n;
        }
    }

    protected override void WriteCore(long offset, ReadOnlySpan<byte> data) => throw new NotSupportedException();

    protected override IEnumerable<AllocationRange> GetAllocationCore(long offset, long length)
    {
        for (var position = offset; position < offset + length;)
        {
            var n = Math.Min(offset + length - position, Cluster - (position % Cluster));
            var kind = _clusters.TryGetValue(position / Cluster, out var value)
                ? (value is null ? AllocationKind.Zero : AllocationKind.Data)
                : AllocationKind.Unallocated;
            yield return new AllocationRange(position, n, kind);
            position += n;
        }
    }
}
