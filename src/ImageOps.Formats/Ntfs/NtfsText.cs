using System;
using System.Text;

namespace ImageOps.Formats.Ntfs;

/// <summary>NTFS names are UTF-16LE code units, not necessarily well-formed: decode without replacing.</summary>
internal static class NtfsText
{
    public static string Utf16(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length / 2];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)(bytes[2 * i] | (bytes[(2 * i) + 1] << 8));
        }

        return new string(chars);
    }
}
