namespace ImageOps.Formats.Registry;

/// <summary>How <see cref="RegistryHive.Save(string, RegistryHiveSaveOptions)"/> writes a hive file.</summary>
public sealed class RegistryHiveSaveOptions
{
    /// <summary>
    /// Before replacing an existing file, keep its previous content as <see cref="BackupPath"/> (default
    /// <c>FILE.bak</c>), itself written atomically. Default false.
    /// </summary>
    public bool KeepBackup { get; init; }

    /// <summary>Where the backup goes; null means the target path with <c>.bak</c> appended.</summary>
    public string? BackupPath { get; init; }
}
