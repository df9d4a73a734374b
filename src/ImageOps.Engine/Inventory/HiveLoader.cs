using System;
using System.IO;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Inventory;

/// <summary>
/// Opens a hive of an offline Windows volume for reading, never failing the inventory for one hive: a
/// dirty hive has its <c>.LOG1</c>/<c>.LOG2</c> (or <c>.LOG</c>) from beside it in the volume replayed in
/// memory; when they cannot recover it, it is read as it is; a damaged base block or a truncated file is
/// read in salvage mode; each outcome is a <see cref="HiveState"/> and, when not clean, a problem.
/// </summary>
internal static class HiveLoader
{
    public static (RegistryHive? Hive, HiveState State) Load(NtfsVolume volume, string path, int partition, InventoryProblems problems)
    {
        var name = System.IO.Path.GetFileName(path);
        byte[] data;
        try
        {
            var entry = volume.TryGetEntry(path);
            if (entry is null || entry.IsDirectory)
            {
                problems.Add(ProblemSeverity.Error, "HiveMissing", $"The {name} hive ({path}) is missing on partition {partition}.", partition, path);
                return (null, HiveState.Missing);
            }

            if (entry.Length > RegistryHive.MaxFileSize)
            {
                problems.Add(ProblemSeverity.Error, "HiveUnreadable", $"The {name} hive on partition {partition} claims {entry.Length} bytes, more than a hive can hold.", partition, path);
                return (null, HiveState.Unreadable);
            }

            data = volume.ReadAllBytes(entry);
        }
        catch (ImageOpsException ex)
        {
            problems.Add(ProblemSeverity.Error, "HiveUnreadable", $"The {name} hive on partition {partition} cannot be read from the volume: {ex.Message}", partition, path);
            return (null, HiveState.Unreadable);
        }

        var display = $"{name} (partition {partition})";
        var logs = Logs(volume, path, partition, problems);
        try
        {
            var hive = RegistryHive.Open(data, new RegistryHiveOpenOptions
            {
                DisplayName = display,
                Recovery = HiveRecoveryMode.ReplayLogs,
                Log = logs.Log is null ? null : new MemoryStream(logs.Log, writable: false),
                Log1 = logs.Log1 is null ? null : new MemoryStream(logs.Log1, writable: false),
                Log2 = logs.Log2 is null ? null : new MemoryStream(logs.Log2, writable: false),
            });
            if (hive.Recovery is { } recovery)
            {
                problems.Add(ProblemSeverity.Information, "HiveRecovered", $"The {name} hive on partition {partition} was dirty ({Describe(hive.DirtyReasons)}); its {string.Join(" and ", recovery.LogsApplied)} log was replayed in memory (the image is unchanged).", partition, path);
                return (hive, HiveState.Recovered);
            }

            return (hive, HiveState.Clean);
        }
        catch (ImageOpsException ex) when (ex.ErrorId == "HiveRecoveryFailed")
        {
            // The logs cannot bring it up to date: what the primary file holds is still the best there is.
            try
            {
                var hive = RegistryHive.Open(data, new RegistryHiveOpenOptions { DisplayName = display });
                problems.Add(ProblemSeverity.Warning, "HiveDirty", $"The {name} hive on partition {partition} is dirty ({Describe(hive.DirtyReasons)}) and its logs cannot recover it ({ex.Message}); it was read as it is, so its newest changes may be missing.", partition, path);
                return (hive, HiveState.Dirty);
            }
            catch (ImageOpsException again)
            {
                return Salvage(data, display, name, partition, path, again, problems);
            }
        }
        catch (ImageOpsException ex)
        {
            return Salvage(data, display, name, partition, path, ex, problems);
        }
    }

    private static (RegistryHive?, HiveState) Salvage(byte[] data, string display, string name, int partition, string path, ImageOpsException first, InventoryProblems problems)
    {
        if (first.ErrorId is not ("HiveBaseBlockInvalid" or "HiveTruncated"))
        {
            problems.Add(ProblemSeverity.Error, "HiveUnreadable", $"The {name} hive on partition {partition} cannot be read: {first.Message}", partition, path);
            return (null, HiveState.Unreadable);
        }

        try
        {
            var hive = RegistryHive.Open(data, new RegistryHiveOpenOptions { DisplayName = display, Salvage = true });
            problems.Add(ProblemSeverity.Warning, "HiveSalvaged", $"The {name} hive on partition {partition} is damaged ({first.Message}); it was read in salvage mode, so some facts may be missing.", partition, path);
            return (hive, HiveState.Salvaged);
        }
        catch (ImageOpsException ex)
        {
            problems.Add(ProblemSeverity.Error, "HiveUnreadable", $"The {name} hive on partition {partition} cannot be read: {ex.Message}", partition, path);
            return (null, HiveState.Unreadable);
        }
    }

    /// <summary>The hive's transaction logs from beside it in the volume (only those three names).</summary>
    private static (byte[]? Log, byte[]? Log1, byte[]? Log2) Logs(NtfsVolume volume, string path, int partition, InventoryProblems problems)
    {
        byte[]? Read(string suffix)
        {
            var logPath = path + "." + suffix;
            try
            {
                var entry = volume.TryGetEntry(logPath);
                if (entry is null || entry.IsDirectory || entry.Length == 0)
                {
                    return null;
                }

                if (entry.Length > RegistryHive.MaxFileSize)
                {
                    problems.Add(ProblemSeverity.Warning, "HiveLogUnreadable", $"{logPath} on partition {partition} claims {entry.Length} bytes and was ignored.", partition, logPath);
                    return null;
                }

                return volume.ReadAllBytes(entry);
            }
            catch (ImageOpsException ex)
            {
                problems.Add(ProblemSeverity.Warning, "HiveLogUnreadable", $"{logPath} on partition {partition} cannot be read and was ignored: {ex.Message}", partition, logPath);
                return null;
            }
        }

        return (Read("LOG"), Read("LOG1"), Read("LOG2"));
    }

    private static string Describe(HiveDirtyReasons reasons)
    {
        var parts = new System.Collections.Generic.List<string>();
        if ((reasons & HiveDirtyReasons.BaseBlockChecksumInvalid) != 0)
        {
            parts.Add("base block checksum wrong");
        }

        if ((reasons & HiveDirtyReasons.SequenceNumbersDiffer) != 0)
        {
            parts.Add("sequence numbers differ");
        }

        if ((reasons & HiveDirtyReasons.PendingLogEntries) != 0)
        {
            parts.Add("log entries pending");
        }

        if ((reasons & HiveDirtyReasons.Truncated) != 0)
        {
            parts.Add("truncated");
        }

        return parts.Count == 0 ? "no reason recorded" : string.Join(", ", parts);
    }
}
