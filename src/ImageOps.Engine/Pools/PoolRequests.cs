namespace ImageOps.Engine.Pools;

/// <summary>What <see cref="ImagePoolCatalog.Remove"/> did.</summary>
public sealed class PoolRemovalResult
{
    /// <summary>The pool as it was before removal.</summary>
    public ImagePoolInfo Pool { get; set; } = new();

    /// <summary>True if the pool's files were deleted as well as its registration.</summary>
    public bool FilesDeleted { get; set; }

    /// <summary>Entries in the folder that were not the pool's and were left in place.</summary>
    public string[] ForeignEntriesKept { get; set; } = System.Array.Empty<string>();
}

/// <summary>Changes to a pool; null members are left as they are.</summary>
public sealed class PoolChanges
{
    /// <summary>New description, or null to keep it.</summary>
    public string? Description { get; set; }

    /// <summary>New name, or null to keep it.</summary>
    public string? NewName { get; set; }
}

/// <summary>The pools a query found, and the errors met on the way (names not found, unreadable records).</summary>
public sealed class PoolQueryResult
{
    /// <summary>Creates the result.</summary>
    public PoolQueryResult(System.Collections.Generic.IReadOnlyList<ImagePoolInfo> pools, System.Collections.Generic.IReadOnlyList<ImageOpsException> errors)
    {
        Pools = pools;
        Errors = errors;
    }

    /// <summary>The pools found, by name.</summary>
    public System.Collections.Generic.IReadOnlyList<ImagePoolInfo> Pools { get; }

    /// <summary>Per-item errors; the query went on past them.</summary>
    public System.Collections.Generic.IReadOnlyList<ImageOpsException> Errors { get; }
}
