using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;

namespace ImageOps.PowerShell.Infrastructure;

/// <summary>
/// Turns engine progress into complete ProgressRecords (STYLE.md 12): a stable activity id per
/// cmdlet, percent from bytes, seconds remaining when known, throttled (Write-Progress is costly),
/// and a Completed record at the end.
/// </summary>
internal sealed class ProgressWriter
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly Action<ProgressRecord> _write;
    private readonly int _activityId;
    private readonly ProgressEstimator _estimator = new();
    private readonly Stopwatch _sinceLast = new();
    private ProgressRecord? _last;

    public ProgressWriter(string cmdletName, Action<ProgressRecord> write)
    {
        _write = write;
        _activityId = StableId(cmdletName);
    }

    public void Write(OperationProgress progress, bool force = false)
    {
        var seconds = _estimator.SecondsRemaining(progress);
        if (!force && _sinceLast.IsRunning && _sinceLast.Elapsed < Interval)
        {
            return;
        }

        var status = progress.Total > 0
            ? string.Format(CultureInfo.CurrentCulture, "{0}: {1} of {2}", progress.Phase, ByteSize.Format(progress.Done), ByteSize.Format(progress.Total))
            : progress.Phase;
        var record = new ProgressRecord(_activityId, progress.Activity, string.IsNullOrEmpty(status) ? "Working" : status)
        {
            PercentComplete = progress.Percent,
            SecondsRemaining = seconds,
        };
        if (!string.IsNullOrEmpty(progress.CurrentItem))
        {
            record.CurrentOperation = progress.CurrentItem;
        }

        _write(record);
        _last = record;
        _sinceLast.Restart();
    }

    public void Complete()
    {
        if (_last is null)
        {
            return;
        }

        _write(new ProgressRecord(_activityId, _last.Activity, "Completed") { RecordType = ProgressRecordType.Completed });
        _last = null;
    }

    // string.GetHashCode is randomised per process; progress ids must be the same every run.
    private static int StableId(string name)
    {
        unchecked
        {
            var hash = 2166136261u;
            foreach (var c in name)
            {
                hash = (hash ^ c) * 16777619u;
            }

            return (int)(hash & 0x3FFFFFFF) + 1;
        }
    }
}
