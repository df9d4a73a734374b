namespace ImageOps.Formats.Cab;

/// <summary>
/// CFFILE ([MS-CAB] 2.3): a file's size, its offset in its folder's uncompressed data, its folder, DOS
/// date and time, attributes, and a NUL-terminated name of at most 256 bytes. 16 fixed bytes.
/// </summary>
internal static class CabFileEntry
{
    /// <summary>Size of the fixed part.</summary>
    public const int FixedSize = 16;

    /// <summary>The longest name the format allows (CB_MAX_FILENAME), terminator included.</summary>
    public const int MaxNameBytes = 256;

    /// <summary>ifoldCONTINUED_FROM_PREV: the file starts in the previous cabinet.</summary>
    public const int ContinuedFromPrevious = 0xFFFD;

    /// <summary>ifoldCONTINUED_TO_NEXT.</summary>
    public const int ContinuedToNext = 0xFFFE;

    /// <summary>ifoldCONTINUED_PREV_AND_NEXT.</summary>
    public const int ContinuedPreviousAndNext = 0xFFFF;

    /// <summary>_A_NAME_IS_UTF: the name is UTF-8, not the OEM/ANSI code page.</summary>
    public const int AttributeNameIsUtf8 = 0x80;

    public const int OffsetSize = 0;
    public const int OffsetFolderStart = 4;
    public const int OffsetFolder = 8;
    public const int OffsetDate = 10;
    public const int OffsetTime = 12;
    public const int OffsetAttributes = 14;
}
