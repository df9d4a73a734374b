using System;

namespace ImageOps.Formats.Registry;

/// <summary>Why a hive is dirty: what was found when it was opened.</summary>
[Flags]
public enum HiveDirtyReasons
{
    /// <summary>The hive is clean.</summary>
    None = 0,

    /// <summary>The primary and secondary sequence numbers differ: a write to the primary file did not finish.</summary>
    SequenceNumbersDiffer = 1,

    /// <summary>The base block's checksum is wrong, so its fields cannot be trusted.</summary>
    BaseBlockChecksumInvalid = 2,

    /// <summary>
    /// A new-format transaction log holds valid entries at or after the primary file's sequence number
    /// that were never written to the primary file.
    /// </summary>
    PendingLogEntries = 4,

    /// <summary>The file ends before the hive bins its base block declares (opened in salvage mode only).</summary>
    Truncated = 8,
}
