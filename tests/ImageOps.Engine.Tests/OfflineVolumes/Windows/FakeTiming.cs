using System;
using ImageOps.Engine.OfflineVolumes.Windows;

namespace ImageOps.Engine.Tests.OfflineVolumes.Windows;

/// <summary>A clock that moves only when the code under test sleeps, so timeouts take no time.</summary>
internal sealed class FakeTiming
{
    public TimeSpan Now { get; private set; }

    public int Sleeps { get; private set; }

    /// <summary>Runs before each sleep completes (a test cancels from here).</summary>
    public Action<int>? OnSleep { get; set; }

    public VirtualDiskAttachTiming Timing => new()
    {
        VolumeTimeout = TimeSpan.FromSeconds(30),
        PollInterval = TimeSpan.FromMilliseconds(250),
        SharingViolationRetries = 3,
        SharingViolationDelay = TimeSpan.FromMilliseconds(500),
        Now = () => Now,
        Delay = (delay, token) =>
        {
            Sleeps++;
            OnSleep?.Invoke(Sleeps);
            token.ThrowIfCancellationRequested();
            Now += delay;
        },
    };
}
