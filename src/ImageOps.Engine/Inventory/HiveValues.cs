using System;
using System.Collections.Generic;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Inventory;

/// <summary>
/// Reads values of an offline hive for an inventory: a missing value is null; a value of the wrong type
/// or a damaged cell is null too, and a warning, so one bad value never hides the rest.
/// </summary>
internal sealed class HiveValues
{
    private readonly InventoryProblems _problems;
    private readonly int _partition;

    public HiveValues(InventoryProblems problems, int partition)
    {
        _problems = problems;
        _partition = partition;
    }

    public RegistryKey? Key(RegistryHive? hive, string path)
        => hive is null ? null : Guard(hive.DisplayName, path, () => hive.GetKey(path));

    public RegistryKey? Subkey(RegistryKey? key, string path)
        => key is null ? null : Guard(key.Hive.DisplayName, key.Path + "\\" + path, () => key.GetSubkey(path));

    public IReadOnlyList<RegistryKey> Subkeys(RegistryKey? key)
        => key is null ? Array.Empty<RegistryKey>() : Guard(key.Hive.DisplayName, key.Path, () => key.GetSubkeys()) ?? Array.Empty<RegistryKey>();

    public bool HasValues(RegistryKey key)
        => Guard(key.Hive.DisplayName, key.Path, () => (object)(key.ValueCount > 0)) is true;

    public string? String(RegistryKey? key, string name)
        => Value(key, name, v => v.Type is RegistryValueType.String or RegistryValueType.ExpandString ? v.GetString() : throw Mismatch(v, "a string"));

    public uint? DWord(RegistryKey? key, string name)
        => Value(key, name, v => (object)v.GetDWord()) is uint value ? value : null;

    public IReadOnlyList<string>? MultiString(RegistryKey? key, string name)
        => Value(key, name, v => v.GetMultiString());

    public byte[]? Binary(RegistryKey? key, string name)
        => Value(key, name, v => v.GetData());

    private T? Value<T>(RegistryKey? key, string name, Func<RegistryValue, T> read)
        where T : class
    {
        if (key is null)
        {
            return null;
        }

        return Guard(key.Hive.DisplayName, key.Path + "\\" + (name.Length == 0 ? "(Default)" : name), () =>
        {
            var value = key.GetValue(name);
            return value is null ? null : read(value);
        });
    }

    private T? Guard<T>(string hive, string path, Func<T?> read)
        where T : class
    {
        try
        {
            return read();
        }
        catch (ImageOpsException ex)
        {
            _problems.Add(ProblemSeverity.Warning, "HiveValueInvalid", $"{hive}: {path} cannot be read: {ex.Message}", _partition, path);
            return null;
        }
    }

    private static ImageOpsException Mismatch(RegistryValue value, string expected)
        => new("HiveValueMismatch", ErrorKind.InvalidData, $"it is {value.Type}, not {expected}", value.Name);
}
