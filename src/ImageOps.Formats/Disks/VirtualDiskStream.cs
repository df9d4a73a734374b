using System;
using System.IO;

namespace ImageOps.Formats.Disks;

/// <summary>A <see cref="Stream"/> over a virtual disk, for readers that want one (partition tables, NTFS).</summary>
public sealed class VirtualDiskStream : Stream
{
    private readonly VirtualDisk _disk;
    private readonly bool _ownsDisk;
    private long _position;

    /// <summary>Creates the stream; disposing it disposes the disk only if <paramref name="ownsDisk"/>.</summary>
    public VirtualDiskStream(VirtualDisk disk, bool ownsDisk = false)
    {
        _disk = disk;
        _ownsDisk = ownsDisk;
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => true;

    /// <inheritdoc />
    public override bool CanWrite => _disk.CanWrite;

    /// <inheritdoc />
    public override long Length => _disk.Capacity;

    /// <inheritdoc />
    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_position >= _disk.Capacity)
        {
            return 0;
        }

        var n = (int)Math.Min(count, _disk.Capacity - _position);
        _disk.Read(_position, buffer.AsSpan(offset, n));
        _position += n;
        return n;
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        _disk.Write(_position, buffer.AsSpan(offset, count));
        _position += count;
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _disk.Capacity + offset,
        };
        return _position;
    }

    /// <inheritdoc />
    public override void Flush() => _disk.Flush();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException("Resize the disk instead.");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsDisk)
        {
            _disk.Dispose();
        }

        base.Dispose(disposing);
    }
}
