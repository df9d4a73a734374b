using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace ImageOps.Formats.Registry;

/// <summary>
/// Encodes and decodes value data as Windows stores it: strings as UTF-16LE with a terminating NUL,
/// multi-strings as NUL-terminated strings followed by an empty one, numbers little-endian (or
/// big-endian for REG_DWORD_BIG_ENDIAN).
/// </summary>
public static class RegistryData
{
    /// <summary>REG_SZ / REG_EXPAND_SZ data: UTF-16LE with a terminating NUL.</summary>
    public static byte[] String(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        var bytes = new byte[(value.Length + 1) * 2];
        Encoding.Unicode.GetBytes(value, 0, value.Length, bytes, 0);
        return bytes;
    }

    /// <summary>
    /// REG_MULTI_SZ data: each string NUL-terminated, then one more NUL. A string may not be empty or
    /// hold a NUL (readers stop at the first empty string), so such lists are refused.
    /// </summary>
    public static byte[] MultiString(IEnumerable<string> values)
    {
        if (values is null)
        {
            throw new ArgumentNullException(nameof(values));
        }

        var text = new StringBuilder();
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value) || value.IndexOf('\0') >= 0)
            {
                throw new ImageOpsException("HiveValueInvalid", ErrorKind.InvalidArgument, "A REG_MULTI_SZ item cannot be empty or contain a NUL character: readers end the list at the first empty item.", value);
            }

            text.Append(value).Append('\0');
        }

        text.Append('\0');
        return Encoding.Unicode.GetBytes(text.ToString());
    }

    /// <summary>REG_DWORD data (little-endian).</summary>
    public static byte[] DWord(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>REG_DWORD_BIG_ENDIAN data.</summary>
    public static byte[] DWordBigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>REG_QWORD data (little-endian).</summary>
    public static byte[] QWord(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>
    /// A string from REG_SZ-style data: UTF-16LE up to the first NUL (or the end, when the writer left the
    /// NUL out); an odd trailing byte is ignored.
    /// </summary>
    public static string DecodeString(byte[] data)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        var text = HiveNames.DecodeUtf16(data, 0, data.Length);
        var nul = text.IndexOf('\0');
        return nul >= 0 ? text.Substring(0, nul) : text;
    }

    /// <summary>
    /// The strings of REG_MULTI_SZ data, up to the first empty string (the list's terminator), as
    /// RegGetValue and hivex read them; a last string without its NUL is kept.
    /// </summary>
    public static IReadOnlyList<string> DecodeMultiString(byte[] data)
    {
        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        var text = HiveNames.DecodeUtf16(data, 0, data.Length);
        var items = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var nul = text.IndexOf('\0', start);
            var end = nul < 0 ? text.Length : nul;
            if (end == start)
            {
                break;
            }

            items.Add(text.Substring(start, end - start));
            start = end + 1;
        }

        return items;
    }
}
