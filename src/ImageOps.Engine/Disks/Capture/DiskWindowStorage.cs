using System;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Engine.Disks.Capture;

/// <summary>
/// The bytes of a window of a virtual disk (the whole disk, or one partition) as read-only storage: what
/// lies under a <see cref="CaptureView"/>. It does not own the disk.
/// </summary>
internal sealed class DiskWindowStorage : IBlockStorage
{
    private readonly VirtualDisk _disk;
    private readonly long _start;

    public DiskWindowStorage(VirtualDisk disk, long start, long length, string name)
    {
        if (start < 0 || length < 0 || start > disk.Capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"[{start}, +{length}) is not inside '{disk.Path}' of {disk.Capacity} bytes.");
        }

        _disk = disk;
        _start = start;
        Length = length;
        Name = name;
    }

    public string Name { get; }

    public long Length { get; }

    public bool CanWrite => false;

    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, Length - offset);
        _disk.Read(_start + offset, buffer.Slice(0, count));
        return count;
    }

    public void WriteAt(long offset, ReadOnlySpan<byte> data) => throw new InvalidOperationException($"'{Name}' is read-only.");

    public void SetLength(long length) => throw new InvalidOperationException($"'{Name}' is read-only.");

    public void Flush(bool durable)
    {
    }

    public void Dispose()
    {
    }
}
