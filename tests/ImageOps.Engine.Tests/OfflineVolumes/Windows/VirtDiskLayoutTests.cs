using System;
using System.Runtime.InteropServices;
using ImageOps.Engine.OfflineVolumes.Windows;
using static ImageOps.Engine.Tests.Platform.CStructLayout;

namespace ImageOps.Engine.Tests.OfflineVolumes.Windows;

/// <summary>
/// The virtdisk.h structures and constants against Microsoft's reference pages. None of these structs
/// holds a pointer, so the layouts below are those of x86 and x64 alike (checked with the C rules for
/// both pointer sizes, and against the marshaller here).
/// </summary>
public class VirtDiskLayoutTests
{
    [Fact]
    public void VIRTUAL_STORAGE_TYPE_is_a_ULONG_and_a_GUID_in_20_bytes()
    {
        var (offsets, size) = Compute(new[] { Dword("DeviceId"), Guid("VendorId") }, pack: 8);
        Assert.Equal(20, size);
        Assert.Equal(20, Marshal.SizeOf<VirtualStorageType>());
        Assert.Equal(offsets["DeviceId"], (int)Marshal.OffsetOf<VirtualStorageType>(nameof(VirtualStorageType.DeviceId)));
        Assert.Equal(offsets["VendorId"], (int)Marshal.OffsetOf<VirtualStorageType>(nameof(VirtualStorageType.VendorId)));
    }

    [Fact]
    public void OPEN_VIRTUAL_DISK_PARAMETERS_has_the_union_at_4_and_BOOLs_of_4_bytes()
    {
        // Version, then the union: Version3 { BOOL GetInfoOnly; BOOL ReadOnly; GUID ResiliencyGuid; GUID SnapshotId } is the largest member.
        var (offsets, size) = Compute(new[] { Dword("Version"), Dword("GetInfoOnly"), Dword("ReadOnly"), Guid("ResiliencyGuid"), Guid("SnapshotId") }, pack: 8);
        Assert.Equal(44, size);
        Assert.Equal(size, Marshal.SizeOf<OpenVirtualDiskParameters>());
        Assert.Equal(0, (int)Marshal.OffsetOf<OpenVirtualDiskParameters>(nameof(OpenVirtualDiskParameters.Version)));
        Assert.Equal(4, (int)Marshal.OffsetOf<OpenVirtualDiskParameters>(nameof(OpenVirtualDiskParameters.RWDepth)));
        foreach (var field in new[] { "GetInfoOnly", "ReadOnly", "ResiliencyGuid", "SnapshotId" })
        {
            Assert.Equal(offsets[field], (int)Marshal.OffsetOf<OpenVirtualDiskParameters>(field));
        }

        // A BOOL is 4 bytes: Go's `bool` in go-winio's OpenVersion2 would put ReadOnly at 5.
        Assert.Equal(8, OpenVirtualDiskParameters.ReadOnlyOffset);
    }

    [Fact]
    public void ATTACH_VIRTUAL_DISK_PARAMETERS_aligns_its_union_to_8_for_the_ULONGLONG_members()
    {
        var (offsets, size) = Compute(new[] { Dword("Version"), Int64("RestrictedOffset"), Int64("RestrictedLength") }, pack: 8);
        Assert.Equal(24, size);
        Assert.Equal(size, Marshal.SizeOf<AttachVirtualDiskParameters>());
        Assert.Equal(4, (int)Marshal.OffsetOf<AttachVirtualDiskParameters>(nameof(AttachVirtualDiskParameters.Reserved)));
        Assert.Equal(offsets["RestrictedOffset"], (int)Marshal.OffsetOf<AttachVirtualDiskParameters>(nameof(AttachVirtualDiskParameters.RestrictedOffset)));
        Assert.Equal(offsets["RestrictedLength"], (int)Marshal.OffsetOf<AttachVirtualDiskParameters>(nameof(AttachVirtualDiskParameters.RestrictedLength)));
    }

    [Fact]
    public void Constants_are_those_of_the_reference_pages()
    {
        Assert.Equal(2u, VirtDiskNative.DeviceVhd);
        Assert.Equal(3u, VirtDiskNative.DeviceVhdx);
        Assert.Equal(new Guid(0xEC984AEC, 0xA0F9, 0x47E9, 0x90, 0x1F, 0x71, 0x41, 0x5A, 0x66, 0x34, 0x5B), VirtDiskNative.VendorMicrosoft);
        Assert.Equal(0x00010000u, VirtDiskNative.AccessAttachReadOnly);
        Assert.Equal(0x00020000u, VirtDiskNative.AccessAttachReadWrite);
        Assert.Equal(0x00040000u, VirtDiskNative.AccessDetach);
        Assert.Equal(0x00080000u, VirtDiskNative.AccessGetInfo);
        Assert.Equal(1u, VirtDiskNative.AttachFlagReadOnly);
        Assert.Equal(2u, VirtDiskNative.AttachFlagNoDriveLetter);
        Assert.Equal(4u, VirtDiskNative.AttachFlagPermanentLifetime);
    }

    [Fact]
    public void An_attach_never_asks_for_a_permanent_lifetime_and_never_assigns_drive_letters()
    {
        Assert.Equal(0x2u, NativeVirtualDisk.AttachFlags(readOnly: false));
        Assert.Equal(0x3u, NativeVirtualDisk.AttachFlags(readOnly: true));
        Assert.Equal(0u, NativeVirtualDisk.AttachFlags(true) & VirtDiskNative.AttachFlagPermanentLifetime);
    }

    [Fact]
    public void Open_parameters_are_version_2_with_no_access_mask_and_read_only_backing_when_asked()
    {
        Assert.Equal(0u, NativeVirtualDisk.AttachAccessMask);
        var readOnly = NativeVirtualDisk.OpenParameters(readOnly: true);
        Assert.Equal(2u, readOnly.Version);
        Assert.Equal(0, readOnly.GetInfoOnly);
        Assert.Equal(1, readOnly.ReadOnly);
        Assert.Equal(0, NativeVirtualDisk.OpenParameters(readOnly: false).ReadOnly);

        var detach = NativeVirtualDisk.DetachOpenParameters();
        Assert.Equal(1u, detach.Version);
        Assert.Equal(0u, detach.RWDepth);
        Assert.Equal(0x000C0000u, NativeVirtualDisk.DetachAccessMask);

        var type = NativeVirtualDisk.StorageType(VirtDiskNative.DeviceVhdx);
        Assert.Equal(3u, type.DeviceId);
        Assert.Equal(VirtDiskNative.VendorMicrosoft, type.VendorId);
    }

    [Fact]
    public void IOCTL_codes_are_the_CTL_CODE_of_their_winioctl_definitions()
    {
        // IOCTL_VOLUME_BASE is 'V'; IOCTL_STORAGE_BASE is FILE_DEVICE_MASS_STORAGE (0x2D); IOCTL_DISK_BASE is FILE_DEVICE_DISK (7).
        Assert.Equal(Kernel32Storage.IoctlVolumeGetVolumeDiskExtents, Kernel32Storage.CtlCode('V', 0, 0, 0));
        Assert.Equal(Kernel32Storage.IoctlStorageGetDeviceNumber, Kernel32Storage.CtlCode(0x2D, 0x0420, 0, 0));
        Assert.Equal(Kernel32Storage.IoctlDiskGetDriveLayoutEx, Kernel32Storage.CtlCode(7, 0x0014, 0, 0));
        Assert.Equal(0x00560000u, Kernel32Storage.IoctlVolumeGetVolumeDiskExtents);
        Assert.Equal(0x002D1080u, Kernel32Storage.IoctlStorageGetDeviceNumber);
        Assert.Equal(0x00070050u, Kernel32Storage.IoctlDiskGetDriveLayoutEx);
    }
}
