using System;

namespace ImageOps.Engine.Pools;

/// <summary><c>pool.json</c>, at the root of a pool folder: the pool's own identity, shared by every library that registers it.</summary>
[Storage.RecordSchema("ImagePool", 1)]
public sealed class PoolRecord : Storage.Record
{
    /// <summary>The pool's identity, which registrations check.</summary>
    public Guid Id { get; set; }

    /// <summary>The pool's canonical name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Free text.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>When the pool was created.</summary>
    public DateTimeOffset CreatedUtc { get; set; }

    /// <summary>Who created it (user@host).</summary>
    public string CreatedBy { get; set; } = string.Empty;

    /// <summary>When its record last changed.</summary>
    public DateTimeOffset ModifiedUtc { get; set; }
}
