using System;
using System.Runtime.InteropServices;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.OfflineVolumes;

/// <summary>
/// The block device libntfs-3g reads and writes: a custom <c>struct ntfs_device_operations</c> whose
/// callbacks go to a window (the partition) of an ImageOps <see cref="VirtualDisk"/>, so every disk
/// format and differencing chain works with no mount, loop device or root. Writes go through
/// <see cref="VirtualDisk.Write"/>, i.e. into the top (writable) layer of a chain.
/// </summary>
/// <remarks>
/// The callbacks are static delegates in static fields and the operations table is allocated once for
/// the process, so the garbage collector can never free what the native side still points at. Each
/// device finds its managed object through <c>d_private</c>, a <see cref="GCHandle"/>. No managed
/// exception crosses into native code: callbacks catch everything, keep it in <see cref="Failure"/>
/// (so the caller can report the real cause), set errno and return -1.
/// </remarks>
internal sealed class Ntfs3gDevice : IDisposable
{
    private const int EIO = 5;
    private const int EBADF = 9;
    private const int EINVAL = 22;
    private const int ENOSPC = 28;
    private const int EROFS = 30;
    private const int ENOTTY = 25;
    private const int OAccessMode = 3;
    private const int ORdOnly = 0;

    // ioctl requests ntfs-3g issues to size a device (linux/fs.h).
    private const ulong BlkGetSize64 = 0x80081272;
    private const ulong BlkSszGet = 0x1268;
    private const ulong BlkGetSize = 0x1260;

    // struct stat on Linux: x86_64 has st_mode (u32) at 24, st_size at 48, st_blksize (i64) at 56 in 144
    // bytes; the generic layout arm64 uses has st_mode at 16, st_size at 48, st_blksize (i32) at 56 in 128.
    private const int StatSizeOffset = 48;
    private const int StatBlockSizeOffset = 56;
    private const int RegularFileMode = 0x8000 | 0x180;
    private static readonly int StatModeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
    private static readonly int StatSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 144 : 128;

    private static readonly Ntfs3gNative.OpenCallback OpenDelegate = Open;
    private static readonly Ntfs3gNative.CloseCallback CloseDelegate = Close;
    private static readonly Ntfs3gNative.SeekCallback SeekDelegate = Seek;
    private static readonly Ntfs3gNative.ReadCallback ReadDelegate = Read;
    private static readonly Ntfs3gNative.ReadCallback WriteDelegate = Write;
    private static readonly Ntfs3gNative.PreadCallback PreadDelegate = Pread;
    private static readonly Ntfs3gNative.PreadCallback PwriteDelegate = Pwrite;
    private static readonly Ntfs3gNative.SyncCallback SyncDelegate = Sync;
    private static readonly Ntfs3gNative.StatCallback StatDelegate = Stat;
    private static readonly Ntfs3gNative.IoctlCallback IoctlDelegate = Ioctl;
    private static readonly Lazy<IntPtr> OperationsTable = new(BuildOperations);

    private readonly VirtualDisk _disk;
    private readonly long _start;
    private GCHandle _self;
    private long _position;

    public Ntfs3gDevice(VirtualDisk disk, long start, long length, bool writable)
    {
        _disk = disk;
        _start = start;
        Length = length;
        Writable = writable && disk.CanWrite;
        _self = GCHandle.Alloc(this);
    }

    public long Length { get; }

    public bool Writable { get; }

    /// <summary>The first managed exception a callback caught since the last <see cref="TakeFailure"/>.</summary>
    public Exception? Failure { get; private set; }

    public static IntPtr Operations => OperationsTable.Value;

    public IntPtr Handle => GCHandle.ToIntPtr(_self);

    public Exception? TakeFailure()
    {
        var failure = Failure;
        Failure = null;
        return failure;
    }

    /// <summary>Flushes the disk (managed side, outside any callback); failures propagate to the caller.</summary>
    public void FlushDisk()
    {
        if (Writable)
        {
            _disk.Flush();
        }
    }

    public void Dispose()
    {
        if (_self.IsAllocated)
        {
            _self.Free();
        }
    }

    private static IntPtr BuildOperations()
    {
        var table = Marshal.AllocHGlobal(Ntfs3gNative.DeviceOperationCount * IntPtr.Size);
        Delegate[] callbacks = { OpenDelegate, CloseDelegate, SeekDelegate, ReadDelegate, WriteDelegate, PreadDelegate, PwriteDelegate, SyncDelegate, StatDelegate, IoctlDelegate };
        for (var i = 0; i < callbacks.Length; i++)
        {
            Marshal.WriteIntPtr(table, i * IntPtr.Size, Marshal.GetFunctionPointerForDelegate(callbacks[i]));
        }

        return table;
    }

    private static Ntfs3gDevice? From(IntPtr device)
    {
        var handle = Marshal.ReadIntPtr(device, Ntfs3gNative.DevicePrivateOffset);
        return handle == IntPtr.Zero ? null : GCHandle.FromIntPtr(handle).Target as Ntfs3gDevice;
    }

    private static void SetState(IntPtr device, long set, long clear)
    {
        var state = Marshal.ReadInt64(device, Ntfs3gNative.DeviceStateOffset);
        Marshal.WriteInt64(device, Ntfs3gNative.DeviceStateOffset, (state | set) & ~clear);
    }

    private static long Fail(Ntfs3gDevice? self, Exception? ex, int errno)
    {
        if (self is not null && ex is not null && self.Failure is null)
        {
            self.Failure = ex;
        }

        Ntfs3gLibrary.SetErrno(errno);
        return -1;
    }

    private static int Open(IntPtr device, int flags)
    {
        try
        {
            var self = From(device);
            if (self is null)
            {
                return (int)Fail(null, null, EBADF);
            }

            var readOnly = (flags & OAccessMode) == ORdOnly;
            if (!readOnly && !self.Writable)
            {
                return (int)Fail(self, null, EROFS);
            }

            SetState(device, Ntfs3gNative.DeviceOpen | (readOnly ? Ntfs3gNative.DeviceReadOnly : 0), readOnly ? 0 : Ntfs3gNative.DeviceReadOnly);
            self._position = 0;
            return 0;
        }
        catch (Exception ex)
        {
            return (int)Fail(null, ex, EIO);
        }
    }

    private static int Close(IntPtr device)
    {
        Ntfs3gDevice? self = null;
        try
        {
            self = From(device);
            if (self is not null && self.Writable)
            {
                self._disk.Flush();
            }

            SetState(device, 0, Ntfs3gNative.DeviceOpen | Ntfs3gNative.DeviceDirty);
            return 0;
        }
        catch (Exception ex)
        {
            // The device is closed either way: a failed flush is reported, not retried.
            SetState(device, 0, Ntfs3gNative.DeviceOpen);
            return (int)Fail(self, ex, EIO);
        }
    }

    private static long Seek(IntPtr device, long offset, int whence)
    {
        var self = From(device);
        if (self is null)
        {
            return Fail(null, null, EBADF);
        }

        var target = whence switch
        {
            0 => offset,
            1 => self._position + offset,
            2 => self.Length + offset,
            _ => -1,
        };
        if (target < 0)
        {
            return Fail(self, null, EINVAL);
        }

        self._position = target;
        return target;
    }

    private static long Read(IntPtr device, IntPtr buffer, long count)
    {
        var self = From(device);
        if (self is null)
        {
            return Fail(null, null, EBADF);
        }

        var n = Pread(device, buffer, count, self._position);
        if (n > 0)
        {
            self._position += n;
        }

        return n;
    }

    private static long Write(IntPtr device, IntPtr buffer, long count)
    {
        var self = From(device);
        if (self is null)
        {
            return Fail(null, null, EBADF);
        }

        var n = Pwrite(device, buffer, count, self._position);
        if (n > 0)
        {
            self._position += n;
        }

        return n;
    }

    private static unsafe long Pread(IntPtr device, IntPtr buffer, long count, long offset)
    {
        Ntfs3gDevice? self = null;
        try
        {
            self = From(device);
            if (self is null)
            {
                return Fail(null, null, EBADF);
            }

            if (count < 0 || offset < 0)
            {
                return Fail(self, null, EINVAL);
            }

            if (offset >= self.Length || count == 0)
            {
                return 0;
            }

            var total = Math.Min(count, self.Length - offset);
            for (long done = 0; done < total;)
            {
                var n = (int)Math.Min(total - done, 1 << 30);
                self._disk.Read(self._start + offset + done, new Span<byte>((byte*)buffer + done, n));
                done += n;
            }

            return total;
        }
        catch (Exception ex)
        {
            return Fail(self, ex, EIO);
        }
    }

    private static unsafe long Pwrite(IntPtr device, IntPtr buffer, long count, long offset)
    {
        Ntfs3gDevice? self = null;
        try
        {
            self = From(device);
            if (self is null)
            {
                return Fail(null, null, EBADF);
            }

            if (!self.Writable)
            {
                return Fail(self, null, EROFS);
            }

            if (count < 0 || offset < 0)
            {
                return Fail(self, null, EINVAL);
            }

            if (count == 0)
            {
                return 0;
            }

            if (offset >= self.Length)
            {
                return Fail(self, null, ENOSPC);
            }

            var total = Math.Min(count, self.Length - offset);
            for (long done = 0; done < total;)
            {
                var n = (int)Math.Min(total - done, 1 << 30);
                self._disk.Write(self._start + offset + done, new ReadOnlySpan<byte>((byte*)buffer + done, n));
                done += n;
            }

            SetState(device, Ntfs3gNative.DeviceDirty, 0);
            return total;
        }
        catch (Exception ex)
        {
            return Fail(self, ex, EIO);
        }
    }

    private static int Sync(IntPtr device)
    {
        Ntfs3gDevice? self = null;
        try
        {
            self = From(device);
            if (self is not null && self.Writable)
            {
                self._disk.Flush();
            }

            SetState(device, 0, Ntfs3gNative.DeviceDirty);
            return 0;
        }
        catch (Exception ex)
        {
            return (int)Fail(self, ex, EIO);
        }
    }

    private static int Stat(IntPtr device, IntPtr stat)
    {
        try
        {
            var self = From(device);
            if (self is null)
            {
                return (int)Fail(null, null, EBADF);
            }

            for (var i = 0; i < StatSize; i += 8)
            {
                Marshal.WriteInt64(stat, i, 0);
            }

            Marshal.WriteInt32(stat, StatModeOffset, RegularFileMode);
            Marshal.WriteInt64(stat, StatSizeOffset, self.Length);
            Marshal.WriteInt32(stat, StatBlockSizeOffset, 4096);
            return 0;
        }
        catch (Exception ex)
        {
            return (int)Fail(null, ex, EIO);
        }
    }

    private static int Ioctl(IntPtr device, UIntPtr request, IntPtr argument)
    {
        try
        {
            var self = From(device);
            if (self is null)
            {
                return (int)Fail(null, null, EBADF);
            }

            switch ((ulong)request)
            {
                case BlkGetSize64:
                    Marshal.WriteInt64(argument, self.Length);
                    return 0;
                case BlkGetSize:
                    Marshal.WriteIntPtr(argument, new IntPtr(self.Length / 512));
                    return 0;
                case BlkSszGet:
                    Marshal.WriteInt32(argument, self._disk.LogicalSectorSize);
                    return 0;
                default:
                    return (int)Fail(self, null, ENOTTY);
            }
        }
        catch (Exception ex)
        {
            return (int)Fail(null, ex, EIO);
        }
    }
}
