using System.Collections.Generic;

namespace ImageOps.Formats.Registry;

/// <summary>What <see cref="RegistryHive.Check"/> found.</summary>
public sealed class HiveCheckReport
{
    internal HiveCheckReport(IReadOnlyList<string> problems, int keys, int values, int securityItems, int unreferencedCells, long unreferencedBytes, long freeBytes)
    {
        Problems = problems;
        KeyCount = keys;
        ValueCount = values;
        SecurityItemCount = securityItems;
        UnreferencedCellCount = unreferencedCells;
        UnreferencedBytes = unreferencedBytes;
        FreeBytes = freeBytes;
    }

    /// <summary>Damage and inconsistencies: each names the structure and its offset. Empty for a consistent hive.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>True when there are no problems (unreferenced cells are leaks, not problems).</summary>
    public bool IsConsistent => Problems.Count == 0;

    /// <summary>Keys reached from the root.</summary>
    public int KeyCount { get; }

    /// <summary>Values of those keys.</summary>
    public int ValueCount { get; }

    /// <summary>Security items in the hive's list.</summary>
    public int SecurityItemCount { get; }

    /// <summary>Allocated cells nothing refers to (space lost, harmless to readers), like qemu-img's leaks.</summary>
    public int UnreferencedCellCount { get; }

    /// <summary>Bytes in unreferenced allocated cells.</summary>
    public long UnreferencedBytes { get; }

    /// <summary>Bytes in free cells.</summary>
    public long FreeBytes { get; }
}
