using System;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// The 16-byte unique ids of the footer and the dynamic disk header, stored in network (big-endian,
/// RFC 4122) byte order as libvhdi documents, unlike .NET's mixed-endian <see cref="Guid.ToByteArray"/>.
/// </summary>
internal static class VhdGuid
{
    public static Guid Read(ReadOnlySpan<byte> bytes)
    {
        var b = bytes.Slice(0, 16).ToArray();
        Array.Reverse(b, 0, 4);
        Array.Reverse(b, 4, 2);
        Array.Reverse(b, 6, 2);
        return new Guid(b);
    }

    public static void Write(Guid value, Span<byte> target)
    {
        var b = value.ToByteArray();
        Array.Reverse(b, 0, 4);
        Array.Reverse(b, 4, 2);
        Array.Reverse(b, 6, 2);
        b.CopyTo(target);
    }
}
