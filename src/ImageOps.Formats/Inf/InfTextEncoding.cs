namespace ImageOps.Formats.Inf;

/// <summary>How the bytes of an INF were decoded into text.</summary>
public enum InfTextEncoding
{
    /// <summary>7-bit ASCII only (readable identically as ANSI and UTF-8).</summary>
    Ascii,

    /// <summary>UTF-8.</summary>
    Utf8,

    /// <summary>UTF-16 little-endian (what Windows calls a Unicode INF).</summary>
    Utf16LittleEndian,

    /// <summary>UTF-16 big-endian.</summary>
    Utf16BigEndian,

    /// <summary>8-bit text in the Windows-1252 (Western European ANSI) code page.</summary>
    Windows1252,
}
