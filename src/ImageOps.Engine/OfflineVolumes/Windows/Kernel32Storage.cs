using System;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// The kernel32 functions and I/O control codes the attach backend uses, declared from Microsoft's
/// reference pages (fileapi.h: FindFirstVolumeW, FindNextVolumeW, FindVolumeClose, CreateFileW,
/// SetVolumeMountPointW, DeleteVolumeMountPointW, GetVolumeNameForVolumeMountPointW; ioapiset.h:
/// DeviceIoControl; winioctl.h: the IOCTL codes). All set the thread's last error on failure.
/// Not yet exercised on Windows.
/// </summary>
internal static class Kernel32Storage
{
    private const string Kernel32 = "kernel32.dll";

    public const uint GenericRead = 0x80000000;
    public const uint FileShareRead = 0x00000001;
    public const uint FileShareWrite = 0x00000002;
    public const uint OpenExisting = 3;
    public const int ErrorNoMoreFiles = 18;
    public static readonly IntPtr InvalidHandleValue = new(-1);

    /// <summary>"\\?\Volume{GUID}\" is 49 characters and a NUL; room to spare.</summary>
    public const int VolumeNameCapacity = 64;

    /// <summary>METHOD_BUFFERED and FILE_ANY_ACCESS (winioctl.h).</summary>
    public const uint MethodBuffered = 0;
    public const uint FileAnyAccess = 0;

    /// <summary>CTL_CODE(IOCTL_VOLUME_BASE = 'V', 0, METHOD_BUFFERED, FILE_ANY_ACCESS).</summary>
    public const uint IoctlVolumeGetVolumeDiskExtents = 0x00560000;

    /// <summary>CTL_CODE(IOCTL_STORAGE_BASE = FILE_DEVICE_MASS_STORAGE (0x2D), 0x0420, METHOD_BUFFERED, FILE_ANY_ACCESS).</summary>
    public const uint IoctlStorageGetDeviceNumber = 0x002D1080;

    /// <summary>CTL_CODE(IOCTL_DISK_BASE = FILE_DEVICE_DISK (7), 0x0014, METHOD_BUFFERED, FILE_ANY_ACCESS).</summary>
    public const uint IoctlDiskGetDriveLayoutEx = 0x00070050;

    /// <summary>The CTL_CODE macro of winioctl.h.</summary>
    public static uint CtlCode(uint deviceType, uint function, uint method, uint access)
        => (deviceType << 16) | (access << 14) | (function << 2) | method;

    [DllImport(Kernel32, CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    public static extern IntPtr FindFirstVolumeW([Out] char[] volumeName, uint bufferLength);

    [DllImport(Kernel32, CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool FindNextVolumeW(IntPtr findVolume, [Out] char[] volumeName, uint bufferLength);

    [DllImport(Kernel32, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool FindVolumeClose(IntPtr findVolume);

    [DllImport(Kernel32, CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    public static extern SafeFileHandle CreateFileW(string fileName, uint desiredAccess, uint shareMode, IntPtr securityAttributes, uint creationDisposition, uint flagsAndAttributes, IntPtr templateFile);

    [DllImport(Kernel32, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool DeviceIoControl(SafeFileHandle device, uint ioControlCode, IntPtr inBuffer, uint inBufferSize, [Out] byte[] outBuffer, uint outBufferSize, out uint bytesReturned, IntPtr overlapped);

    /// <summary>Both paths end with a backslash (the function's page).</summary>
    [DllImport(Kernel32, CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool SetVolumeMountPointW(string volumeMountPoint, string volumeName);

    [DllImport(Kernel32, CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool DeleteVolumeMountPointW(string volumeMountPoint);

    [DllImport(Kernel32, CharSet = CharSet.Unicode, SetLastError = true, ExactSpelling = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    public static extern bool GetVolumeNameForVolumeMountPointW(string volumeMountPoint, [Out] char[] volumeName, uint bufferLength);

    /// <summary>The NUL-terminated string at the start of <paramref name="buffer"/>.</summary>
    public static string FromBuffer(char[] buffer)
    {
        var end = Array.IndexOf(buffer, '\0');
        return new string(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
