using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;

namespace ImageOps.Engine.OfflineVolumes;

/// <summary>
/// An NTFS volume inside any ImageOps virtual disk, written through libntfs-3g (P/Invoke to
/// <c>libntfs-3g.so.89</c>) with ImageOps' own device callbacks: no mount, no loop device, no root, and
/// every disk format and differencing chain (writes land in the disk's top layer).
/// </summary>
/// <remarks>
/// libntfs-3g is not thread-safe: every member of every instance takes one process-wide lock. Native failures become
/// <see cref="NativeOperationException"/> with the function and errno; a failure of the disk under the
/// device (a managed exception caught in a callback) is reported with that exception as the cause.
/// Disposing unmounts (syncing the volume) but leaves the disk open: it is the caller's.
/// </remarks>
public sealed class Ntfs3gVolume : IOfflineVolume
{
    private const ulong RootRecord = 5;
    private const ulong FirstUserRecord = 16;
    private const int ENOENT = 2;
    private const int EPERM = 1;
    private const int EEXIST = 17;
    private const int ChunkSize = 1 << 20;
    private const FileAttributes Settable = FileAttributes.ReadOnly | FileAttributes.Hidden | FileAttributes.System | FileAttributes.Archive | FileAttributes.NotContentIndexed | FileAttributes.Compressed | FileAttributes.Normal;

    private static readonly Ntfs3gNative.FillDirCallback FillDirDelegate = FillDir;
    private static readonly Lazy<IntPtr> FillDirPointer = new(() => Marshal.GetFunctionPointerForDelegate(FillDirDelegate));

    // libntfs-3g keeps process-wide state (logging, caches, errno use), so all volumes share one lock.
    private static readonly object NativeGate = new();
    private readonly object _gate = NativeGate;
    private readonly Ntfs3gDevice _device;
    private readonly bool _caseSensitive;

    // Names per directory record, built once per mount from ntfs_readdir and kept current as this
    // instance creates and deletes (nothing else writes the volume while it is mounted): lookups and the
    // check for a case variant before creating stay O(1) in directories of thousands of files.
    private readonly Dictionary<ulong, Dictionary<string, List<DirectoryEntry>>> _directories = new();
    private IntPtr _volume;

    private Ntfs3gVolume(Ntfs3gDevice device, IntPtr volume, string description, bool canWrite, bool caseSensitive)
    {
        _device = device;
        _volume = volume;
        Description = description;
        CanWrite = canWrite;
        _caseSensitive = caseSensitive;
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public bool CanWrite { get; }

    /// <summary>Mounts the NTFS volume in <paramref name="partition"/> of <paramref name="disk"/> (which stays the caller's).</summary>
    public static Ntfs3gVolume Open(VirtualDisk disk, Partition partition, Ntfs3gOpenOptions? options = null)
        => Open(disk, partition.Offset, partition.Length, options);

    /// <summary>Mounts the NTFS volume of <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="disk"/>.</summary>
    public static Ntfs3gVolume Open(VirtualDisk disk, long offset, long length, Ntfs3gOpenOptions? options = null)
    {
        if (disk is null)
        {
            throw new ArgumentNullException(nameof(disk));
        }

        if (offset < 0 || length <= 0 || offset > disk.Capacity - length)
        {
            throw new InvalidRequestException("InvalidArgument", $"The volume [{offset}, {offset}+{length}) is not inside the disk '{disk.Path}' of {disk.Capacity} bytes.", disk.Path);
        }

        options ??= new Ntfs3gOpenOptions();
        Ntfs3gLibrary.EnsureAvailable();
        lock (NativeGate)
        {
            return Mount(disk, offset, length, options);
        }
    }

    private static Ntfs3gVolume Mount(VirtualDisk disk, long offset, long length, Ntfs3gOpenOptions options)
    {
        var readOnly = options.ReadOnly || !disk.CanWrite;
        var description = string.Format(CultureInfo.InvariantCulture, "NTFS volume at offset {0} of '{1}'", offset, disk.Path);
        var device = new Ntfs3gDevice(disk, offset, length, !readOnly);
        var native = Ntfs3gNative.ntfs_device_alloc(description, 0, Ntfs3gDevice.Operations, device.Handle);
        if (native == IntPtr.Zero)
        {
            var code = Marshal.GetLastWin32Error();
            device.Dispose();
            throw new NativeOperationException("ntfs_device_alloc", code, "could not allocate the device", disk.Path);
        }

        var flags = (readOnly ? Ntfs3gNative.MountReadOnly : 0) | (options.RecoverUncleanVolume ? Ntfs3gNative.MountRecover : 0);
        var volume = Ntfs3gNative.ntfs_device_mount(native, flags);
        if (volume == IntPtr.Zero)
        {
            var code = Marshal.GetLastWin32Error();
            var cause = device.TakeFailure();
            Ntfs3gNative.ntfs_device_free(native);
            device.Dispose();
            if (cause is not null)
            {
                throw DeviceFailure("ntfs_device_mount", description, cause);
            }

            if (code == EPERM && !readOnly)
            {
                throw new InvalidStateException(OfflineVolumeErrorIds.NtfsVolumeUnclean, $"The {description} was not shut down cleanly (hibernated, Fast Startup or a crash); ntfs-3g refuses to write it. Shut Windows down fully, or open with RecoverUncleanVolume to discard its journal.", disk.Path);
            }

            throw new NativeOperationException("ntfs_device_mount", code, $"libntfs-3g could not mount the {description} (not NTFS, damaged, or unsupported)", disk.Path, OfflineVolumeErrorIds.NtfsMountFailed);
        }

        if (options.AllowCompression && !readOnly)
        {
            var state = Marshal.ReadInt64(volume, Ntfs3gNative.VolumeStateOffset);
            Marshal.WriteInt64(volume, Ntfs3gNative.VolumeStateOffset, state | Ntfs3gNative.VolumeCompression);
        }

        return new Ntfs3gVolume(device, volume, description, !readOnly, options.CaseSensitive);
    }

    /// <inheritdoc />
    public OfflineEntryKind GetEntryKind(string path)
    {
        lock (_gate)
        {
            var inode = TryOpen(OfflinePath.Split(path), out var isDirectory);
            if (inode == IntPtr.Zero)
            {
                return OfflineEntryKind.None;
            }

            Close(inode);
            return isDirectory ? OfflineEntryKind.Directory : OfflineEntryKind.File;
        }
    }

    /// <inheritdoc />
    public void CreateDirectory(string path)
    {
        lock (_gate)
        {
            EnsureWritable();
            Close(OpenDirectory(OfflinePath.Split(path), create: true, path));
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListDirectory(string path)
    {
        lock (_gate)
        {
            var names = OfflinePath.Split(path);
            var directory = OpenDirectory(names, create: false, path);
            try
            {
                var result = new List<string>();
                foreach (var entry in ReadDirectory(directory))
                {
                    if (names.Count == 0 && (entry.Reference & Ntfs3gNative.RecordMask) < FirstUserRecord)
                    {
                        continue;
                    }

                    result.Add(entry.Name);
                }

                return result;
            }
            finally
            {
                Close(directory);
            }
        }
    }

    /// <inheritdoc />
    public void WriteFile(string path, Stream content) => WriteStream(path, null, content, sparse: false);

    /// <summary>
    /// Creates or replaces the file at <paramref name="path"/>, leaving holes (sparse runs) for every
    /// cluster-aligned 64 KiB block of zeros in <paramref name="content"/>, including at the end.
    /// </summary>
    public void WriteSparseFile(string path, Stream content) => WriteStream(path, null, content, sparse: true);

    /// <summary>Creates or replaces the named (alternate) data stream <paramref name="streamName"/> of an existing file.</summary>
    public void WriteNamedStream(string path, string streamName, Stream content)
    {
        if (string.IsNullOrEmpty(streamName) || streamName.IndexOfAny(new[] { '\\', '/', ':', '\0' }) >= 0 || streamName.Length > OfflinePath.MaxNameLength)
        {
            throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathInvalid, $"'{streamName}' is not a valid stream name.", path);
        }

        WriteStream(path, streamName, content, sparse: false);
    }

    /// <inheritdoc />
    public byte[] ReadAllBytes(string path)
    {
        lock (_gate)
        {
            var inode = OpenFile(path);
            try
            {
                var attribute = Ntfs3gNative.ntfs_attr_open(inode, Ntfs3gNative.AttributeData, Ntfs3gLibrary.Unnamed, 0);
                if (attribute == IntPtr.Zero)
                {
                    throw Native("ntfs_attr_open", path);
                }

                try
                {
                    var size = Marshal.ReadInt64(attribute, DataSizeOffset);
                    if (size > int.MaxValue - 64)
                    {
                        throw new ImageOpsException(OfflineVolumeErrorIds.OfflineFileTooLarge, ErrorKind.LimitsExceeded, $"'{path}' holds {size} bytes, too many to read into memory.", path);
                    }

                    var bytes = new byte[size];
                    var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
                    try
                    {
                        for (long done = 0; done < size;)
                        {
                            var n = Ntfs3gNative.ntfs_attr_pread(attribute, done, Math.Min(ChunkSize, size - done), handle.AddrOfPinnedObject() + (int)done);
                            if (n <= 0)
                            {
                                throw Native("ntfs_attr_pread", path);
                            }

                            done += n;
                        }
                    }
                    finally
                    {
                        handle.Free();
                    }

                    return bytes;
                }
                finally
                {
                    Ntfs3gNative.ntfs_attr_close(attribute);
                }
            }
            finally
            {
                Close(inode);
            }
        }
    }

    /// <inheritdoc />
    public void DeleteFile(string path) => Delete(path, directory: false);

    /// <inheritdoc />
    public void DeleteDirectory(string path) => Delete(path, directory: true);

    private void Delete(string path, bool directory)
    {
        lock (_gate)
        {
            EnsureWritable();
            var names = OfflinePath.Split(path);
            if (names.Count == 0)
            {
                throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathInvalid, "The root cannot be deleted.", path);
            }

            var (parent, found, inode) = OpenEntry(names, path);

            if (IsDirectoryInode(inode) != directory)
            {
                Close(inode);
                Close(parent);
                throw directory
                    ? new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathNotDirectory, $"'{path}' is a file; DeleteDirectory deletes directories.", path)
                    : new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathIsDirectory, $"'{path}' is a directory; DeleteFile deletes files.", path);
            }

            if (directory)
            {
                var record = (ulong)Marshal.ReadInt64(inode, InodeRecordOffset);
                if (ReadDirectory(inode).Count > 0)
                {
                    Close(inode);
                    Close(parent);
                    throw new InvalidStateException(OfflineVolumeErrorIds.OfflineDirectoryNotEmpty, $"'{path}' is not empty.", path);
                }

                _directories.Remove(record);
            }

            // ntfs_delete closes both inodes whatever happens; the DOS alias goes with the long name.
            var list = Names(parent)[found.Name];
            list.RemoveAll(e => string.Equals(e.Name, found.Name, StringComparison.Ordinal));
            var name = Ntfs(found.Name);
            if (Ntfs3gNative.ntfs_delete(_volume, IntPtr.Zero, inode, parent, name, (byte)name.Length) != 0)
            {
                _directories.Clear();
                throw Native("ntfs_delete", path);
            }
        }
    }

    /// <summary>
    /// Opens the entry at <paramref name="names"/> and its parent directory (the caller closes both, or
    /// hands both to a libntfs-3g call that does); on failure nothing stays open.
    /// </summary>
    private (IntPtr Parent, DirectoryEntry Found, IntPtr Inode) OpenEntry(IReadOnlyList<string> names, string path)
    {
        var parent = OpenDirectory(Parent(names), create: false, path);
        var found = Lookup(parent, names[names.Count - 1]);
        if (found is null)
        {
            Close(parent);
            throw NotFound(path);
        }

        var inode = Ntfs3gNative.ntfs_inode_open(_volume, found.Value.Reference);
        if (inode == IntPtr.Zero)
        {
            var error = Native("ntfs_inode_open", path);
            Close(parent);
            throw error;
        }

        return (parent, found.Value, inode);
    }

    /// <inheritdoc />
    public FileAttributes GetAttributes(string path)
    {
        lock (_gate)
        {
            var inode = TryOpen(OfflinePath.Split(path), out var isDirectory);
            if (inode == IntPtr.Zero)
            {
                throw NotFound(path);
            }

            try
            {
                uint value = 0;
                if (Ntfs3gNative.ntfs_get_ntfs_attrib(inode, ref value, (UIntPtr)4) < 0)
                {
                    throw Native("ntfs_get_ntfs_attrib", path);
                }

                // NTFS flags directories with 0x10000000 (its index flag); Windows reports Directory.
                var attributes = (FileAttributes)(value & 0x0FFFFFFF);
                return isDirectory ? attributes | FileAttributes.Directory : attributes;
            }
            finally
            {
                Close(inode);
            }
        }
    }

    /// <inheritdoc />
    public void SetAttributes(string path, FileAttributes attributes)
    {
        lock (_gate)
        {
            EnsureWritable();
            var inode = TryOpen(OfflinePath.Split(path), out var isDirectory);
            if (inode == IntPtr.Zero)
            {
                throw NotFound(path);
            }

            try
            {
                var requested = attributes & ~FileAttributes.Directory;
                if ((requested & ~Settable) != 0 || (!isDirectory && (requested & FileAttributes.Compressed) != 0))
                {
                    throw new UnsupportedFeatureException("NTFS attributes", $"Only ReadOnly, Hidden, System, Archive and NotContentIndexed can be set on files (Compressed on directories, where new files inherit it); '{attributes}' was asked for '{path}'.", path, OfflineVolumeErrorIds.OfflineAttributesNotSupported);
                }

                var value = (uint)(requested & ~FileAttributes.Normal);
                if (Ntfs3gNative.ntfs_set_ntfs_attrib(inode, ref value, (UIntPtr)4, 0) != 0)
                {
                    throw Native("ntfs_set_ntfs_attrib", path);
                }
            }
            finally
            {
                Close(inode);
            }
        }
    }

    /// <summary>
    /// Gives the file or directory at <paramref name="path"/> the 8.3 alias <paramref name="shortName"/>
    /// (ntfs-3g's <c>system.ntfs_dos_name</c>): its long name moves to the Win32 namespace, as on Windows.
    /// </summary>
    public void SetShortName(string path, string shortName)
    {
        lock (_gate)
        {
            EnsureWritable();
            var names = OfflinePath.Split(path);
            if (names.Count == 0 || string.IsNullOrEmpty(shortName) || shortName.Length > 12)
            {
                throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathInvalid, $"'{shortName}' cannot be the short name of '{path}'.", path);
            }

            var (parent, found, inode) = OpenEntry(names, path);

            // Closes both inodes itself; returns -errno or -1.
            var result = Ntfs3gNative.ntfs_set_ntfs_dos_name(inode, parent, shortName, (UIntPtr)shortName.Length, 0);
            if (result != 0)
            {
                var code = result < -1 ? -result : Marshal.GetLastWin32Error();
                throw new NativeOperationException("ntfs_set_ntfs_dos_name", code, $"could not give '{path}' the short name '{shortName}'", path);
            }
        }
    }

    /// <inheritdoc />
    public void Flush()
    {
        lock (_gate)
        {
            ThrowIfDisposed();

            // Every member closes the inodes and attributes it opened, and libntfs-3g writes them through
            // to the device when they close; what remains is the disk's own flush (qcow2/VHDX metadata,
            // the image file's data).
            _device.FlushDisk();
            ThrowDeviceFailure("flush");
        }
    }

    /// <summary>Unmounts: ntfs-3g syncs its caches, clears the journal and closes the device.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_volume == IntPtr.Zero)
            {
                return;
            }

            var volume = _volume;
            _volume = IntPtr.Zero;
            var result = Ntfs3gNative.ntfs_umount(volume, 0);
            var code = Marshal.GetLastWin32Error();
            var failure = _device.TakeFailure();
            _device.Dispose();
            if (failure is not null)
            {
                throw DeviceFailure("ntfs_umount", Description, failure);
            }

            if (result != 0)
            {
                throw new NativeOperationException("ntfs_umount", code, $"unmounting the {Description} failed; the volume may need chkdsk", Description);
            }
        }
    }

    // struct _ntfs_attr (attrib.h) on LP64: rl @0, ni @8, type (u32) @16, data_flags (le16) @20, name @24,
    // name_len (u32) @32, state (unsigned long) @40, allocated_size @48, data_size @56.
    private const int DataSizeOffset = 56;

    // struct _ntfs_inode (inode.h) starts with the u64 mft_no.
    private const int InodeRecordOffset = 0;

    private static ImageOpsException DeviceFailure(string function, string description, Exception cause)
        => cause is ImageOpsException typed
            ? new ImageOpsException(typed.ErrorId, typed.Kind, $"{function} on the {description} failed because the disk failed: {typed.Message}", description, typed)
            : new ImageOpsException(OfflineVolumeErrorIds.NtfsDeviceFailed, ErrorKind.WriteError, $"{function} on the {description} failed because the disk failed: {cause.Message}", description, cause);

    private static ushort[] Ntfs(string name)
    {
        var units = new ushort[name.Length];
        for (var i = 0; i < name.Length; i++)
        {
            units[i] = name[i];
        }

        return units;
    }

    private static IReadOnlyList<string> Parent(IReadOnlyList<string> names)
    {
        var parent = new List<string>(names);
        parent.RemoveAt(parent.Count - 1);
        return parent;
    }

    private static ImageOpsException NotFound(string path)
        => new ObjectNotFoundException(OfflineVolumeErrorIds.OfflinePathNotFound, $"'{path}' does not exist in the offline volume.", path);

    private static int FillDir(IntPtr dirent, IntPtr name, int nameLength, int nameType, long position, ulong mftReference, uint dtType)
    {
        try
        {
            if (GCHandle.FromIntPtr(dirent).Target is not List<DirectoryEntry> list)
            {
                return -1;
            }

            var chars = new char[nameLength];
            for (var i = 0; i < nameLength; i++)
            {
                chars[i] = (char)Marshal.ReadInt16(name, 2 * i);
            }

            // DOS-only names are aliases of a long name that is listed too (FILE_NAME_DOS = 2).
            var text = new string(chars);
            if (nameType != 2 && text != "." && text != "..")
            {
                list.Add(new DirectoryEntry(text, mftReference, dtType == 4));
            }

            return 0;
        }
        catch (Exception)
        {
            return -1;
        }
    }

    private void WriteStream(string path, string? streamName, Stream content, bool sparse)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        lock (_gate)
        {
            EnsureWritable();
            var names = OfflinePath.Split(path);
            if (names.Count == 0)
            {
                throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathInvalid, "The root is a directory, not a file.", path);
            }

            var parent = OpenDirectory(Parent(names), create: streamName is null, path);
            IntPtr inode;
            var replacing = false;
            try
            {
                var leaf = names[names.Count - 1];
                var found = Lookup(parent, leaf);
                if (found is { } existing)
                {
                    if (existing.IsDirectory)
                    {
                        throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathIsDirectory, $"'{path}' is a directory.", path);
                    }

                    inode = Ntfs3gNative.ntfs_inode_open(_volume, existing.Reference);
                    if (inode == IntPtr.Zero)
                    {
                        throw Native("ntfs_inode_open", path);
                    }

                    replacing = true;
                }
                else if (streamName is not null)
                {
                    throw NotFound(path);
                }
                else
                {
                    var name = Ntfs(leaf);
                    inode = Ntfs3gNative.ntfs_create(parent, 0, name, (byte)name.Length, Ntfs3gNative.ModeRegularFile);
                    if (inode == IntPtr.Zero)
                    {
                        throw Native("ntfs_create", path);
                    }

                    Created(parent, leaf, inode, isDirectory: false);
                }
            }
            finally
            {
                Close(parent);
            }

            try
            {
                WriteData(inode, path, streamName, content, sparse, replacing);
                Ntfs3gNative.ntfs_inode_update_times(inode, Ntfs3gNative.UpdateMCTime);
            }
            finally
            {
                Close(inode);
            }

            ThrowDeviceFailure("write");
        }
    }

    private void WriteData(IntPtr inode, string path, string? streamName, Stream content, bool sparse, bool replacing)
    {
        IntPtr attribute;
        if (streamName is null)
        {
            attribute = Ntfs3gNative.ntfs_attr_open(inode, Ntfs3gNative.AttributeData, Ntfs3gLibrary.Unnamed, 0);
        }
        else
        {
            var name = Ntfs(streamName);
            var nameBuffer = Marshal.AllocHGlobal(2 * name.Length);
            try
            {
                for (var i = 0; i < name.Length; i++)
                {
                    Marshal.WriteInt16(nameBuffer, 2 * i, (short)name[i]);
                }

                // ntfs_attr_open copies a name that is not one of its constants.
                attribute = Ntfs3gNative.ntfs_attr_open(inode, Ntfs3gNative.AttributeData, nameBuffer, (uint)name.Length);
                if (attribute == IntPtr.Zero && Marshal.GetLastWin32Error() == ENOENT)
                {
                    if (Ntfs3gNative.ntfs_attr_add(inode, Ntfs3gNative.AttributeData, name, (byte)name.Length, IntPtr.Zero, 0) != 0)
                    {
                        throw Native("ntfs_attr_add", path);
                    }

                    attribute = Ntfs3gNative.ntfs_attr_open(inode, Ntfs3gNative.AttributeData, nameBuffer, (uint)name.Length);
                }
            }
            finally
            {
                Marshal.FreeHGlobal(nameBuffer);
            }
        }

        if (attribute == IntPtr.Zero)
        {
            throw Native("ntfs_attr_open", path);
        }

        try
        {
            if (replacing && Ntfs3gNative.ntfs_attr_truncate(attribute, 0) != 0)
            {
                throw Native("ntfs_attr_truncate", path);
            }

            var buffer = new byte[ChunkSize];
            var handle = GCHandle.Alloc(buffer, GCHandleType.Pinned);
            try
            {
                long position = 0;
                while (true)
                {
                    var filled = Fill(content, buffer);
                    if (filled == 0)
                    {
                        break;
                    }

                    // Sparse: 64 KiB blocks of zeros (whole compression units on 4 KiB clusters) stay holes.
                    const int Block = 64 << 10;
                    for (var at = 0; at < filled; at += Block)
                    {
                        var n = Math.Min(Block, filled - at);
                        if (sparse && n == Block && IsZero(buffer, at, n))
                        {
                            continue;
                        }

                        for (var done = 0; done < n;)
                        {
                            var written = Ntfs3gNative.ntfs_attr_pwrite(attribute, position + at + done, n - done, handle.AddrOfPinnedObject() + at + done);
                            if (written <= 0)
                            {
                                throw Native("ntfs_attr_pwrite", path);
                            }

                            done += (int)written;
                        }
                    }

                    position += filled;
                }

                // A trailing hole, or a file that was all zeros: extend to the full size without data.
                if (Marshal.ReadInt64(attribute, DataSizeOffset) < position && Ntfs3gNative.ntfs_attr_truncate(attribute, position) != 0)
                {
                    throw Native("ntfs_attr_truncate", path);
                }

                // Compressed attributes keep their last compression block in memory until pclose.
                if (Ntfs3gNative.ntfs_attr_pclose(attribute) != 0)
                {
                    throw Native("ntfs_attr_pclose", path);
                }
            }
            finally
            {
                handle.Free();
            }
        }
        finally
        {
            Ntfs3gNative.ntfs_attr_close(attribute);
        }
    }

    private static int Fill(Stream content, byte[] buffer)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = content.Read(buffer, filled, buffer.Length - filled);
            if (n <= 0)
            {
                break;
            }

            filled += n;
        }

        return filled;
    }

    private static bool IsZero(byte[] buffer, int offset, int count)
    {
        for (var i = offset; i < offset + count; i++)
        {
            if (buffer[i] != 0)
            {
                return false;
            }
        }

        return true;
    }

    private IntPtr OpenFile(string path)
    {
        var inode = TryOpen(OfflinePath.Split(path), out var isDirectory);
        if (inode == IntPtr.Zero)
        {
            throw NotFound(path);
        }

        if (isDirectory)
        {
            Close(inode);
            throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathIsDirectory, $"'{path}' is a directory.", path);
        }

        return inode;
    }

    /// <summary>Opens the inode at <paramref name="names"/>, or returns zero if a component is missing.</summary>
    private IntPtr TryOpen(IReadOnlyList<string> names, out bool isDirectory)
    {
        ThrowIfDisposed();
        var current = OpenInode(RootRecord, "\\");
        isDirectory = true;
        foreach (var name in names)
        {
            if (!isDirectory)
            {
                Close(current);
                return IntPtr.Zero;
            }

            DirectoryEntry? found;
            try
            {
                found = Lookup(current, name);
            }
            finally
            {
                Close(current);
            }

            if (found is null)
            {
                return IntPtr.Zero;
            }

            current = OpenInode(found.Value.Reference, name);
            isDirectory = IsDirectoryInode(current);
        }

        return current;
    }

    private IntPtr OpenDirectory(IReadOnlyList<string> names, bool create, string path)
    {
        ThrowIfDisposed();
        var current = OpenInode(RootRecord, "\\");
        foreach (var name in names)
        {
            DirectoryEntry? found;
            try
            {
                found = Lookup(current, name);
            }
            catch
            {
                Close(current);
                throw;
            }

            if (found is { } entry)
            {
                Close(current);
                current = OpenInode(entry.Reference, name);
                if (!IsDirectoryInode(current))
                {
                    Close(current);
                    throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathNotDirectory, $"'{name}' in '{path}' is a file, not a directory.", path);
                }

                continue;
            }

            if (!create)
            {
                Close(current);
                throw NotFound(path);
            }

            var units = Ntfs(name);
            var created = Ntfs3gNative.ntfs_create(current, 0, units, (byte)units.Length, Ntfs3gNative.ModeDirectory);
            if (created == IntPtr.Zero)
            {
                var error = Native("ntfs_create", path);
                Close(current);
                throw error;
            }

            Created(current, name, created, isDirectory: true);
            Close(current);
            current = created;
        }

        return current;
    }

    /// <summary>
    /// Finds <paramref name="name"/> in a directory: the exact name first, then (unless the volume was
    /// opened case-sensitive) ignoring case as Windows would. ntfs-3g's own index lookup matches the
    /// POSIX-namespace names it creates only exactly, so the names are matched here.
    /// </summary>
    private DirectoryEntry? Lookup(IntPtr directory, string name)
    {
        if (!Names(directory).TryGetValue(name, out var candidates))
        {
            return null;
        }

        foreach (var entry in candidates)
        {
            if (string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return _caseSensitive || candidates.Count == 0 ? null : candidates[0];
    }

    private Dictionary<string, List<DirectoryEntry>> Names(IntPtr directory)
    {
        var record = (ulong)Marshal.ReadInt64(directory, InodeRecordOffset);
        if (!_directories.TryGetValue(record, out var names))
        {
            names = new Dictionary<string, List<DirectoryEntry>>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in ReadDirectory(directory))
            {
                Remember(names, entry);
            }

            _directories[record] = names;
        }

        return names;
    }

    private void Created(IntPtr directory, string name, IntPtr inode, bool isDirectory)
        => Remember(Names(directory), new DirectoryEntry(name, (ulong)Marshal.ReadInt64(inode, InodeRecordOffset), isDirectory));

    private static void Remember(Dictionary<string, List<DirectoryEntry>> names, DirectoryEntry entry)
    {
        if (!names.TryGetValue(entry.Name, out var list))
        {
            list = new List<DirectoryEntry>(1);
            names[entry.Name] = list;
        }

        list.Add(entry);
    }

    private List<DirectoryEntry> ReadDirectory(IntPtr directory)
    {
        var list = new List<DirectoryEntry>();
        var handle = GCHandle.Alloc(list);
        try
        {
            long position = 0;
            if (Ntfs3gNative.ntfs_readdir(directory, ref position, GCHandle.ToIntPtr(handle), FillDirPointer.Value) != 0)
            {
                throw Native("ntfs_readdir", Description);
            }
        }
        finally
        {
            handle.Free();
        }

        ThrowDeviceFailure("readdir");
        return list;
    }

    private IntPtr OpenInode(ulong reference, string what)
    {
        var inode = Ntfs3gNative.ntfs_inode_open(_volume, reference);
        if (inode == IntPtr.Zero)
        {
            throw Native("ntfs_inode_open", what);
        }

        return inode;
    }

    private bool IsDirectoryInode(IntPtr inode)
    {
        uint value = 0;
        if (Ntfs3gNative.ntfs_get_ntfs_attrib(inode, ref value, (UIntPtr)4) < 0)
        {
            throw Native("ntfs_get_ntfs_attrib", Description);
        }

        // ntfs-3g reports directories as FILE_ATTRIBUTE_DIRECTORY (0x10), NTFS records 0x10000000.
        return (value & 0x10000010) != 0;
    }

    private void Close(IntPtr inode)
    {
        if (inode != IntPtr.Zero && Ntfs3gNative.ntfs_inode_close(inode) != 0)
        {
            throw Native("ntfs_inode_close", Description);
        }
    }

    private ImageOpsException Native(string function, string target)
    {
        var code = Marshal.GetLastWin32Error();
        var cause = _device.TakeFailure();
        if (cause is not null)
        {
            return DeviceFailure(function, Description, cause);
        }

        var message = code switch
        {
            ENOENT => "not found",
            EEXIST => "already exists",
            28 => "the volume is full",
            _ => $"libntfs-3g failed on '{target}'",
        };
        return new NativeOperationException(function, code, message, target);
    }

    private void ThrowDeviceFailure(string what)
    {
        var cause = _device.TakeFailure();
        if (cause is not null)
        {
            throw DeviceFailure(what, Description, cause);
        }
    }

    private void EnsureWritable()
    {
        ThrowIfDisposed();
        if (!CanWrite)
        {
            throw new InvalidStateException(OfflineVolumeErrorIds.OfflineVolumeReadOnly, $"The {Description} is open read-only.", Description);
        }
    }

    private void ThrowIfDisposed()
    {
        if (_volume == IntPtr.Zero)
        {
            throw new ObjectDisposedException(nameof(Ntfs3gVolume), $"The {Description} is unmounted.");
        }
    }

    private readonly struct DirectoryEntry
    {
        public DirectoryEntry(string name, ulong reference, bool isDirectory)
        {
            Name = name;
            Reference = reference;
            IsDirectory = isDirectory;
        }

        public string Name { get; }

        public ulong Reference { get; }

        public bool IsDirectory { get; }
    }
}
