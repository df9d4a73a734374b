using System;

namespace ImageOps.Formats.Registry;

/// <summary>How <see cref="RegistryHive.Create"/> makes a new, empty hive.</summary>
public sealed class RegistryHiveCreateOptions
{
    /// <summary>The format's minor version: 3 (Windows 2000 and later), 4, 5 (XP and later, the default) or 6 (Windows 10).</summary>
    public int MinorVersion { get; init; } = 5;

    /// <summary>The root key's name (Windows does not show it; offreg.dll writes <c>ROOT</c>).</summary>
    public string RootName { get; init; } = "ROOT";

    /// <summary>The file name recorded in the base block for debugging (its last 32 characters are kept).</summary>
    public string FileName { get; init; } = string.Empty;

    /// <summary>
    /// The root key's self-relative security descriptor; new keys inherit it. Default: owner
    /// Administrators, full control for SYSTEM and Administrators, read for Users, inherited by subkeys.
    /// </summary>
    public byte[]? SecurityDescriptor { get; init; }

    /// <summary>The name errors give the hive.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The clock timestamps come from (UTC). Default: the system clock.</summary>
    public Func<DateTime>? Clock { get; init; }
}
