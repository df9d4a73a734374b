using System;
using System.Diagnostics;

namespace ImageOps;

/// <summary>
/// Estimates the time remaining of a phase from its rate so far. Both front ends use it, so
/// Write-Progress and the CLI's bars agree. Not thread-safe: one per consumer.
/// </summary>
public sealed class ProgressEstimator
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private string? _phase;
    private TimeSpan _phaseStart;
    private long _phaseStartDone;

    /// <summary>
    /// Returns the estimated seconds remaining, or -1 when not yet known (unknown total, no progress,
    /// or under half a second of data, when rates are noise).
    /// </summary>
    public int SecondsRemaining(in OperationProgress progress)
    {
        var now = _clock.Elapsed;
        if (!string.Equals(_phase, progress.Phase, StringComparison.Ordinal))
        {
            _phase = progress.Phase;
            _phaseStart = now;
            _phaseStartDone = progress.Done;
            return -1;
        }

        var elapsed = (now - _phaseStart).TotalSeconds;
        var done = progress.Done - _phaseStartDone;
        if (progress.Total <= 0 || done <= 0 || elapsed < 0.5)
        {
            return -1;
        }

        var remaining = (progress.Total - progress.Done) * elapsed / done;
        return remaining > int.MaxValue ? int.MaxValue : (int)Math.Ceiling(remaining);
    }
}
