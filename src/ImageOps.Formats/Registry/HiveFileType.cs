namespace ImageOps.Formats.Registry;

/// <summary>
/// The base block's file type field ("Windows registry file format specification", Base block and
/// Format of transaction log files): what kind of registry file carries the block.
/// </summary>
internal enum HiveFileType : uint
{
    /// <summary>A primary file (the hive itself).</summary>
    Primary = 0,

    /// <summary>A transaction log in the old format (base block, dirty vector, dirty pages).</summary>
    OldLog = 1,

    /// <summary>The same old log format under the number very old Windows versions wrote.</summary>
    VeryOldLog = 2,

    /// <summary>A transaction log in the new format (Windows 8.1 and later: HvLE log entries).</summary>
    NewLog = 6,
}
