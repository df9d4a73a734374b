using System.Globalization;

namespace ImageOps.Formats.Disks;

/// <summary>A run of bytes of a disk with the same <see cref="AllocationKind"/>.</summary>
public readonly struct AllocationRange
{
    /// <summary>Creates a range.</summary>
    public AllocationRange(long offset, long length, AllocationKind kind)
    {
        Offset = offset;
        Length = length;
        Kind = kind;
    }

    /// <summary>First byte of the range, in virtual-disk bytes.</summary>
    public long Offset { get; }

    /// <summary>Length in bytes.</summary>
    public long Length { get; }

    /// <summary>One past the last byte.</summary>
    public long End => Offset + Length;

    /// <summary>What the range holds.</summary>
    public AllocationKind Kind { get; }

    /// <inheritdoc />
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} [{1}, {2})", Kind, Offset, End);
}
