namespace ImageOps;

/// <summary>
/// One progress report from a long operation: which phase it is in and how many bytes (or items)
/// of the phase are done. Front ends turn it into Write-Progress records or progress bars.
/// </summary>
public readonly struct OperationProgress
{
    /// <summary>Creates a report.</summary>
    /// <param name="activity">What the whole operation is, for example <c>Converting disk.vhdx</c>.</param>
    /// <param name="phase">The current phase, for example <c>Copying data</c>.</param>
    /// <param name="done">Units done in this phase.</param>
    /// <param name="total">Units in this phase, or -1 if unknown.</param>
    /// <param name="currentItem">The item being worked on, if any.</param>
    public OperationProgress(string activity, string phase, long done, long total, string? currentItem = null)
    {
        Activity = activity;
        Phase = phase;
        Done = done;
        Total = total;
        CurrentItem = currentItem;
    }

    /// <summary>What the whole operation is.</summary>
    public string Activity { get; }

    /// <summary>The current phase.</summary>
    public string Phase { get; }

    /// <summary>Units (usually bytes) done in this phase.</summary>
    public long Done { get; }

    /// <summary>Units in this phase, or -1 if unknown.</summary>
    public long Total { get; }

    /// <summary>The item being worked on, if any.</summary>
    public string? CurrentItem { get; }

    /// <summary>Percent done (0-100), or -1 when the total is unknown.</summary>
    public int Percent => Total <= 0 ? -1 : (int)System.Math.Min(100, Done * 100 / Total);
}
