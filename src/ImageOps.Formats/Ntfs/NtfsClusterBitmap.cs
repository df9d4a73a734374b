using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The volume's cluster allocation bitmap ($Bitmap, MFT record 6; libfsntfs, "The metadata files"): bit
/// <c>n</c> (LSB first) set means cluster <c>n</c> is in use. Filesystem-aware capture copies only those.
/// </summary>
/// <remarks>
/// The bitmap is read from the volume in 1 MiB chunks as it is walked, never held whole: a volume in a
/// sparse petabyte disk must not make the reader allocate gigabytes. One chunk is cached; members may
/// be called from several threads.
/// </remarks>
public sealed class NtfsClusterBitmap
{
    private const int ChunkBytes = 1 << 20;
    private readonly NtfsAttributeData _data;
    private readonly object _gate = new();
    private readonly Lazy<long> _allocated;
    private long _chunkStart = -1;
    private byte[]? _chunk;

    internal NtfsClusterBitmap(NtfsAttributeData data, long clusterCount, int clusterSize)
    {
        _data = data;
        ClusterCount = clusterCount;
        ClusterSize = clusterSize;
        _allocated = new Lazy<long>(CountAllocated);
    }

    /// <summary>Clusters the bitmap covers (the volume's clusters).</summary>
    public long ClusterCount { get; }

    /// <summary>Bytes per cluster.</summary>
    public int ClusterSize { get; }

    /// <summary>Clusters marked in use (counted on first use).</summary>
    public long AllocatedClusters => _allocated.Value;

    /// <summary>Clusters marked free.</summary>
    public long FreeClusters => ClusterCount - AllocatedClusters;

    /// <summary>True if cluster <paramref name="cluster"/> is marked in use.</summary>
    public bool IsAllocated(long cluster)
    {
        if (cluster < 0 || cluster >= ClusterCount)
        {
            throw new ArgumentOutOfRangeException(nameof(cluster));
        }

        return (ByteAt(cluster >> 3) & (1 << (int)(cluster & 7))) != 0;
    }

    /// <summary>The in-use clusters as maximal runs, in ascending order.</summary>
    public IEnumerable<NtfsClusterRange> GetAllocatedRanges() => GetAllocatedRanges(0, ClusterCount);

    /// <summary>
    /// The in-use clusters of [<paramref name="firstCluster"/>, +<paramref name="clusterCount"/>) as
    /// maximal runs clipped to that window, in ascending order. Reads only the bitmap bytes the window
    /// needs, so callers can walk a volume piece by piece (capture reads per block) with bounded memory.
    /// Safe to call from several threads.
    /// </summary>
    public IEnumerable<NtfsClusterRange> GetAllocatedRanges(long firstCluster, long clusterCount)
    {
        if (firstCluster < 0 || clusterCount < 0 || firstCluster > ClusterCount - clusterCount)
        {
            throw new ArgumentOutOfRangeException(nameof(firstCluster), $"[{firstCluster}, +{clusterCount}) is not inside the {ClusterCount} clusters of the volume.");
        }

        return Walk(firstCluster, firstCluster + clusterCount);
    }

    private IEnumerable<NtfsClusterRange> Walk(long first, long end)
    {
        if (end <= first)
        {
            yield break;
        }

        var start = -1L;
        var firstByte = first / 8;
        var endByte = (end + 7) / 8;
        var buffer = new byte[(int)Math.Min(ChunkBytes, endByte - firstByte)];
        for (var chunk = firstByte; chunk < endByte; chunk += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, endByte - chunk);
            Load(chunk, buffer.AsSpan(0, n));
            for (var i = 0; i < n; i++)
            {
                var b = buffer[i];
                var firstCluster = (chunk + i) * 8;
                var whole = firstCluster >= first && firstCluster + 8 <= end;

                // Whole free or whole used bytes decide eight clusters at once.
                if (whole && ((b == 0 && start < 0) || (b == 0xFF && start >= 0)))
                {
                    continue;
                }

                for (var bit = 0; bit < 8; bit++)
                {
                    var cluster = firstCluster + bit;
                    if (cluster < first)
                    {
                        continue;
                    }

                    if (cluster >= end)
                    {
                        break;
                    }

                    var used = (b & (1 << bit)) != 0;
                    if (used && start < 0)
                    {
                        start = cluster;
                    }
                    else if (!used && start >= 0)
                    {
                        yield return new NtfsClusterRange(start, cluster - start);
                        start = -1;
                    }
                }
            }
        }

        if (start >= 0)
        {
            yield return new NtfsClusterRange(start, end - start);
        }
    }

    private long CountAllocated()
    {
        long used = 0;
        foreach (var range in GetAllocatedRanges())
        {
            used += range.ClusterCount;
        }

        return used;
    }

    private byte ByteAt(long index)
    {
        lock (_gate)
        {
            var start = index - (index % ChunkBytes);
            if (start != _chunkStart)
            {
                _chunk ??= new byte[ChunkBytes];
                var n = (int)Math.Min(ChunkBytes, ((ClusterCount + 7) / 8) - start);
                Load(start, _chunk.AsSpan(0, n));
                _chunkStart = start;
            }

            return _chunk![index - start];
        }
    }

    private void Load(long offset, Span<byte> buffer)
    {
        for (var done = 0; done < buffer.Length;)
        {
            var n = _data.Read(offset + done, buffer.Slice(done));
            if (n <= 0)
            {
                buffer.Slice(done).Clear();
                return;
            }

            done += n;
        }
    }
}
