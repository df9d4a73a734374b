namespace ImageOps.Engine.OfflineVolumes;

/// <summary>How <see cref="NtfsVolumeFormatter"/> lays out a new NTFS volume.</summary>
public sealed class NtfsFormatOptions
{
    /// <summary>The volume label (at most 32 characters).</summary>
    public string Label { get; set; } = string.Empty;

    /// <summary>Bytes per cluster: 4096 is Windows' default and the largest NTFS compresses.</summary>
    public int ClusterSizeBytes { get; set; } = 4096;

    /// <summary>Bytes per sector recorded in the boot sector; defaults to the disk's logical sector size.</summary>
    public int? SectorSizeBytes { get; set; }
}
