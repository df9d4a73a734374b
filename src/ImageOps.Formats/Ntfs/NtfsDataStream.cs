using System;
using System.IO;

namespace ImageOps.Formats.Ntfs;

/// <summary>A read-only seekable <see cref="Stream"/> over one attribute's content; reads go straight to the disk.</summary>
internal sealed class NtfsDataStream : Stream
{
    private readonly NtfsAttributeData _data;
    private long _position;

    public NtfsDataStream(NtfsAttributeData data)
    {
        _data = data;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _data.DataSize;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = _data.Read(_position, buffer.AsSpan(offset, count));
        _position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _data.DataSize + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException("NTFS volumes are read-only here.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("NTFS volumes are read-only here.");
}
