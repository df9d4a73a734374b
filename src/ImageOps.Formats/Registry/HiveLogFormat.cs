namespace ImageOps.Formats.Registry;

/// <summary>The format of a hive's transaction logs.</summary>
public enum HiveLogFormat
{
    /// <summary>Windows XP to 8: a base block copy, a dirty vector and dirty 512-byte pages.</summary>
    Old = 1,

    /// <summary>Windows 8.1 and later: a base block copy and HvLE log entries with Marvin32 hashes.</summary>
    New = 2,
}
