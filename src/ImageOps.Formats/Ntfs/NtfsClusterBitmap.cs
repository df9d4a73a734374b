using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The volume's cluster allocation bitmap ($Bitmap, MFT record 6; libfsntfs §5 "Metadata files"): bit
/// <c>n</c> (LSB first) set means cluster <c>n</c> is in use. Filesystem-aware capture copies only those.
/// </summary>
public sealed class NtfsClusterBitmap
{
    private readonly byte[] _bits;

    internal NtfsClusterBitmap(byte[] bits, long clusterCount, int clusterSize)
    {
        _bits = bits;
        ClusterCount = clusterCount;
        ClusterSize = clusterSize;
        long used = 0;
        for (var i = 0L; i < clusterCount; i++)
        {
            if (IsAllocated(i))
            {
                used++;
            }
        }

        AllocatedClusters = used;
    }

    /// <summary>Clusters the bitmap covers (the volume's clusters).</summary>
    public long ClusterCount { get; }

    /// <summary>Bytes per cluster.</summary>
    public int ClusterSize { get; }

    /// <summary>Clusters marked in use.</summary>
    public long AllocatedClusters { get; }

    /// <summary>Clusters marked free.</summary>
    public long FreeClusters => ClusterCount - AllocatedClusters;

    /// <summary>True if cluster <paramref name="cluster"/> is marked in use.</summary>
    public bool IsAllocated(long cluster)
    {
        if (cluster < 0 || cluster >= ClusterCount)
        {
            throw new ArgumentOutOfRangeException(nameof(cluster));
        }

        return (_bits[cluster >> 3] & (1 << (int)(cluster & 7))) != 0;
    }

    /// <summary>The in-use clusters as maximal runs, in ascending order.</summary>
    public IEnumerable<NtfsClusterRange> GetAllocatedRanges()
    {
        var start = -1L;
        for (var i = 0L; i < ClusterCount; i++)
        {
            // Whole free or whole used bytes are skipped eight clusters at a time.
            if ((i & 7) == 0 && i + 8 <= ClusterCount)
            {
                var b = _bits[i >> 3];
                if (b == 0 && start < 0)
                {
                    i += 7;
                    continue;
                }

                if (b == 0xFF && start >= 0)
                {
                    i += 7;
                    continue;
                }
            }

            var used = IsAllocated(i);
            if (used && start < 0)
            {
                start = i;
            }
            else if (!used && start >= 0)
            {
                yield return new NtfsClusterRange(start, i - start);
                start = -1;
            }
        }

        if (start >= 0)
        {
            yield return new NtfsClusterRange(start, ClusterCount - start);
        }
    }

    /// <summary>A copy of the raw bitmap bytes (one bit per cluster, LSB first).</summary>
    public byte[] ToArray() => (byte[])_bits.Clone();
}
