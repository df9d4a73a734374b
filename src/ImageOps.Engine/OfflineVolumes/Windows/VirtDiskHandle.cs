using System;
using Microsoft.Win32.SafeHandles;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// <see cref="IVirtualDiskHandle"/> over a virtdisk.dll handle (closed with CloseHandle, as
/// OpenVirtualDisk's page says). Not yet exercised on Windows.
/// </summary>
internal sealed class VirtDiskHandle : IVirtualDiskHandle
{
    private readonly SafeFileHandle _handle;

    public VirtDiskHandle(IntPtr handle)
    {
        _handle = new SafeFileHandle(handle, ownsHandle: true);
    }

    public int Attach(bool readOnly)
    {
        var parameters = new AttachVirtualDiskParameters { Version = VirtDiskNative.AttachVersion1 };

        // A null security descriptor applies the image file's own (AttachVirtualDisk's page).
        return VirtDiskNative.AttachVirtualDisk(_handle, IntPtr.Zero, NativeVirtualDisk.AttachFlags(readOnly), 0, ref parameters, IntPtr.Zero);
    }

    public int GetPhysicalPath(out string? physicalPath)
    {
        physicalPath = null;
        var size = 260u * sizeof(char);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var buffer = new char[(size / sizeof(char)) + 1];
            var code = VirtDiskNative.GetVirtualDiskPhysicalPath(_handle, ref size, buffer);
            if (code == 0)
            {
                physicalPath = Kernel32Storage.FromBuffer(buffer);
                return 0;
            }

            // On ERROR_INSUFFICIENT_BUFFER the size in bytes is updated; any other code is the answer.
            if (code != VirtualDiskErrors.ErrorInsufficientBuffer)
            {
                return code;
            }
        }

        return VirtualDiskErrors.ErrorInsufficientBuffer;
    }

    public int Detach() => VirtDiskNative.DetachVirtualDisk(_handle, VirtDiskNative.DetachFlagNone, 0);

    public void Dispose() => _handle.Dispose();
}
