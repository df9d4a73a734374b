using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;

namespace ImageOps.Engine.Storage;

/// <summary>
/// Leases for mutations of a library or pool (DESIGN.md §3). A lease on a resource is a folder of
/// generation files <c>&lt;n&gt;.lease</c>; the highest generation is the current holder. Taking the lease
/// means creating generation n+1 with an atomic no-replace create, which only one contender can do,
/// and only when generation n is released or expired. A holder checks, before it commits, that no
/// higher generation exists and that its own has not expired (<see cref="Lease.EnsureHeld"/>), so a
/// holder that paused past expiry and was taken over cannot commit.
/// </summary>
public sealed class LeaseManager
{
    /// <summary>
    /// Default lease duration: long enough for a metadata commit on a slow share, short enough that a
    /// holder that vanished on another host blocks others briefly. Long operations renew it.
    /// </summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(20);

    /// <summary>Default time to wait for a busy lease.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private const string Extension = ".lease";

    /// <summary>How many generations below the current one stay on disk.</summary>
    private const int KeptGenerations = 32;
    private readonly string _root;
    private readonly ISystemClock _clock;

    /// <summary>Creates a manager whose lease folders live under <paramref name="root"/>.</summary>
    public LeaseManager(string root, ISystemClock? clock = null)
    {
        _root = root;
        _clock = clock ?? SystemClock.Instance;
    }

    /// <summary>The clock leases are measured by.</summary>
    internal ISystemClock Clock => _clock;

    /// <summary>
    /// Takes the lease on <paramref name="resource"/>, waiting up to <paramref name="wait"/> for the
    /// current holder to release it or for it to expire. Throws <see cref="ErrorIds.LeaseBusy"/> when
    /// the wait runs out.
    /// </summary>
    public Lease Acquire(string resource, string purpose, TimeSpan? duration = null, TimeSpan? wait = null, CancellationToken cancellation = default)
    {
        var leaseDuration = duration ?? DefaultDuration;
        var deadline = Stopwatch.StartNew();
        var maxWait = wait ?? DefaultWait;
        var folder = FolderOf(resource);
        Directory.CreateDirectory(folder);
        TempFiles.SweepAbandoned(folder);
        var random = new Random(Guid.NewGuid().GetHashCode());
        var delayMs = 10;

        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var current = ReadCurrent(folder, out var currentGeneration);
            var now = _clock.UtcNow;
            if (current is null || current.Released || current.ExpiresUtc <= now || HolderIsDead(current))
            {
                var next = new LeaseRecord
                {
                    Resource = resource,
                    Generation = currentGeneration + 1,
                    Owner = OwnerName(),
                    Host = ProcessIdentity.Host,
                    ProcessId = ProcessIdentity.ProcessId,
                    Purpose = purpose,
                    AcquiredUtc = now,
                    ExpiresUtc = now + leaseDuration,
                };

                var path = PathOf(folder, next.Generation);
                if (RecordStore.TryCreate(path, next))
                {
                    // A contender that stalled between reading generation n and creating n+1 can
                    // create a number that was used and pruned meanwhile. Winning means no higher
                    // generation exists; otherwise withdraw and look again.
                    if (Generations(folder).Any(g => g > next.Generation))
                    {
                        TryDelete(path);
                        continue;
                    }

                    RemoveOlderGenerations(folder, next.Generation);
                    return new Lease(this, folder, next, leaseDuration);
                }

                // Another contender created that generation first; look again at once.
                continue;
            }

            if (deadline.Elapsed >= maxWait)
            {
                var remaining = current.ExpiresUtc - now;
                throw new LeaseException(
                    ErrorIds.LeaseBusy,
                    resource,
                    string.Format(CultureInfo.InvariantCulture, "'{0}' is locked by {1} ({2}) since {3:u}; the lease expires in {4:F0} s unless renewed. Try again later.", resource, current.Owner, current.Purpose, current.AcquiredUtc, Math.Max(0, remaining.TotalSeconds)));
            }

            // Jittered back-off so eight contenders do not poll in lock-step.
            cancellation.WaitHandle.WaitOne(delayMs + random.Next(delayMs));
            delayMs = Math.Min(delayMs * 2, 250);
        }
    }

    /// <summary>Reads the current holder of <paramref name="resource"/>, or null if never taken.</summary>
    public LeaseRecord? Peek(string resource) => ReadCurrent(FolderOf(resource), out _);

    internal LeaseRecord? ReadCurrent(string folder, out long generation)
    {
        while (true)
        {
            generation = 0;
            foreach (var g in Generations(folder))
            {
                generation = Math.Max(generation, g);
            }

            if (generation == 0)
            {
                return null;
            }

            try
            {
                var record = RecordStore.TryRead<LeaseRecord>(PathOf(folder, generation));
                if (record is null)
                {
                    // Removed by a newer holder's clean-up between the listing and the read: list again.
                    continue;
                }

                return record;
            }
            catch (RecordException)
            {
                // A damaged lease file protects nothing; treat it as expired so work can go on.
                return new LeaseRecord { Generation = generation, ExpiresUtc = DateTimeOffset.MinValue };
            }
        }
    }

    internal static string PathOf(string folder, long generation)
        => Path.Combine(folder, generation.ToString("D12", CultureInfo.InvariantCulture) + Extension);

    internal static IEnumerable<long> Generations(string folder)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(folder, "*" + Extension);
        }
        catch (DirectoryNotFoundException)
        {
            yield break;
        }

        foreach (var file in files)
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var g) && g > 0)
            {
                yield return g;
            }
        }
    }

    /// <summary>
    /// Prunes generations older than a window below the current one. Keeping recent numbers on disk
    /// makes their reuse by a stalled contender impossible (the no-replace create fails); the
    /// post-create check in <see cref="Acquire"/> covers contenders stalled beyond the window.
    /// </summary>
    private static void RemoveOlderGenerations(string folder, long current)
    {
        foreach (var g in Generations(folder))
        {
            if (g < current - KeptGenerations)
            {
                TryDelete(PathOf(folder, g));
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Best effort; generations below the current one are ignored anyway.
        }
    }

    private string FolderOf(string resource)
    {
        foreach (var c in resource)
        {
            if (!(char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))
            {
                throw new ArgumentException($"Lease resource names are letters, digits, '-', '_' and '.': '{resource}'.", nameof(resource));
            }
        }

        return Path.Combine(_root, resource);
    }

    private static string OwnerName() => $"{Environment.UserName}@{Environment.MachineName} pid {ProcessIdentity.ProcessId}";

    /// <summary>
    /// A holder on this host whose process is gone cannot commit any more, so its lease is free now
    /// rather than at expiry: a killed command does not stall the next one.
    /// </summary>
    private static bool HolderIsDead(LeaseRecord holder)
        => holder.ProcessId > 0 && ProcessIdentity.IsThisHost(holder.Host) && !ProcessIdentity.IsAlive(holder.ProcessId);
}
