using System;

namespace ImageOps.Formats.Disks.Storage;

/// <summary>
/// A window of another storage (a partition of a disk, a VMDK flat extent): offsets are relative to
/// the window and cannot reach outside it.
/// </summary>
public sealed class SubBlockStorage : IBlockStorage
{
    private readonly IBlockStorage _inner;
    private readonly long _start;
    private readonly bool _ownsInner;

    /// <summary>Creates a window of <paramref name="length"/> bytes at <paramref name="start"/>.</summary>
    public SubBlockStorage(IBlockStorage inner, long start, long length, string? name = null, bool ownsInner = false)
    {
        if (start < 0 || length < 0 || start > long.MaxValue - length)
        {
            throw new ArgumentOutOfRangeException(nameof(start));
        }

        _inner = inner;
        _start = start;
        Length = length;
        Name = name ?? $"{inner.Name} [{start}+{length}]";
        _ownsInner = ownsInner;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public long Length { get; }

    /// <inheritdoc />
    public bool CanWrite => _inner.CanWrite;

    /// <inheritdoc />
    public int ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0 || offset >= Length)
        {
            return 0;
        }

        var count = (int)Math.Min(buffer.Length, Length - offset);
        return _inner.ReadAt(_start + offset, buffer.Slice(0, count));
    }

    /// <inheritdoc />
    public void WriteAt(long offset, ReadOnlySpan<byte> data)
    {
        if (offset < 0 || offset > Length - data.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"A write of {data.Length} bytes at {offset} leaves the window of {Length} bytes in {Name}.");
        }

        _inner.WriteAt(_start + offset, data);
    }

    /// <inheritdoc />
    public void SetLength(long length) => throw new NotSupportedException("A window of another storage has a fixed length.");

    /// <inheritdoc />
    public void Flush(bool durable) => _inner.Flush(durable);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsInner)
        {
            _inner.Dispose();
        }
    }
}
