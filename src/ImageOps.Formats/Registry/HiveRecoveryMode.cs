namespace ImageOps.Formats.Registry;

/// <summary>What opening a hive does when its base block says a write was interrupted.</summary>
public enum HiveRecoveryMode
{
    /// <summary>
    /// Read the primary file as it is. A dirty hive can be read (its newest changes may be missing) but
    /// not edited or saved: that is refused with the error id <c>HiveDirty</c>.
    /// </summary>
    None = 0,

    /// <summary>
    /// Replay the transaction logs (.LOG1/.LOG2 new format, or .LOG/.LOG1 old format) in memory as Windows
    /// does at load; the recovered hive is clean and can be edited and saved. If the logs cannot bring it
    /// up to date, opening fails with <c>HiveRecoveryFailed</c>.
    /// </summary>
    ReplayLogs = 1,
}
