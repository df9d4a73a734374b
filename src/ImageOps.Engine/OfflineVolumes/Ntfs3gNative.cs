using System;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.OfflineVolumes;

/// <summary>
/// The libntfs-3g entry points ImageOps calls, declared from the library's public headers
/// (<c>include/ntfs-3g/device.h</c>, <c>volume.h</c>, <c>dir.h</c>, <c>inode.h</c>, <c>attrib.h</c>,
/// <c>security.h</c>) for <c>libntfs-3g.so.89</c> (ntfs-3g 2017.3 to 2022.10, Debian 12). Every call
/// sets errno on failure; <c>SetLastError</c> makes the runtime capture it right after the call.
/// </summary>
internal static class Ntfs3gNative
{
    public const string Library = "libntfs-3g.so.89";

    /// <summary>Mount flags (volume.h).</summary>
    public const uint MountReadOnly = 0x00000001;
    public const uint MountRecover = 0x10000000;

    /// <summary>Attribute type codes (layout.h).</summary>
    public const uint AttributeData = 0x80;

    /// <summary>POSIX mode types ntfs_create takes (dir.h: S_IFREG, S_IFDIR).</summary>
    public const int ModeRegularFile = 0x8000;
    public const int ModeDirectory = 0x4000;

    /// <summary>ntfs_inode_update_times mask (inode.h): modification and change times.</summary>
    public const int UpdateMCTime = 0x06;

    /// <summary>MFT_REF's record number is its low 48 bits.</summary>
    public const ulong RecordMask = 0x0000FFFFFFFFFFFFUL;

    /// <summary>
    /// struct ntfs_device (device.h): d_ops, d_state (unsigned long, the ND_* bits), d_name, d_private —
    /// pointer-sized fields in this order on LP64.
    /// </summary>
    public static readonly int DeviceStateOffset = IntPtr.Size;
    public static readonly int DevicePrivateOffset = 3 * IntPtr.Size;

    /// <summary>ntfs_device_state_bits (device.h).</summary>
    public const long DeviceOpen = 1L << 0;
    public const long DeviceReadOnly = 1L << 1;
    public const long DeviceDirty = 1L << 2;

    /// <summary>
    /// struct _ntfs_volume (volume.h) starts with the device pointer and vol_name, then <c>state</c>
    /// (unsigned long) whose bit NV_Compression (6) lets ntfs-3g write compressed data — what the FUSE
    /// driver's <c>compression</c> option sets.
    /// </summary>
    public static readonly int VolumeStateOffset = 2 * IntPtr.Size;
    public const long VolumeCompression = 1L << 6;

    /// <summary>ntfs_device_operations: the ten callbacks in header order.</summary>
    public const int DeviceOperationCount = 10;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int OpenCallback(IntPtr device, int flags);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int CloseCallback(IntPtr device);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate long SeekCallback(IntPtr device, long offset, int whence);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate long ReadCallback(IntPtr device, IntPtr buffer, long count);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate long PreadCallback(IntPtr device, IntPtr buffer, long count, long offset);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int SyncCallback(IntPtr device);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int StatCallback(IntPtr device, IntPtr stat);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int IoctlCallback(IntPtr device, UIntPtr request, IntPtr argument);

    /// <summary>ntfs_filldir_t (dir.h).</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int FillDirCallback(IntPtr dirent, IntPtr name, int nameLength, int nameType, long position, ulong mftReference, uint dtType);

    [DllImport(Library, SetLastError = true)]
    public static extern IntPtr ntfs_device_alloc([MarshalAs(UnmanagedType.LPStr)] string name, long state, IntPtr operations, IntPtr privateData);

    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_device_free(IntPtr device);

    [DllImport(Library, SetLastError = true)]
    public static extern IntPtr ntfs_device_mount(IntPtr device, uint flags);

    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_umount(IntPtr volume, int force);

    [DllImport(Library, SetLastError = true)]
    public static extern IntPtr ntfs_inode_open(IntPtr volume, ulong mftReference);

    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_inode_close(IntPtr inode);

    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_inode_sync(IntPtr inode);

    [DllImport(Library, SetLastError = true)]
    public static extern void ntfs_inode_update_times(IntPtr inode, int mask);

    [DllImport(Library, SetLastError = true)]
    public static extern ulong ntfs_inode_lookup_by_name(IntPtr directory, [MarshalAs(UnmanagedType.LPArray)] ushort[] name, int nameLength);

    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_readdir(IntPtr directory, ref long position, IntPtr dirent, IntPtr fillDir);

    [DllImport(Library, SetLastError = true)]
    public static extern IntPtr ntfs_create(IntPtr directory, uint securityId, [MarshalAs(UnmanagedType.LPArray)] ushort[] name, byte nameLength, int type);

    /// <summary>Always closes <paramref name="inode"/> and <paramref name="directory"/> (dir.c).</summary>
    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_delete(IntPtr volume, IntPtr path, IntPtr inode, IntPtr directory, [MarshalAs(UnmanagedType.LPArray)] ushort[] name, byte nameLength);

    [DllImport(Library, SetLastError = true)]
    public static extern IntPtr ntfs_attr_open(IntPtr inode, uint type, IntPtr name, uint nameLength);

    [DllImport(Library, SetLastError = true)]
    public static extern void ntfs_attr_close(IntPtr attribute);

    [DllImport(Library, SetLastError = true)]
    public static extern long ntfs_attr_pread(IntPtr attribute, long position, long count, IntPtr buffer);

    [DllImport(Library, SetLastError = true)]
    public static extern long ntfs_attr_pwrite(IntPtr attribute, long position, long count, IntPtr buffer);

    /// <summary>Flushes the last compression block of a compressed attribute (attrib.c).</summary>
    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_attr_pclose(IntPtr attribute);

    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_attr_truncate(IntPtr attribute, long newSize);

    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_attr_add(IntPtr inode, uint type, [MarshalAs(UnmanagedType.LPArray)] ushort[] name, byte nameLength, IntPtr value, long size);

    /// <summary>Reads the Windows file attributes (a le32) of an inode (security.c).</summary>
    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_get_ntfs_attrib(IntPtr inode, ref uint value, UIntPtr size);

    /// <summary>Sets the Windows file attributes (a le32); FILE_ATTRIBUTE_COMPRESSED only on directories (security.c).</summary>
    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_set_ntfs_attrib(IntPtr inode, ref uint value, UIntPtr size, int flags);

    /// <summary>Adds or replaces the DOS (8.3) name; always closes both inodes (dir.c).</summary>
    [DllImport(Library, SetLastError = true)]
    public static extern int ntfs_set_ntfs_dos_name(IntPtr inode, IntPtr directory, [MarshalAs(UnmanagedType.LPStr)] string value, UIntPtr size, int flags);

    [DllImport(Library)]
    public static extern uint ntfs_log_set_levels(uint levels);

    [DllImport(Library)]
    public static extern uint ntfs_log_clear_levels(uint levels);
}
