using System;
using System.Threading;

namespace ImageOps;

/// <summary>
/// What every long engine call receives: where to report progress, where to log, and the token
/// it must observe (checked per block, so a cancel stops within one block).
/// </summary>
public sealed class OperationContext
{
    /// <summary>A context that reports nowhere and is never cancelled.</summary>
    public static readonly OperationContext None = new();

    /// <summary>Creates a context.</summary>
    public OperationContext(IProgress<OperationProgress>? progress = null, IOperationLog? log = null, CancellationToken cancellation = default)
    {
        Progress = progress;
        Log = log ?? NullOperationLog.Instance;
        Cancellation = cancellation;
    }

    /// <summary>Where progress goes, or null.</summary>
    public IProgress<OperationProgress>? Progress { get; }

    /// <summary>Where messages go.</summary>
    public IOperationLog Log { get; }

    /// <summary>The token to observe.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>Reports progress if anyone listens.</summary>
    public void Report(string activity, string phase, long done, long total, string? item = null)
        => Progress?.Report(new OperationProgress(activity, phase, done, total, item));

    /// <summary>Throws <see cref="OperationCanceledException"/> if cancellation was requested.</summary>
    public void ThrowIfCancelled() => Cancellation.ThrowIfCancellationRequested();
}
