namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// The stable error ids of the Windows attach backend (<see cref="NativeVirtualDisk"/>,
/// <see cref="VolumeMountPoint"/>; not yet exercised on Windows). Scripts match on them, so they never
/// change once published.
/// </summary>
public static class NativeVirtualDiskErrorIds
{
    /// <summary>This host cannot attach virtual disks natively: not Windows, or virtdisk.dll missing (NotInstalled).</summary>
    public const string NativeVirtualDiskNotAvailable = "NativeVirtualDiskNotAvailable";

    /// <summary>The file does not exist.</summary>
    public const string NativeVirtualDiskNotFound = "NativeVirtualDiskNotFound";

    /// <summary>The file is not a VHD or VHDX by content (Windows attaches no other format).</summary>
    public const string NativeVirtualDiskFormatNotSupported = "NativeVirtualDiskFormatNotSupported";

    /// <summary>Attaching needs an elevated process (SE_MANAGE_VOLUME_NAME) or access to the file.</summary>
    public const string NativeVirtualDiskAccessDenied = "NativeVirtualDiskAccessDenied";

    /// <summary>The file is attached or open elsewhere.</summary>
    public const string NativeVirtualDiskInUse = "NativeVirtualDiskInUse";

    /// <summary>OpenVirtualDisk, AttachVirtualDisk or a disk query failed otherwise.</summary>
    public const string NativeVirtualDiskAttachFailed = "NativeVirtualDiskAttachFailed";

    /// <summary>The disk attached but none of its volumes appeared before the timeout.</summary>
    public const string NativeVirtualDiskVolumesNotArrived = "NativeVirtualDiskVolumesNotArrived";

    /// <summary>DetachVirtualDisk failed.</summary>
    public const string NativeVirtualDiskDetachFailed = "NativeVirtualDiskDetachFailed";

    /// <summary>A volume could not be mounted at, or removed from, a folder.</summary>
    public const string VolumeMountPointFailed = "VolumeMountPointFailed";
}
