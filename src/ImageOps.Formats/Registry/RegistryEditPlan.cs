using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Registry;

/// <summary>
/// A batch of registry changes, built first (so it can be shown, as -WhatIf does) and then applied to a
/// hive in memory in one go by <see cref="RegistryHive.Apply"/>: either every edit is applied or, when
/// one fails, none is. Edits apply in the order they were added.
/// </summary>
public sealed class RegistryEditPlan
{
    private readonly List<RegistryEdit> _edits = new();

    /// <summary>The edits, in order.</summary>
    public IReadOnlyList<RegistryEdit> Edits => _edits;

    /// <summary>Creates a key and any missing keys above it; an existing key is left as it is.</summary>
    /// <param name="keyPath">Path from the hive root.</param>
    /// <param name="className">Class name for the key if it is created (rarely used), or null.</param>
    public RegistryEditPlan CreateKey(string keyPath, string? className = null)
        => Add(new RegistryEdit(RegistryEditKind.CreateKey, RegistryEdit.Normalize(keyPath, creates: true), null, RegistryValueType.None, null, className));

    /// <summary>Creates or changes a value with raw data of any type, creating its key (and keys above) when missing.</summary>
    public RegistryEditPlan SetValue(string keyPath, string valueName, RegistryValueType type, byte[] data)
    {
        if (valueName is null)
        {
            throw new ArgumentNullException(nameof(valueName));
        }

        if (data is null)
        {
            throw new ArgumentNullException(nameof(data));
        }

        HiveNames.ValidateValueName(valueName);
        return Add(new RegistryEdit(RegistryEditKind.SetValue, RegistryEdit.Normalize(keyPath, creates: true), valueName, type, (byte[])data.Clone(), null));
    }

    /// <summary>Sets a REG_SZ value.</summary>
    public RegistryEditPlan SetString(string keyPath, string valueName, string value)
        => SetValue(keyPath, valueName, RegistryValueType.String, RegistryData.String(value));

    /// <summary>Sets a REG_EXPAND_SZ value.</summary>
    public RegistryEditPlan SetExpandString(string keyPath, string valueName, string value)
        => SetValue(keyPath, valueName, RegistryValueType.ExpandString, RegistryData.String(value));

    /// <summary>Sets a REG_MULTI_SZ value.</summary>
    public RegistryEditPlan SetMultiString(string keyPath, string valueName, IEnumerable<string> values)
        => SetValue(keyPath, valueName, RegistryValueType.MultiString, RegistryData.MultiString(values));

    /// <summary>Sets a REG_DWORD value.</summary>
    public RegistryEditPlan SetDWord(string keyPath, string valueName, uint value)
        => SetValue(keyPath, valueName, RegistryValueType.DWord, RegistryData.DWord(value));

    /// <summary>Sets a REG_QWORD value.</summary>
    public RegistryEditPlan SetQWord(string keyPath, string valueName, ulong value)
        => SetValue(keyPath, valueName, RegistryValueType.QWord, RegistryData.QWord(value));

    /// <summary>Sets a REG_BINARY value.</summary>
    public RegistryEditPlan SetBinary(string keyPath, string valueName, byte[] value)
        => SetValue(keyPath, valueName, RegistryValueType.Binary, value);

    /// <summary>Deletes a value if it exists.</summary>
    public RegistryEditPlan DeleteValue(string keyPath, string valueName)
    {
        if (valueName is null)
        {
            throw new ArgumentNullException(nameof(valueName));
        }

        return Add(new RegistryEdit(RegistryEditKind.DeleteValue, RegistryEdit.Normalize(keyPath, creates: false), valueName, RegistryValueType.None, null, null));
    }

    /// <summary>Deletes a key with everything below it, if it exists. The root cannot be deleted.</summary>
    public RegistryEditPlan DeleteKey(string keyPath)
        => Add(new RegistryEdit(RegistryEditKind.DeleteKey, RegistryEdit.Normalize(keyPath, creates: false), null, RegistryValueType.None, null, null));

    private RegistryEditPlan Add(RegistryEdit edit)
    {
        _edits.Add(edit);
        return this;
    }
}
