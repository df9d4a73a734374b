namespace ImageOps.Engine.OfflineVolumes;

/// <summary>
/// The stable error ids the offline-volume backends raise (kept here, beside the code, until they are
/// merged into <see cref="ErrorIds"/>). Scripts match on them, so they never change once published.
/// </summary>
public static class OfflineVolumeErrorIds
{
    /// <summary>libntfs-3g.so.89 cannot be loaded on this host (NotInstalled).</summary>
    public const string Ntfs3gNotAvailable = "Ntfs3gNotAvailable";

    /// <summary>libntfs-3g could not mount the volume (not NTFS, damaged, unsupported).</summary>
    public const string NtfsMountFailed = "NtfsMountFailed";

    /// <summary>The volume is hibernated or was not shut down cleanly; writing is refused.</summary>
    public const string NtfsVolumeUnclean = "NtfsVolumeUnclean";

    /// <summary>The disk under the volume failed while libntfs-3g used it.</summary>
    public const string NtfsDeviceFailed = "NtfsDeviceFailed";

    /// <summary>mkntfs is not installed.</summary>
    public const string MkntfsNotAvailable = "MkntfsNotAvailable";

    /// <summary>mkntfs failed or could not be run.</summary>
    public const string MkntfsFailed = "MkntfsFailed";

    /// <summary>The disk to format is open read-only.</summary>
    public const string DiskReadOnly = "DiskReadOnly";

    /// <summary>A path is not valid in an offline volume (escapes, streams, forbidden characters).</summary>
    public const string OfflinePathInvalid = "OfflinePathInvalid";

    /// <summary>Nothing exists at the path.</summary>
    public const string OfflinePathNotFound = "OfflinePathNotFound";

    /// <summary>The path names a directory where a file is needed.</summary>
    public const string OfflinePathIsDirectory = "OfflinePathIsDirectory";

    /// <summary>A component of the path is a file where a directory is needed.</summary>
    public const string OfflinePathNotDirectory = "OfflinePathNotDirectory";

    /// <summary>The path passes through a link that could lead outside the volume's folder.</summary>
    public const string OfflinePathIsLink = "OfflinePathIsLink";

    /// <summary>The volume was opened read-only.</summary>
    public const string OfflineVolumeReadOnly = "OfflineVolumeReadOnly";

    /// <summary>The file attributes asked for cannot be set by this backend.</summary>
    public const string OfflineAttributesNotSupported = "OfflineAttributesNotSupported";

    /// <summary>The file is too large to read into memory at once.</summary>
    public const string OfflineFileTooLarge = "OfflineFileTooLarge";

    /// <summary>A directory to delete still has entries.</summary>
    public const string OfflineDirectoryNotEmpty = "OfflineDirectoryNotEmpty";
}
