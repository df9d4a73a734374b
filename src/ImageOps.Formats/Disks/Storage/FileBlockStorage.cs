using System;
using System.IO;
using System.Reflection;
using Microsoft.Win32.SafeHandles;

namespace ImageOps.Formats.Disks.Storage;

/// <summary>
/// A file as block storage. On .NET 6 and later (PowerShell 7, the CLI) reads and writes go through
/// <c>System.IO.RandomAccess</c> — pread/pwrite, thread-safe, no shared position — bound at run time
/// because this assembly targets netstandard2.0. On Windows PowerShell 5.1 they fall back to a
/// <see cref="FileStream"/> under a lock.
/// </summary>
/// <remarks>
/// A block device opens like a file. Its size is not what <see cref="FileStream.Length"/> reports there
/// (fstat gives 0 for a device on Linux), so a zero length is checked with lseek(SEEK_END), which the
/// kernel answers with the device size; <see cref="IsBlockDevice"/> then says so. Elsewhere (Windows
/// <c>\\.\PhysicalDriveN</c>, macOS <c>/dev/diskN</c>) no such query is made and the device reads as
/// empty: callers that accept devices refuse an empty source there.
/// </remarks>
public sealed class FileBlockStorage : IBlockStorage, ISparseStorage
{
    private delegate int ReadAtDelegate(SafeFileHandle handle, Span<byte> buffer, long offset);

    private delegate void WriteAtDelegate(SafeFileHandle handle, ReadOnlySpan<byte> buffer, long offset);

    private static readonly ReadAtDelegate? RandomRead = Bind<ReadAtDelegate>("Read", typeof(Span<byte>));
    private static readonly WriteAtDelegate? RandomWrite = Bind<WriteAtDelegate>("Write", typeof(ReadOnlySpan<byte>));

    private readonly FileStream _stream;
    private readonly object _gate = new();
    private long _length;

    private FileBlockStorage(FileStream stream, string path)
    {
        _stream = stream;
        Name = path;
        var reported = stream.Length;
        _length = ResolveLength(reported, () => DeviceSize.SeekEnd(stream.SafeFileHandle), out var device);
        IsBlockDevice = device;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long Length => System.Threading.Interlocked.Read(ref _length);

    /// <inheritdoc />
    public bool CanWrite => _stream.CanWrite;

    /// <summary>
    /// True if the file system reported no length but the end of the opened file lies further: a block
    /// device (Linux), whose <see cref="Length"/> is then the device size and never changes.
    /// </summary>
    public bool IsBlockDevice { get; }

    /// <summary>True when positional I/O (RandomAccess) is in use rather than the locked fallback.</summary>
    public static bool UsesPositionalIo => RandomRead is not null && RandomWrite is not null;

    /// <summary>Opens an existing file, read-only unless <paramref name="writable"/>.</summary>
    public static FileBlockStorage Open(string path, bool writable)
    {
        var stream = new FileStream(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read, writable ? FileShare.Read : FileShare.Read, 1, FileOptions.RandomAccess);
        return new FileBlockStorage(stream, path);
    }

    /// <summary>Creates a new file; fails if it exists (conversions write to a fresh temp file).</summary>
    public static FileBlockStorage Create(string path)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.RandomAccess);
        return new FileBlockStorage(stream, path);
    }

    /// <inheritdoc />
    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        if (RandomRead is not null)
        {
            return RandomRead(_stream.SafeFileHandle, buffer, offset);
        }

        lock (_gate)
        {
            _stream.Position = offset;
            var array = new byte[buffer.Length];
            var total = 0;
            while (total < array.Length)
            {
                var n = _stream.Read(array, total, array.Length - total);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            array.AsSpan(0, total).CopyTo(buffer);
            return total;
        }
    }

    /// <inheritdoc />
    public void WriteAt(long offset, ReadOnlySpan<byte> data)
    {
        if (!CanWrite)
        {
            throw new InvalidOperationException($"'{Name}' is open read-only.");
        }

        if (RandomWrite is not null)
        {
            RandomWrite(_stream.SafeFileHandle, data, offset);
        }
        else
        {
            lock (_gate)
            {
                _stream.Position = offset;
                _stream.Write(data.ToArray(), 0, data.Length);
            }
        }

        var end = offset + data.Length;
        long seen;
        while (end > (seen = Length) && System.Threading.Interlocked.CompareExchange(ref _length, end, seen) != seen)
        {
        }
    }

    /// <inheritdoc />
    public void SetLength(long length)
    {
        if (IsBlockDevice)
        {
            throw new NotSupportedException($"'{Name}' is a block device; its size cannot change.");
        }

        lock (_gate)
        {
            try
            {
                _stream.SetLength(length);
            }
            catch (ArgumentOutOfRangeException ex) when (length >= 0)
            {
                // EFBIG: over the file system's largest file (16 TiB on ext4 with 4 KiB blocks). A size
                // the user asked for, not a bug, so it is a typed error rather than an ArgumentException.
                throw new ImageOpsException("FileTooLarge", ErrorKind.LimitsExceeded, string.Format(System.Globalization.CultureInfo.InvariantCulture, "The file system of '{0}' cannot hold a file of {1} bytes.", Path.GetDirectoryName(Name) ?? Name, length), Name, ex);
            }

            System.Threading.Interlocked.Exchange(ref _length, length);
        }
    }

    /// <inheritdoc />
    public void Flush(bool durable)
    {
        lock (_gate)
        {
            _stream.Flush(durable);
        }
    }

    /// <inheritdoc />
    public System.Collections.Generic.IEnumerable<AllocationRange> MapData(long offset, long length)
        => SparseFileMap.Map(_stream.SafeFileHandle, Length, offset, length);

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    /// <summary>
    /// The length to use: what the file system reported, unless that is 0 and the end found by
    /// <paramref name="seekEnd"/> (-1 when unsupported) is further — the case of a block device.
    /// A seam for tests, which pass a regular file's handle with a reported length of 0.
    /// </summary>
    internal static long ResolveLength(long reported, Func<long> seekEnd, out bool blockDevice)
    {
        blockDevice = false;
        if (reported != 0)
        {
            return reported;
        }

        var end = seekEnd();
        if (end <= 0)
        {
            return reported;
        }

        blockDevice = true;
        return end;
    }

    private static T? Bind<T>(string name, Type spanType)
        where T : Delegate
    {
        var randomAccess = Type.GetType("System.IO.RandomAccess, System.Private.CoreLib", throwOnError: false)
                           ?? Type.GetType("System.IO.RandomAccess, System.Runtime", throwOnError: false);
        var method = randomAccess?.GetMethod(name, BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(SafeFileHandle), spanType, typeof(long) }, null);
        return method is null ? null : (T)Delegate.CreateDelegate(typeof(T), method, throwOnBindFailure: false);
    }
}
