using System.Globalization;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// The one place where the Windows attach backend turns Win32 error codes into ImageOps errors
/// (STYLE.md 15): a <see cref="NativeOperationException"/> with the function and code, wrapped in a more
/// specific kind where the code means something the user can act on.
/// </summary>
internal static class VirtualDiskErrors
{
    public const int ErrorFileNotFound = 2;
    public const int ErrorPathNotFound = 3;
    public const int ErrorAccessDenied = 5;
    public const int ErrorSharingViolation = 32;
    public const int ErrorInvalidParameter = 87;
    public const int ErrorInsufficientBuffer = 122;
    public const int ErrorMoreData = 234;
    public const int ErrorElevationRequired = 740;
    public const int ErrorPrivilegeNotHeld = 1314;

    public static ImageOpsException NotAvailable(string why)
        => new(NativeVirtualDiskErrorIds.NativeVirtualDiskNotAvailable, ErrorKind.NotInstalled, $"Attaching VHD/VHDX files natively needs Windows and its virtdisk.dll: {why}. Write through the libntfs-3g backend or a mounted folder instead.", VirtDiskNative.Library);

    /// <summary>The error for <paramref name="function"/> failing with <paramref name="code"/> on <paramref name="target"/>.</summary>
    public static ImageOpsException FromCode(string function, int code, string target, string what, string defaultId = NativeVirtualDiskErrorIds.NativeVirtualDiskAttachFailed)
    {
        var native = new NativeOperationException(function, code, $"{what} ({Describe(code)})", target, defaultId);
        return code switch
        {
            ErrorAccessDenied or ErrorElevationRequired or ErrorPrivilegeNotHeld => new ImageOpsException(
                NativeVirtualDiskErrorIds.NativeVirtualDiskAccessDenied,
                ErrorKind.PermissionDenied,
                $"{what}: access denied by {function} (code {code.ToString(CultureInfo.InvariantCulture)}). Attaching needs an elevated (administrator) process, which holds SE_MANAGE_VOLUME_NAME, and read (and, unless read-only, write) access to '{target}'.",
                target,
                native),
            ErrorSharingViolation => new ImageOpsException(
                NativeVirtualDiskErrorIds.NativeVirtualDiskInUse,
                ErrorKind.ResourceBusy,
                $"{what}: '{target}' is in use — attached elsewhere (Hyper-V, Explorer's Mount, diskpart, another ImageOps) or open by another program. NativeVirtualDisk.DetachStale detaches an attach left behind.",
                target,
                native),
            ErrorFileNotFound or ErrorPathNotFound => new ObjectNotFoundException(
                NativeVirtualDiskErrorIds.NativeVirtualDiskNotFound,
                $"{what}: '{target}' (or a parent of a differencing disk) was not found.",
                target,
                native),
            _ => native,
        };
    }

    private static string Describe(int code) => code switch
    {
        ErrorFileNotFound => "file not found",
        ErrorPathNotFound => "path not found",
        ErrorAccessDenied => "access denied",
        ErrorSharingViolation => "sharing violation",
        ErrorInvalidParameter => "invalid parameter",
        ErrorElevationRequired => "elevation required",
        ErrorPrivilegeNotHeld => "privilege not held",
        _ => "Win32 error",
    };
}
