using System.Collections.Generic;

namespace ImageOps.Formats.Registry;

/// <summary>What replaying a dirty hive's transaction logs did.</summary>
public sealed class HiveRecovery
{
    internal HiveRecovery(HiveLogFormat format, IReadOnlyList<string> logsApplied, IReadOnlyList<uint> sequenceNumbers, bool baseBlockFromLog, string? stopReason)
    {
        Format = format;
        LogsApplied = logsApplied;
        SequenceNumbersApplied = sequenceNumbers;
        BaseBlockFromLog = baseBlockFromLog;
        StopReason = stopReason;
    }

    /// <summary>The log format that was replayed.</summary>
    public HiveLogFormat Format { get; }

    /// <summary>The logs whose data was applied, in order ("LOG1", "LOG2", "LOG").</summary>
    public IReadOnlyList<string> LogsApplied { get; }

    /// <summary>Sequence numbers of the new-format log entries applied, in order (empty for old-format logs).</summary>
    public IReadOnlyList<uint> SequenceNumbersApplied { get; }

    /// <summary>True when the primary file's base block was damaged and the log's copy was used.</summary>
    public bool BaseBlockFromLog { get; }

    /// <summary>Why replay stopped before the end of the logs (a bad hash, a gap in sequence numbers), or null.</summary>
    public string? StopReason { get; }
}
