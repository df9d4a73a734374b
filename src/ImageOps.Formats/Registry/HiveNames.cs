using System;
using System.Text;

namespace ImageOps.Formats.Registry;

/// <summary>
/// Key and value names as the registry stores and compares them: one byte per character (Latin-1) when
/// every character fits (KEY_COMP_NAME / VALUE_COMP_NAME), UTF-16LE otherwise; compared case-insensitively
/// by upper-casing each UTF-16 code unit and comparing the code units (CmpCompareCompressedName,
/// CmpDoCompareKeyName), which is also the order subkeys lists are sorted in.
/// </summary>
internal static class HiveNames
{
    /// <summary>Longest key name Windows creates (characters).</summary>
    public const int MaxKeyNameLength = 255;

    /// <summary>Longest value name Windows creates (characters).</summary>
    public const int MaxValueNameLength = 16383;

    /// <summary>Deepest key path Windows creates (levels below the root).</summary>
    public const int MaxDepth = 512;

    private static readonly Encoding Utf16 = new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: false);

    /// <summary>
    /// Decodes a stored name. UTF-16 is taken code unit by code unit, so unpaired surrogates survive and
    /// a name read and written back is byte-identical; an odd trailing byte is dropped.
    /// </summary>
    public static string Decode(byte[] bytes, bool compressed)
    {
        if (compressed)
        {
            var chars = new char[bytes.Length];
            for (var i = 0; i < bytes.Length; i++)
            {
                chars[i] = (char)bytes[i];
            }

            return new string(chars);
        }

        var units = new char[bytes.Length / 2];
        for (var i = 0; i < units.Length; i++)
        {
            units[i] = (char)(bytes[2 * i] | (bytes[(2 * i) + 1] << 8));
        }

        return new string(units);
    }

    /// <summary>Encodes a name the way Windows stores it: compressed when every character is below 256.</summary>
    public static byte[] Encode(string name, out bool compressed)
    {
        compressed = true;
        foreach (var c in name)
        {
            if (c > 0xFF)
            {
                compressed = false;
                break;
            }
        }

        if (compressed)
        {
            var bytes = new byte[name.Length];
            for (var i = 0; i < name.Length; i++)
            {
                bytes[i] = (byte)name[i];
            }

            return bytes;
        }

        var wide = new byte[name.Length * 2];
        for (var i = 0; i < name.Length; i++)
        {
            wide[2 * i] = (byte)name[i];
            wide[(2 * i) + 1] = (byte)(name[i] >> 8);
        }

        return wide;
    }

    /// <summary>UTF-16 text from value data (REG_SZ and friends): code units as stored, an odd trailing byte dropped.</summary>
    public static string DecodeUtf16(byte[] bytes, int offset, int count) => Utf16.GetString(bytes, offset, count & ~1);

    /// <summary>Upper-cases one UTF-16 code unit (the registry has no locale: invariant, unit by unit).</summary>
    public static char Upcase(char c) => c < 'a' ? c : c <= 'z' ? (char)(c - 32) : c < 0x80 ? c : char.ToUpperInvariant(c);

    /// <summary>True if every character is 7-bit ASCII.</summary>
    public static bool IsAscii(string name)
    {
        foreach (var c in name)
        {
            if (c >= 0x80)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Windows' key name order: upper-cased code units, then length.</summary>
    public static int Compare(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var ca = Upcase(a[i]);
            var cb = Upcase(b[i]);
            if (ca != cb)
            {
                return ca < cb ? -1 : 1;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    /// <summary>True if the names are the same key or value name to Windows.</summary>
    public static bool Equal(string a, string b) => a.Length == b.Length && Compare(a, b) == 0;

    /// <summary>The hash leaf hash: H = 37 * H + upcase(c) over the UTF-16 code units.</summary>
    public static uint Hash(string name)
    {
        uint h = 0;
        foreach (var c in name)
        {
            h = unchecked((37 * h) + Upcase(c));
        }

        return h;
    }

    /// <summary>
    /// The fast leaf name hint: the first four characters as bytes, NUL-padded. When one of them is not
    /// ASCII the hint is 0: Windows converts such characters through a code page, and a hint whose first
    /// byte is NUL makes it compare the names instead, which is always right.
    /// </summary>
    public static uint Hint(string name)
    {
        uint hint = 0;
        for (var i = 0; i < 4 && i < name.Length; i++)
        {
            if (name[i] >= 0x80)
            {
                return 0;
            }

            hint |= (uint)name[i] << (8 * i);
        }

        return hint;
    }

    /// <summary>Checks a key name for creation (not for lookup, which accepts whatever a hive holds).</summary>
    public static void ValidateKeyName(string name)
    {
        if (name.Length == 0)
        {
            throw HiveErrors.NameInvalid(name, "a key name cannot be empty");
        }

        if (name.Length > MaxKeyNameLength)
        {
            throw HiveErrors.NameInvalid(name, $"key names are at most {MaxKeyNameLength} characters");
        }

        if (name.IndexOf('\\') >= 0)
        {
            throw HiveErrors.NameInvalid(name, "a key name cannot contain a backslash");
        }
    }

    /// <summary>Checks a value name for creation (empty is the default value).</summary>
    public static void ValidateValueName(string name)
    {
        if (name.Length > MaxValueNameLength)
        {
            throw HiveErrors.NameInvalid(name, $"value names are at most {MaxValueNameLength} characters");
        }
    }

    /// <summary>
    /// Splits a key path into names: backslash-separated, leading and trailing backslashes ignored, an
    /// empty path is the root. Empty components ("a\\b") are refused.
    /// </summary>
    public static string[] SplitPath(string path)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        var trimmed = path.Trim('\\');
        if (trimmed.Length == 0)
        {
            return Array.Empty<string>();
        }

        var parts = trimmed.Split('\\');
        if (parts.Length > MaxDepth)
        {
            throw HiveErrors.NameInvalid(path, $"key paths are at most {MaxDepth} levels deep");
        }

        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                throw HiveErrors.NameInvalid(path, "a key path cannot contain an empty name (two backslashes in a row)");
            }
        }

        return parts;
    }
}
