namespace ImageOps.Formats.Inf;

/// <summary>
/// Decodes Windows-1252 without System.Text.Encoding.CodePages (not available to netstandard2.0
/// without a package). Bytes 0x00-0x7F and 0xA0-0xFF are the same code points in Unicode; only
/// 0x80-0x9F differ. The five bytes the code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
/// map to the C1 control with the same value, as Windows' MultiByteToWideChar does.
/// Source: the Unicode Consortium mapping file CP1252.TXT (MICSFT/WINDOWS).
/// </summary>
internal static class Windows1252
{
    private static readonly char[] High =
    {
        '\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
        '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
        '\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
        '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
    };

    public static char Decode(byte b) => b >= 0x80 && b <= 0x9F ? High[b - 0x80] : (char)b;

    public static string GetString(byte[] bytes, int offset, int count)
    {
        var chars = new char[count];
        for (var i = 0; i < count; i++)
        {
            chars[i] = Decode(bytes[offset + i]);
        }

        return new string(chars);
    }
}
