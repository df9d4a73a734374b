using System;

namespace ImageOps.Engine.Pools;

/// <summary>An image pool as a library sees it: registration, pool record and live state.</summary>
public sealed class ImagePoolInfo
{
    /// <summary>The name the library knows the pool by.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The pool's identity.</summary>
    public Guid Id { get; set; }

    /// <summary>Full path of the pool folder.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Free text from pool.json (empty when the pool cannot be read).</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>Whether the pool can be used now.</summary>
    public PoolStatus Status { get; set; }

    /// <summary>Why the status is not Online, for a person.</summary>
    public string? StatusDetail { get; set; }

    /// <summary>Size of the volume holding the pool, in bytes, when reachable.</summary>
    public long? CapacityBytes { get; set; }

    /// <summary>Free bytes on that volume, when reachable.</summary>
    public long? FreeBytes { get; set; }

    /// <summary>Number of desktop images in the pool, when reachable.</summary>
    public int? ImageCount { get; set; }

    /// <summary>Number of tool images (ISOs) in the pool, when reachable.</summary>
    public int? ToolImageCount { get; set; }

    /// <summary>When the pool was created (from pool.json).</summary>
    public DateTimeOffset? CreatedUtc { get; set; }

    /// <summary>When this library registered it.</summary>
    public DateTimeOffset RegisteredUtc { get; set; }

    /// <summary>The library the pool is registered in, so piped objects act on the same library.</summary>
    public string LibraryPath { get; set; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => Name;
}
