namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>Opens virtual disks (virtdisk.dll's OpenVirtualDisk, or a test double).</summary>
internal interface IVirtualDiskApi
{
    /// <summary>Opens for attaching: version 2 parameters, no access mask, read-only backing file when asked.</summary>
    int OpenForAttach(string path, uint deviceId, bool readOnly, out IVirtualDiskHandle? handle);

    /// <summary>Opens an image that may be attached elsewhere, only to detach it.</summary>
    int OpenForDetach(string path, uint deviceId, out IVirtualDiskHandle? handle);
}
