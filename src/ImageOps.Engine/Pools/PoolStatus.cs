namespace ImageOps.Engine.Pools;

/// <summary>Whether a registered pool can be used right now.</summary>
public enum PoolStatus
{
    /// <summary>The folder is reachable and its pool.json matches the registration.</summary>
    Online,

    /// <summary>The folder cannot be reached (share offline, drive missing, access denied).</summary>
    Unreachable,

    /// <summary>The folder is reachable but holds no pool.json.</summary>
    NotAPool,

    /// <summary>The folder holds a different pool than the one registered (identity mismatch).</summary>
    IdentityMismatch,

    /// <summary>pool.json cannot be read: corrupt, or written by a newer ImageOps.</summary>
    RecordUnreadable,
}
