using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.Platform;

/// <summary>Capacity and free space of the volume holding a folder, including shares.</summary>
public static class VolumeSpace
{
    /// <summary>Returns (capacity, free) in bytes, or null if the folder's volume cannot be queried.</summary>
    public static (long Capacity, long Free)? Query(string folder)
    {
        try
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                // DriveInfo does not take UNC paths; GetDiskFreeSpaceEx takes any folder, shares included.
                return GetDiskFreeSpaceExW(folder, out var available, out var total, out _)
                    ? ((long)total, (long)available)
                    : null;
            }

            // On Unix DriveInfo asks statvfs(2) about the path itself, so any folder on any mount works.
            var drive = new DriveInfo(folder);
            return (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool GetDiskFreeSpaceExW(string directoryName, out ulong freeBytesAvailable, out ulong totalBytes, out ulong totalFreeBytes);
}
