using System.Globalization;

namespace ImageOps.Formats.Ntfs;

/// <summary>A run of consecutive clusters of a volume.</summary>
public readonly struct NtfsClusterRange
{
    /// <summary>Creates a range.</summary>
    public NtfsClusterRange(long firstCluster, long clusterCount)
    {
        FirstCluster = firstCluster;
        ClusterCount = clusterCount;
    }

    /// <summary>The first cluster (LCN).</summary>
    public long FirstCluster { get; }

    /// <summary>Clusters in the range.</summary>
    public long ClusterCount { get; }

    /// <inheritdoc />
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "[{0}, {1})", FirstCluster, FirstCluster + ClusterCount);
}
