using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ImageOps.Engine.Platform;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// An attached volume mounted at an empty folder (SetVolumeMountPointW), for tools that take a folder:
/// DISM documents its image path as the root directory of an offline or mounted image, and whether it
/// also accepts a <c>\\?\Volume{…}\</c> path is not verified. Not yet exercised on Windows.
/// </summary>
/// <remarks>
/// A folder mount point is persistent: it survives the process and even the detach of its volume. Dispose
/// removes it; after a crash, <see cref="RemoveStale"/> removes what is left in the folder.
/// </remarks>
public sealed class VolumeMountPoint : IDisposable
{
    private readonly object _gate = new();
    private bool _mounted;

    private VolumeMountPoint(string folder, string volumeGuidPath)
    {
        Folder = folder;
        VolumeGuidPath = volumeGuidPath;
        _mounted = true;
    }

    /// <summary>True on Windows.</summary>
    public static bool IsSupported => WindowsSystemLibrary.IsWindows;

    /// <summary>The folder the volume is mounted at (full path, no trailing separator).</summary>
    public string Folder { get; }

    /// <summary>The mounted volume's GUID path.</summary>
    public string VolumeGuidPath { get; }

    /// <summary>Mounts <paramref name="volume"/> at <paramref name="emptyFolder"/>, creating the folder if needed.</summary>
    /// <exception cref="ImageOpsException"><c>NativeVirtualDiskNotAvailable</c> off Windows; <c>InvalidArgument</c> if
    /// the folder holds anything; <c>VolumeMountPointFailed</c> (a <see cref="NativeOperationException"/>).</exception>
    public static VolumeMountPoint Create(AttachedVolume volume, string emptyFolder)
    {
        if (volume is null)
        {
            throw new ArgumentNullException(nameof(volume));
        }

        if (!IsSupported)
        {
            throw VirtualDiskErrors.NotAvailable("volume mount points are a Windows feature");
        }

        var folder = PathRules.Normalize(emptyFolder);
        Directory.CreateDirectory(folder);
        if (Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new InvalidRequestException(ErrorIds.InvalidArgument, $"'{folder}' is not empty; a volume is only mounted at an empty folder.", folder);
        }

        if (!Kernel32Storage.SetVolumeMountPointW(WithBackslash(folder), WithBackslash(volume.VolumeGuidPath)))
        {
            throw VirtualDiskErrors.FromCode("SetVolumeMountPointW", Marshal.GetLastWin32Error(), folder, $"could not mount {volume.VolumeGuidPath} at '{folder}'", NativeVirtualDiskErrorIds.VolumeMountPointFailed);
        }

        return new VolumeMountPoint(folder, volume.VolumeGuidPath);
    }

    /// <summary>
    /// Removes a mount point left in <paramref name="folder"/> by a process that died; false if the folder
    /// is missing or is not a mount point (a reparse point).
    /// </summary>
    public static bool RemoveStale(string folder)
    {
        if (!IsSupported)
        {
            throw VirtualDiskErrors.NotAvailable("volume mount points are a Windows feature");
        }

        var full = PathRules.Normalize(folder);
        if (!Directory.Exists(full) || (File.GetAttributes(full) & FileAttributes.ReparsePoint) == 0)
        {
            return false;
        }

        if (!Kernel32Storage.DeleteVolumeMountPointW(WithBackslash(full)))
        {
            throw VirtualDiskErrors.FromCode("DeleteVolumeMountPointW", Marshal.GetLastWin32Error(), full, $"could not remove the mount point at '{full}'", NativeVirtualDiskErrorIds.VolumeMountPointFailed);
        }

        return true;
    }

    /// <summary>Removes the mount point, reporting a failure.</summary>
    public void Remove()
    {
        lock (_gate)
        {
            if (!_mounted)
            {
                return;
            }

            if (!Kernel32Storage.DeleteVolumeMountPointW(WithBackslash(Folder)))
            {
                throw VirtualDiskErrors.FromCode("DeleteVolumeMountPointW", Marshal.GetLastWin32Error(), Folder, $"could not remove the mount point at '{Folder}'", NativeVirtualDiskErrorIds.VolumeMountPointFailed);
            }

            _mounted = false;
        }
    }

    /// <summary>Removes the mount point; a failure leaves it for <see cref="RemoveStale"/>.</summary>
    public void Dispose()
    {
        try
        {
            Remove();
        }
        catch (ImageOpsException)
        {
            // Dispose must not throw; the folder stays a mount point that RemoveStale can clear.
        }
    }

    /// <summary>SetVolumeMountPointW and DeleteVolumeMountPointW want both paths to end with a backslash.</summary>
    private static string WithBackslash(string path) => path.EndsWith("\\", StringComparison.Ordinal) ? path : path + "\\";
}
