using System;

namespace ImageOps.Formats.Registry;

/// <summary>One change in a <see cref="RegistryEditPlan"/>. Paths are relative to the hive root, backslash-separated.</summary>
public sealed class RegistryEdit
{
    internal RegistryEdit(RegistryEditKind kind, string keyPath, string? valueName, RegistryValueType type, byte[]? data, string? className)
    {
        Kind = kind;
        KeyPath = keyPath;
        ValueName = valueName;
        Type = type;
        Data = data;
        ClassName = className;
    }

    /// <summary>What the edit does.</summary>
    public RegistryEditKind Kind { get; }

    /// <summary>The key, relative to the hive root (for example <c>ControlSet001\Services\viostor</c>).</summary>
    public string KeyPath { get; }

    /// <summary>The value name for value edits ("" is the default value); null for key edits.</summary>
    public string? ValueName { get; }

    /// <summary>The value type for <see cref="RegistryEditKind.SetValue"/>.</summary>
    public RegistryValueType Type { get; }

    /// <summary>The value data for <see cref="RegistryEditKind.SetValue"/> (a copy is kept; do not change it).</summary>
    public byte[]? Data { get; }

    /// <summary>The class name a <see cref="RegistryEditKind.CreateKey"/> gives a key it creates, or null.</summary>
    public string? ClassName { get; }

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        RegistryEditKind.SetValue => $"Set {KeyPath}\\[{ValueName}] = {Type} ({Data?.Length ?? 0} bytes)",
        RegistryEditKind.DeleteValue => $"Delete value {KeyPath}\\[{ValueName}]",
        RegistryEditKind.DeleteKey => $"Delete key {KeyPath}",
        _ => $"Create key {KeyPath}",
    };

    internal static string Normalize(string path, bool creates)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        var names = HiveNames.SplitPath(path);
        if (creates)
        {
            // Keys this edit may create must have names Windows accepts; deletions may name any key a hive holds.
            Array.ForEach(names, HiveNames.ValidateKeyName);
        }

        return string.Join("\\", names);
    }
}
