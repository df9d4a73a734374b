namespace ImageOps.Engine.OfflineVolumes;

/// <summary>How <see cref="Ntfs3gVolume"/> mounts a volume.</summary>
public sealed class Ntfs3gOpenOptions
{
    /// <summary>Open without writing anything (ntfs-3g's read-only mount).</summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// Reset the $LogFile of a volume Windows did not shut down cleanly (ntfs-3g's <c>recover</c>). Off by
    /// default: such a volume is refused (<c>NtfsVolumeUnclean</c>), since pending journal entries would be
    /// discarded.
    /// </summary>
    public bool RecoverUncleanVolume { get; set; }

    /// <summary>
    /// Let ntfs-3g write compressed data (its <c>compression</c> option): files created in a directory
    /// marked compressed are then LZNT1-compressed. On by default, as Windows honours the flag.
    /// </summary>
    public bool AllowCompression { get; set; } = true;

    /// <summary>
    /// Match names exactly (POSIX semantics) instead of ignoring case as Windows does, so names that
    /// differ only in case can be created side by side. For building test volumes; Windows itself
    /// cannot open such pairs reliably.
    /// </summary>
    public bool CaseSensitive { get; set; }
}
