using System;
using System.Globalization;
using System.Threading;

namespace ImageOps.Engine.Storage;

/// <summary>
/// A held lease. Call <see cref="EnsureHeld"/> immediately before each commit; dispose to release.
/// Long operations call <see cref="Renew"/> (or <see cref="StartAutoRenew"/>) before it expires.
/// </summary>
public sealed class Lease : IDisposable
{
    /// <summary>A commit must have at least this much lease time left, so a takeover cannot land between check and commit.</summary>
    public static readonly TimeSpan CommitMargin = TimeSpan.FromSeconds(5);

    private readonly LeaseManager _manager;
    private readonly string _folder;
    private readonly TimeSpan _duration;
    private readonly object _gate = new();
    private LeaseRecord _record;
    private Timer? _renewTimer;
    private bool _released;

    internal Lease(LeaseManager manager, string folder, LeaseRecord record, TimeSpan duration)
    {
        _manager = manager;
        _folder = folder;
        _record = record;
        _duration = duration;
    }

    /// <summary>The leased resource.</summary>
    public string Resource => _record.Resource;

    /// <summary>This holder's generation.</summary>
    public long Generation => _record.Generation;

    /// <summary>When the lease expires unless renewed.</summary>
    public DateTimeOffset ExpiresUtc
    {
        get
        {
            lock (_gate)
            {
                return _record.ExpiresUtc;
            }
        }
    }

    /// <summary>
    /// Throws <see cref="ErrorIds.LeaseLost"/> unless this holder still holds the lease with at least
    /// <see cref="CommitMargin"/> to spare. Call it right before every commit. When less than half
    /// the lease remains it is renewed first, so the commit that follows (an fsync that a busy disk
    /// can stall for seconds) starts with most of the lease ahead of it rather than the margin alone.
    /// </summary>
    public void EnsureHeld()
    {
        lock (_gate)
        {
            var current = Verify();
            if (current.ExpiresUtc - _manager.Clock.UtcNow < TimeSpan.FromTicks(_duration.Ticks / 2))
            {
                RenewCore();
            }
        }
    }

    /// <summary>Extends the lease by its duration from now; throws <see cref="ErrorIds.LeaseLost"/> if it was lost.</summary>
    public void Renew()
    {
        lock (_gate)
        {
            Verify();
            RenewCore();
        }
    }

    /// <summary>
    /// Renews the lease in the background every third of its duration until disposed. A failed
    /// renewal is not thrown here; the next <see cref="EnsureHeld"/> reports the loss.
    /// </summary>
    public void StartAutoRenew()
    {
        var period = TimeSpan.FromTicks(_duration.Ticks / 3);
        _renewTimer ??= new Timer(
            _ =>
            {
                try
                {
                    Renew();
                }
                catch (Exception ex) when (ex is ImageOpsException || ex is System.IO.IOException || ex is UnauthorizedAccessException)
                {
                    // Surfaced by the next EnsureHeld.
                }
            },
            null,
            period,
            period);
    }

    /// <summary>Releases the lease if this holder still holds it.</summary>
    public void Dispose()
    {
        _renewTimer?.Dispose();
        lock (_gate)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            try
            {
                _manager.ReadCurrent(_folder, out var generation);
                if (generation == _record.Generation)
                {
                    var released = Copy(_record.ExpiresUtc, released: true);
                    RecordStore.Replace(LeaseManager.PathOf(_folder, _record.Generation), released);
                }
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException || ex is ImageOpsException)
            {
                // The lease expires on its own; releasing early is only a courtesy.
            }
        }
    }

    /// <summary>Checks the lease is still this holder's with the commit margin to spare; returns its record.</summary>
    private LeaseRecord Verify()
    {
        if (_released)
        {
            throw Lost("it was already released");
        }

        var current = _manager.ReadCurrent(_folder, out var generation);
        if (generation != _record.Generation || current is null)
        {
            throw Lost(string.Format(CultureInfo.InvariantCulture, "generation {0} was taken over by generation {1} ({2})", _record.Generation, generation, current?.Owner ?? "unknown"));
        }

        if (current.ExpiresUtc - _manager.Clock.UtcNow < CommitMargin)
        {
            throw Lost(string.Format(CultureInfo.InvariantCulture, "it expired at {0:u}", current.ExpiresUtc));
        }

        return current;
    }

    private void RenewCore()
    {
        var renewed = Copy(_manager.Clock.UtcNow + _duration, released: false);
        RecordStore.Replace(LeaseManager.PathOf(_folder, _record.Generation), renewed);
        _record = renewed;
    }

    private LeaseRecord Copy(DateTimeOffset expires, bool released) => new()
    {
        Resource = _record.Resource,
        Generation = _record.Generation,
        Owner = _record.Owner,
        Host = _record.Host,
        ProcessId = _record.ProcessId,
        Purpose = _record.Purpose,
        AcquiredUtc = _record.AcquiredUtc,
        ExpiresUtc = expires,
        Released = released,
    };

    private LeaseException Lost(string why)
        => new(ErrorIds.LeaseLost, _record.Resource, $"The lease on '{_record.Resource}' is no longer held ({why}); nothing was committed.");
}
