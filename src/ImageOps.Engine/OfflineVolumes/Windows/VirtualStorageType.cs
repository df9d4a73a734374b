using System;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// <c>VIRTUAL_STORAGE_TYPE</c> (virtdisk.h; learn.microsoft.com "VIRTUAL_STORAGE_TYPE structure"):
/// <c>ULONG DeviceId</c> then <c>GUID VendorId</c>. No pointers, so the 20-byte layout is the same on x86
/// and x64; it is declared with explicit offsets so no packing rule can move a field.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct VirtualStorageType
{
    /// <summary>sizeof(VIRTUAL_STORAGE_TYPE).</summary>
    public const int Size = 20;

    /// <summary>Offset of <c>DeviceId</c>.</summary>
    public const int DeviceIdOffset = 0;

    /// <summary>Offset of <c>VendorId</c>.</summary>
    public const int VendorIdOffset = 4;

    /// <summary><c>VIRTUAL_STORAGE_TYPE_DEVICE_VHD</c> or <c>_VHDX</c>.</summary>
    [FieldOffset(DeviceIdOffset)]
    public uint DeviceId;

    /// <summary><c>VIRTUAL_STORAGE_TYPE_VENDOR_MICROSOFT</c>.</summary>
    [FieldOffset(VendorIdOffset)]
    public Guid VendorId;
}
