using System;

namespace ImageOps.Engine.Storage;

/// <summary>The time source for leases, replaceable in tests.</summary>
public interface ISystemClock
{
    /// <summary>The current UTC time.</summary>
    DateTimeOffset UtcNow { get; }
}

/// <summary>The real clock.</summary>
public sealed class SystemClock : ISystemClock
{
    /// <summary>The shared instance.</summary>
    public static readonly SystemClock Instance = new();

    private SystemClock()
    {
    }

    /// <inheritdoc />
    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;
}
