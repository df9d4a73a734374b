using System;

namespace ImageOps.Engine.Pools;

/// <summary>A library's registration of a pool: <c>pools/&lt;name&gt;.json</c> in the library.</summary>
[Storage.RecordSchema("PoolRegistration", 1)]
public sealed class PoolRegistration : Storage.Record
{
    /// <summary>The registered pool's identity (from its pool.json).</summary>
    public Guid PoolId { get; set; }

    /// <summary>The name this library knows the pool by.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Full path of the pool folder (local or share).</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>When it was registered.</summary>
    public DateTimeOffset RegisteredUtc { get; set; }

    /// <summary>
    /// Set only while a rename is in flight: the name this registration replaces. The next mutation
    /// of the library deletes that old registration and clears this (a roll-forward journal).
    /// </summary>
    public string? ReplacesName { get; set; }
}
