using System.Globalization;

namespace ImageOps.Formats.Inf;

/// <summary>
/// Numbers in INF fields: decimal, or hexadecimal with a 0x prefix ("INF AddService Directive":
/// values "expressed either in decimal or ... in hexadecimal notation"). Range is that of a DWORD.
/// </summary>
internal static class InfNumber
{
    public static bool TryParse(string? text, out uint value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        var s = text.Trim();
        if (s.Length == 0)
        {
            return false;
        }

        if (s.Length > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        {
            var hex = s.Substring(2);
            foreach (var c in hex)
            {
                if (!IsHexDigit(c))
                {
                    return false;
                }
            }

            return uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        foreach (var c in s)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }

        return uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static bool TryParseInt(string? text, out int value)
    {
        value = 0;
        if (!TryParse(text, out var u) || u > int.MaxValue)
        {
            return false;
        }

        value = (int)u;
        return true;
    }

    // netstandard2.0 has no char.IsAsciiHexDigit; a local check keeps the parser culture-free.
    private static bool IsHexDigit(char c) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
