using System;
using System.Collections.Generic;
using ImageOps.Formats.Ntfs;

namespace ImageOps.Engine.Disks.Capture;

/// <summary>
/// An NTFS volume inside a capture window whose free clusters are left out: its cluster area
/// [<see cref="Start"/>, <see cref="ClustersEnd"/>) is filtered by $Bitmap; what follows up to
/// <see cref="End"/> (the backup boot sector, and any slack of a partition larger than its volume) is
/// copied as it is.
/// </summary>
internal sealed class UsedClusterRegion
{
    private readonly NtfsClusterBitmap _bitmap;

    public UsedClusterRegion(long start, long length, NtfsClusterBitmap bitmap)
    {
        var clusterBytes = bitmap.ClusterCount * bitmap.ClusterSize;
        if (clusterBytes > length)
        {
            throw new ArgumentException($"{bitmap.ClusterCount} clusters of {bitmap.ClusterSize} bytes do not fit a volume of {length} bytes.", nameof(bitmap));
        }

        _bitmap = bitmap;
        Start = start;
        End = start + length;
        ClustersEnd = start + clusterBytes;
    }

    /// <summary>First byte of the volume, in view offsets.</summary>
    public long Start { get; }

    /// <summary>One past the last cluster.</summary>
    public long ClustersEnd { get; }

    /// <summary>One past the volume's last byte.</summary>
    public long End { get; }

    /// <summary>Bytes per cluster.</summary>
    public int ClusterSize => _bitmap.ClusterSize;

    /// <summary>Bytes of used clusters plus the part after the last cluster (what a used-only capture copies).</summary>
    public long UsedBytes => (_bitmap.AllocatedClusters * _bitmap.ClusterSize) + (End - ClustersEnd);

    /// <summary>The used byte ranges (view offsets) of [from, to), which must lie in the cluster area.</summary>
    public IEnumerable<(long Start, long End)> UsedSpans(long from, long to)
    {
        if (from < Start || to > ClustersEnd || from > to)
        {
            throw new ArgumentOutOfRangeException(nameof(from), $"[{from}, {to}) is not inside the cluster area [{Start}, {ClustersEnd}).");
        }

        if (from == to)
        {
            yield break;
        }

        long size = _bitmap.ClusterSize;
        var firstCluster = (from - Start) / size;
        var endCluster = (to - Start + size - 1) / size;
        foreach (var run in _bitmap.GetAllocatedRanges(firstCluster, endCluster - firstCluster))
        {
            var start = Math.Max(from, Start + (run.FirstCluster * size));
            var end = Math.Min(to, Start + ((run.FirstCluster + run.ClusterCount) * size));
            if (end > start)
            {
                yield return (start, end);
            }
        }
    }
}
