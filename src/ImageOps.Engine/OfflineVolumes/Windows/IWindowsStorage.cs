using System.Collections.Generic;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// The volume and disk queries an attach needs (kernel32's volume enumeration and device I/O controls,
/// or a test double), so the mapping of volumes to the attached disk and the wait for them run here.
/// </summary>
internal interface IWindowsStorage
{
    /// <summary>Every volume's GUID path (<c>\\?\Volume{…}\</c>), FindFirstVolumeW/FindNextVolumeW.</summary>
    IReadOnlyList<string> ListVolumes();

    /// <summary>The disk extents of a volume, or null if it cannot be asked (no media, gone, refused).</summary>
    IReadOnlyList<DiskExtent>? GetVolumeExtents(string volumeGuidPath);

    /// <summary>The disk number of <c>\\.\PhysicalDriveN</c> (IOCTL_STORAGE_GET_DEVICE_NUMBER).</summary>
    uint GetDiskNumber(string physicalDrivePath);

    /// <summary>The partition table Windows sees on the disk (IOCTL_DISK_GET_DRIVE_LAYOUT_EX).</summary>
    IReadOnlyList<DiskPartitionEntry> GetPartitions(string physicalDrivePath);
}
