namespace ImageOps.Formats.Registry;

/// <summary>What a <see cref="RegistryEdit"/> does.</summary>
public enum RegistryEditKind
{
    /// <summary>Create a key (and any missing keys above it).</summary>
    CreateKey,

    /// <summary>Create or change a value (creating its key when missing).</summary>
    SetValue,

    /// <summary>Delete a value if present.</summary>
    DeleteValue,

    /// <summary>Delete a key with all its subkeys and values, if present.</summary>
    DeleteKey,
}
