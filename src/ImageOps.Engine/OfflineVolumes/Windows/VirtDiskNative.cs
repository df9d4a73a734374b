using System;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// The virtdisk.dll entry points ImageOps calls, declared from Microsoft's reference pages (virtdisk.h):
/// OpenVirtualDisk, AttachVirtualDisk, DetachVirtualDisk, GetVirtualDiskPhysicalPath. Each returns its
/// Win32 error code (a DWORD) rather than setting the thread's last error, so no <c>SetLastError</c>.
/// Not yet exercised on Windows.
/// </summary>
internal static class VirtDiskNative
{
    public const string Library = "virtdisk.dll";

    /// <summary>The exports checked when the library is loaded.</summary>
    public static readonly string[] Exports = { "OpenVirtualDisk", "AttachVirtualDisk", "DetachVirtualDisk", "GetVirtualDiskPhysicalPath" };

    /// <summary>VIRTUAL_STORAGE_TYPE_DEVICE_VHD.</summary>
    public const uint DeviceVhd = 2;

    /// <summary>VIRTUAL_STORAGE_TYPE_DEVICE_VHDX.</summary>
    public const uint DeviceVhdx = 3;

    /// <summary>VIRTUAL_STORAGE_TYPE_VENDOR_MICROSOFT.</summary>
    public static readonly Guid VendorMicrosoft = new("EC984AEC-A0F9-47E9-901F-71415A66345B");

    /// <summary>VIRTUAL_DISK_ACCESS_MASK values.</summary>
    public const uint AccessNone = 0x00000000;
    public const uint AccessAttachReadOnly = 0x00010000;
    public const uint AccessAttachReadWrite = 0x00020000;
    public const uint AccessDetach = 0x00040000;
    public const uint AccessGetInfo = 0x00080000;

    /// <summary>OPEN_VIRTUAL_DISK_FLAG_NONE.</summary>
    public const uint OpenFlagNone = 0;

    /// <summary>OPEN_VIRTUAL_DISK_VERSION values.</summary>
    public const uint OpenVersion1 = 1;
    public const uint OpenVersion2 = 2;

    /// <summary>ATTACH_VIRTUAL_DISK_VERSION_1.</summary>
    public const uint AttachVersion1 = 1;

    /// <summary>ATTACH_VIRTUAL_DISK_FLAG values.</summary>
    public const uint AttachFlagReadOnly = 0x00000001;
    public const uint AttachFlagNoDriveLetter = 0x00000002;
    public const uint AttachFlagPermanentLifetime = 0x00000004;

    /// <summary>DETACH_VIRTUAL_DISK_FLAG_NONE, the only detach flag.</summary>
    public const uint DetachFlagNone = 0;

    /// <summary>
    /// The Handle out-parameter is undefined on failure (OpenVirtualDisk's page), so it is taken as a raw
    /// value and wrapped in a handle object only on success: a SafeHandle around garbage would be closed.
    /// </summary>
    [DllImport(Library, CharSet = CharSet.Unicode, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int OpenVirtualDisk(ref VirtualStorageType virtualStorageType, string path, uint virtualDiskAccessMask, uint flags, ref OpenVirtualDiskParameters parameters, out IntPtr handle);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int AttachVirtualDisk(SafeFileHandle virtualDiskHandle, IntPtr securityDescriptor, uint flags, uint providerSpecificFlags, ref AttachVirtualDiskParameters parameters, IntPtr overlapped);

    [DllImport(Library, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int DetachVirtualDisk(SafeFileHandle virtualDiskHandle, uint flags, uint providerSpecificFlags);

    /// <summary>The size is in bytes, in and out; the path is a WCHAR buffer of that many bytes.</summary>
    [DllImport(Library, CharSet = CharSet.Unicode, ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.System32)]
    public static extern int GetVirtualDiskPhysicalPath(SafeFileHandle virtualDiskHandle, ref uint diskPathSizeInBytes, [Out] char[] diskPath);
}
