using System.Collections.Generic;
using System.Linq;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// Which of the host's volumes live on the attached disk, and which expected partitions have no volume
/// yet. A volume is ours when it has exactly one extent and that extent is on our disk number: a volume
/// spanning several disks (dynamic disks) is never a partition of the image alone.
/// </summary>
internal static class AttachedVolumeMapper
{
    public static IReadOnlyList<AttachedVolume> OnDisk(uint diskNumber, IEnumerable<(string VolumeGuidPath, IReadOnlyList<DiskExtent>? Extents)> volumes)
        => volumes
            .Where(v => v.Extents is { Count: 1 } && v.Extents[0].DiskNumber == diskNumber)
            .Select(v => new AttachedVolume(WithTrailingBackslash(v.VolumeGuidPath), v.Extents![0].StartingOffset, v.Extents[0].ExtentLength))
            .OrderBy(v => v.PartitionOffset)
            .ToList();

    /// <summary>Partitions that should carry a volume and have none among <paramref name="arrived"/> (matched by offset).</summary>
    public static IReadOnlyList<DiskPartitionEntry> Missing(IReadOnlyList<DiskPartitionEntry> partitions, IReadOnlyList<AttachedVolume> arrived)
    {
        var offsets = new HashSet<long>(arrived.Select(v => v.PartitionOffset));
        return partitions.Where(p => p.ExpectsVolume && !offsets.Contains(p.Offset)).ToList();
    }

    private static string WithTrailingBackslash(string path) => path.EndsWith("\\", System.StringComparison.Ordinal) ? path : path + "\\";
}
