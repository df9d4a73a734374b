using System;
using ImageOps.Engine.Storage;

namespace ImageOps.Engine.Tests;

/// <summary>A clock tests move by hand, so lease expiry is tested without waiting.</summary>
public sealed class FakeClock : ISystemClock
{
    private DateTimeOffset _now = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public DateTimeOffset UtcNow
    {
        get
        {
            lock (this)
            {
                return _now;
            }
        }
    }

    public void Advance(TimeSpan by)
    {
        lock (this)
        {
            _now += by;
        }
    }
}
