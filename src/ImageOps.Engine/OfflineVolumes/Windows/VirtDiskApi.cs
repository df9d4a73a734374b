using System;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// <see cref="IVirtualDiskApi"/> over virtdisk.dll's OpenVirtualDisk. Not yet exercised on Windows.
/// </summary>
internal sealed class VirtDiskApi : IVirtualDiskApi
{
    public static readonly VirtDiskApi Instance = new();

    private VirtDiskApi()
    {
    }

    public int OpenForAttach(string path, uint deviceId, bool readOnly, out IVirtualDiskHandle? handle)
    {
        var storageType = NativeVirtualDisk.StorageType(deviceId);
        var parameters = NativeVirtualDisk.OpenParameters(readOnly);
        return Open(path, ref storageType, NativeVirtualDisk.AttachAccessMask, ref parameters, out handle);
    }

    public int OpenForDetach(string path, uint deviceId, out IVirtualDiskHandle? handle)
    {
        var storageType = NativeVirtualDisk.StorageType(deviceId);
        var parameters = NativeVirtualDisk.DetachOpenParameters();
        var code = Open(path, ref storageType, NativeVirtualDisk.DetachAccessMask, ref parameters, out handle);
        if (code != VirtualDiskErrors.ErrorInvalidParameter)
        {
            return code;
        }

        // Version 1 with DETACH access is what OpenVirtualDisk's page prescribes for a permanently attached
        // disk; a provider that only takes version 2 gets what Microsoft's DetachVirtualDisk sample passes.
        parameters = NativeVirtualDisk.OpenParameters(readOnly: false);
        return Open(path, ref storageType, NativeVirtualDisk.AttachAccessMask, ref parameters, out handle);
    }

    private static int Open(string path, ref VirtualStorageType storageType, uint accessMask, ref OpenVirtualDiskParameters parameters, out IVirtualDiskHandle? handle)
    {
        handle = null;
        var code = VirtDiskNative.OpenVirtualDisk(ref storageType, path, accessMask, VirtDiskNative.OpenFlagNone, ref parameters, out var raw);
        if (code == 0)
        {
            handle = new VirtDiskHandle(raw);
        }

        return code;
    }
}
