using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Engine.Tests.OfflineVolumes;

/// <summary>
/// A writable differencing layer for tests: 4 KiB clusters written here, everything else read from the
/// parent, which is never written. Stands in for a qcow2/VHDX child until those formats land here.
/// </summary>
internal sealed class OverlayDisk : VirtualDisk
{
    private const int Cluster = 4096;
    private readonly Dictionary<long, byte[]> _clusters = new();
    private readonly object _gate = new();

    public OverlayDisk(VirtualDisk parent)
        : base(new MemoryBlockStorage("overlay"))
    {
        Parent = parent;
    }

    public int WrittenClusters => _clusters.Count;

    /// <summary>Writes fail after this many more write calls (null: never).</summary>
    public int? FailAfterWrites { get; set; }

    public override DiskFormat Format => DiskFormat.Raw;

    public override DiskVariant Variant => DiskVariant.Differencing;

    public override long Capacity => Parent!.Capacity;

    public override int ClusterSize => Cluster;

    public override bool CanWrite => true;

    public override void Flush()
    {
    }

    protected override void ReadCore(long offset, Span<byte> buffer)
    {
        lock (_gate)
        {
            for (var done = 0; done < buffer.Length;)
            {
                var position = offset + done;
                var inCluster = (int)(position % Cluster);
                var n = Math.Min(buffer.Length - done, Cluster - inCluster);
                if (_clusters.TryGetValue(position / Cluster, out var data))
                {
                    data.AsSpan(inCluster, n).CopyTo(buffer.Slice(done, n));
                }
                else
                {
                    ReadFromParent(position, buffer.Slice(done, n));
                }

                done += n;
            }
        }
    }

    protected override void WriteCore(long offset, ReadOnlySpan<byte> data)
    {
        lock (_gate)
        {
            if (FailAfterWrites is { } left)
            {
                if (left <= 0)
                {
                    throw new System.IO.IOException("injected write failure");
                }

                FailAfterWrites = left - 1;
            }

            for (var done = 0; done < data.Length;)
            {
                var position = offset + done;
                var index = position / Cluster;
                var inCluster = (int)(position % Cluster);
                var n = Math.Min(data.Length - done, Cluster - inCluster);
                if (!_clusters.TryGetValue(index, out var cluster))
                {
                    cluster = new byte[Cluster];
                    ReadFromParent(index * Cluster, cluster);
                    _clusters[index] = cluster;
                }

                data.Slice(done, n).CopyTo(cluster.AsSpan(inCluster, n));
                done += n;
            }
        }
    }

    protected override IEnumerable<AllocationRange> GetAllocationCore(long offset, long length)
    {
        yield return new AllocationRange(offset, length, AllocationKind.Data);
    }
}
