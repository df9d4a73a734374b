using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// <see cref="IWindowsStorage"/> over kernel32: volume enumeration and three device I/O controls, each
/// output parsed by its buffer reader. Not yet exercised on Windows.
/// </summary>
internal sealed class WindowsStorage : IWindowsStorage
{
    public static readonly WindowsStorage Instance = new();

    // A layout of 128 GPT entries needs 48 + 128 * 144 bytes; grow past that only for unusual disks.
    private const int FirstLayoutBuffer = 48 + (128 * 144);
    private const int MaxLayoutBuffer = 1 << 20;

    private WindowsStorage()
    {
    }

    public IReadOnlyList<string> ListVolumes()
    {
        var names = new List<string>();
        var buffer = new char[Kernel32Storage.VolumeNameCapacity];
        var find = Kernel32Storage.FindFirstVolumeW(buffer, (uint)buffer.Length);
        if (find == Kernel32Storage.InvalidHandleValue)
        {
            throw VirtualDiskErrors.FromCode("FindFirstVolumeW", Marshal.GetLastWin32Error(), "volumes", "could not list the volumes");
        }

        try
        {
            while (true)
            {
                names.Add(Kernel32Storage.FromBuffer(buffer));
                if (!Kernel32Storage.FindNextVolumeW(find, buffer, (uint)buffer.Length))
                {
                    var code = Marshal.GetLastWin32Error();
                    if (code == Kernel32Storage.ErrorNoMoreFiles)
                    {
                        return names;
                    }

                    throw VirtualDiskErrors.FromCode("FindNextVolumeW", code, "volumes", "could not list the volumes");
                }
            }
        }
        finally
        {
            Kernel32Storage.FindVolumeClose(find);
        }
    }

    public IReadOnlyList<DiskExtent>? GetVolumeExtents(string volumeGuidPath)
    {
        // The volume device is the GUID path without its trailing backslash (with it, the root folder).
        using var volume = Open(volumeGuidPath.TrimEnd('\\'), 0);
        if (volume.IsInvalid)
        {
            return null;
        }

        var buffer = new byte[VolumeDiskExtentsBuffer.SizeFor(1)];
        if (!Kernel32Storage.DeviceIoControl(volume, Kernel32Storage.IoctlVolumeGetVolumeDiskExtents, IntPtr.Zero, 0, buffer, (uint)buffer.Length, out var returned, IntPtr.Zero))
        {
            // ERROR_MORE_DATA: a volume of several extents (spanned, striped); the count is filled in.
            var code = Marshal.GetLastWin32Error();
            var count = VolumeDiskExtentsBuffer.DeclaredCount(buffer);
            if (code != VirtualDiskErrors.ErrorMoreData || count > VolumeDiskExtentsBuffer.MaxExtents)
            {
                return null;
            }

            buffer = new byte[VolumeDiskExtentsBuffer.SizeFor(count)];
            if (!Kernel32Storage.DeviceIoControl(volume, Kernel32Storage.IoctlVolumeGetVolumeDiskExtents, IntPtr.Zero, 0, buffer, (uint)buffer.Length, out returned, IntPtr.Zero))
            {
                return null;
            }
        }

        try
        {
            return VolumeDiskExtentsBuffer.Parse(buffer.AsSpan(0, (int)Math.Min(returned, (uint)buffer.Length)));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public uint GetDiskNumber(string physicalDrivePath)
    {
        int code;
        using (var disk = Open(physicalDrivePath, 0))
        {
            var buffer = new byte[StorageDeviceNumberBuffer.Size];
            if (!disk.IsInvalid
                && Kernel32Storage.DeviceIoControl(disk, Kernel32Storage.IoctlStorageGetDeviceNumber, IntPtr.Zero, 0, buffer, (uint)buffer.Length, out var returned, IntPtr.Zero)
                && returned >= StorageDeviceNumberBuffer.Size)
            {
                return StorageDeviceNumberBuffer.DeviceNumber(buffer);
            }

            // Read before the handle closes: closing may overwrite the thread's last error.
            code = Marshal.GetLastWin32Error();
        }

        // GetVirtualDiskPhysicalPath documents the path as \\.\PhysicalDriveN with N the disk's number.
        return StorageDeviceNumberBuffer.FromPhysicalDrivePath(physicalDrivePath)
               ?? throw VirtualDiskErrors.FromCode("DeviceIoControl(IOCTL_STORAGE_GET_DEVICE_NUMBER)", code, physicalDrivePath, "could not read the attached disk's number");
    }

    public IReadOnlyList<DiskPartitionEntry> GetPartitions(string physicalDrivePath)
    {
        using var disk = Open(physicalDrivePath, Kernel32Storage.GenericRead);
        if (disk.IsInvalid)
        {
            throw VirtualDiskErrors.FromCode("CreateFileW", Marshal.GetLastWin32Error(), physicalDrivePath, "could not open the attached disk");
        }

        for (var size = FirstLayoutBuffer; ; size *= 2)
        {
            var buffer = new byte[size];
            if (Kernel32Storage.DeviceIoControl(disk, Kernel32Storage.IoctlDiskGetDriveLayoutEx, IntPtr.Zero, 0, buffer, (uint)buffer.Length, out var returned, IntPtr.Zero))
            {
                return DriveLayoutBuffer.Parse(buffer.AsSpan(0, (int)Math.Min(returned, (uint)buffer.Length))).Partitions;
            }

            var code = Marshal.GetLastWin32Error();
            if ((code != VirtualDiskErrors.ErrorInsufficientBuffer && code != VirtualDiskErrors.ErrorMoreData) || size >= MaxLayoutBuffer)
            {
                throw VirtualDiskErrors.FromCode("DeviceIoControl(IOCTL_DISK_GET_DRIVE_LAYOUT_EX)", code, physicalDrivePath, "could not read the attached disk's partition table");
            }
        }
    }

    private static SafeFileHandle Open(string devicePath, uint access)
        => Kernel32Storage.CreateFileW(devicePath, access, Kernel32Storage.FileShareRead | Kernel32Storage.FileShareWrite, IntPtr.Zero, Kernel32Storage.OpenExisting, 0, IntPtr.Zero);
}
