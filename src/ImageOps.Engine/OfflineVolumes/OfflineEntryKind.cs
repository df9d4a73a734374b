namespace ImageOps.Engine.OfflineVolumes;

/// <summary>What a path names in an <see cref="IOfflineVolume"/>.</summary>
public enum OfflineEntryKind
{
    /// <summary>Nothing exists at the path.</summary>
    None = 0,

    /// <summary>A file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,
}
