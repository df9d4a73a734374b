using System;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ImageOps.Formats.Disks.Storage;

/// <summary>
/// The size of an opened block device on Linux: lseek(fd, 0, SEEK_END) returns it (the kernel's
/// block-device llseek knows the device size, as BLKGETSIZE64 does), and it works on any kernel
/// without ioctl numbers. It moves the file position, which positional I/O never uses. Other systems
/// answer -1 (unsupported): there a device reads as empty and is refused by the callers that accept devices.
/// </summary>
internal static class DeviceSize
{
    private const int SeekEndWhence = 2;

    private static readonly bool Supported = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    /// <summary>The offset of the end of the opened file or device, or -1 if it cannot be asked.</summary>
    public static long SeekEnd(SafeFileHandle handle)
    {
        if (!Supported || handle.IsInvalid)
        {
            return -1;
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var fd = handle.DangerousGetHandle().ToInt32();
            var end = lseek(fd, 0, SeekEndWhence);
            return end < 0 ? -1 : end;
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            return -1;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern long lseek(int fd, long offset, int whence);
}
