using System;
using System.Diagnostics;
using System.Threading;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// How long an attach waits and how it sleeps, with a clock tests replace so timeouts and retries are
/// checked without waiting.
/// </summary>
internal sealed class VirtualDiskAttachTiming
{
    private static readonly Stopwatch Monotonic = Stopwatch.StartNew();

    public static VirtualDiskAttachTiming Default { get; } = new();

    /// <summary>How long the volumes of a freshly attached disk may take to appear (Plug and Play, mount manager).</summary>
    public TimeSpan VolumeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the host's volumes are enumerated while waiting.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// AttachVirtualDisk can fail with ERROR_SHARING_VIOLATION for a moment after the file was closed by
    /// another program (RedpointGames/uet #121, #386): a few retries before it is reported as in use.
    /// </summary>
    public int SharingViolationRetries { get; init; } = 3;

    public TimeSpan SharingViolationDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A monotonic clock.</summary>
    public Func<TimeSpan> Now { get; init; } = () => Monotonic.Elapsed;

    /// <summary>Sleeps, waking early (and throwing) on cancellation.</summary>
    public Action<TimeSpan, CancellationToken> Delay { get; init; } = (delay, token) =>
    {
        token.WaitHandle.WaitOne(delay);
        token.ThrowIfCancellationRequested();
    };
}
