using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Partitions;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Injection.Stopgap;

// STOPGAP: the offline inventory (OS version, architecture, installed drivers) is being built on
// feature/inventory as WindowsInventoryReader. Until it lands on main, injection reads the few facts
// it needs here, and nothing outside Injection uses this. When it lands: switch to it and delete this folder.

/// <summary>A Windows volume found in a disk, read through the managed NTFS reader (never written).</summary>
internal sealed class OfflineWindows : IDisposable
{
    public OfflineWindows(NtfsVolume volume, Partition partition)
    {
        Volume = volume;
        Partition = partition;
    }

    public NtfsVolume Volume { get; }

    public Partition Partition { get; }

    public WindowsImageFacts Facts { get; } = new();

    public LoadedHive System { get; set; } = null!;

    public LoadedHive Software { get; set; } = null!;

    public byte[]? TryRead(string path) => Volume.TryGetEntry(path) is { IsDirectory: false } entry ? Volume.ReadAllBytes(entry) : null;

    public bool IsDirectory(string path) => Volume.TryGetEntry(path) is { IsDirectory: true };

    public void Dispose() => Volume.Dispose();
}

/// <summary>A hive file as found in the image: its bytes, its logs, and the hive opened (replayed if it was dirty and could be).</summary>
internal sealed class LoadedHive
{
    public string Name { get; set; } = string.Empty;

    public string Path { get; set; } = string.Empty;

    public byte[] Bytes { get; set; } = Array.Empty<byte>();

    public List<string> LogPaths { get; } = new();

    /// <summary>The logs' content by kind (LOG, LOG1, LOG2).</summary>
    public Dictionary<string, byte[]> Logs { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The hive to read and edit: clean as found, or clean after replaying its logs; null if dirty and not replayable.</summary>
    public RegistryHive? Hive { get; set; }

    public bool WasDirty { get; set; }

    public string? ReplayFailure { get; set; }
}

/// <summary>Finds the Windows volume of a disk and reads the facts injection depends on.</summary>
internal static class OfflineWindowsReader
{
    public static OfflineWindows Open(VirtualDisk disk)
    {
        var table = PartitionTable.Read(disk);
        foreach (var partition in table.Partitions.Where(p => p.Kind is PartitionKind.BasicData or PartitionKind.Other))
        {
            if (!NtfsVolume.IsNtfs(disk, partition.Offset))
            {
                continue;
            }

            var volume = NtfsVolume.Open(disk, partition);
            if (volume.TryGetEntry(WindowsPaths.SystemHive) is { IsDirectory: false } && volume.TryGetEntry(WindowsPaths.SoftwareHive) is { IsDirectory: false })
            {
                var windows = new OfflineWindows(volume, partition);
                try
                {
                    Load(windows);
                    return windows;
                }
                catch
                {
                    windows.Dispose();
                    throw;
                }
            }

            volume.Dispose();
        }

        throw new ObjectNotFoundException(InjectionErrorIds.WindowsVolumeNotFound, $"No partition of '{disk.Path}' holds a Windows installation (an NTFS volume with {WindowsPaths.SystemHive} and {WindowsPaths.SoftwareHive}).", disk.Path);
    }

    private static void Load(OfflineWindows windows)
    {
        windows.System = LoadHive(windows, "SYSTEM", WindowsPaths.SystemHive);
        windows.Software = LoadHive(windows, "SOFTWARE", WindowsPaths.SoftwareHive);
        var facts = windows.Facts;
        facts.PartitionNumber = windows.Partition.Number;

        // A dirty hive that could not be replayed is still read as it is for the facts (newest changes may be missing).
        var software = windows.Software.Hive ?? RegistryHive.Open(windows.Software.Bytes);
        var system = windows.System.Hive ?? RegistryHive.Open(windows.System.Bytes);
        var nt = software.GetKey(WindowsPaths.CurrentVersionNt);
        facts.ProductName = Text(nt, "ProductName") ?? "Windows";
        facts.InstallationType = Text(nt, "InstallationType") ?? "Client";
        var major = Number(nt, "CurrentMajorVersionNumber");
        var minor = Number(nt, "CurrentMinorVersionNumber");
        if (major is null && Text(nt, "CurrentVersion") is { } legacy && Version.TryParse(legacy, out var parsed))
        {
            major = (uint)parsed.Major;
            minor = (uint)Math.Max(0, parsed.Minor);
        }

        var build = int.TryParse(Text(nt, "CurrentBuildNumber") ?? Text(nt, "CurrentBuild"), NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : 0;
        facts.Version = new Version((int)(major ?? 0), (int)(minor ?? 0), build, (int)(Number(nt, "UBR") ?? 0));

        facts.ControlSet = SystemHive.CurrentControlSet(system) ?? "ControlSet001";
        facts.HasDriverDatabase = SystemHive.HasDriverDatabase(system);
        facts.Architecture = Text(system.GetKey(facts.ControlSet + @"\Control\Session Manager\Environment"), "PROCESSOR_ARCHITECTURE") ?? string.Empty;
        facts.DevicePath = Text(software.GetKey(WindowsPaths.CurrentVersion), "DevicePath");
        facts.ExecutionPolicy = ExecutionPolicy(software);
    }

    /// <summary>The execution policy a script started by the service meets, and its scope.</summary>
    internal static string ExecutionPolicy(RegistryHive software)
    {
        // Group Policy (MachinePolicy scope) wins over everything, including -ExecutionPolicy on the command line.
        var policy = software.GetKey(@"Policies\Microsoft\Windows\PowerShell");
        if (policy is not null && Number(policy, "EnableScripts") is { } enabled)
        {
            return enabled == 0 ? "Restricted (Group Policy)" : (Text(policy, "ExecutionPolicy") ?? "Undefined") + " (Group Policy)";
        }

        var local = Text(software.GetKey(@"Microsoft\PowerShell\1\ShellIds\Microsoft.PowerShell"), "ExecutionPolicy");
        return local is null ? "Undefined" : local + " (LocalMachine)";
    }

    private static LoadedHive LoadHive(OfflineWindows windows, string name, string path)
    {
        var loaded = new LoadedHive { Name = name, Path = path, Bytes = windows.TryRead(path)! };
        Stream? log1 = null, log2 = null, log = null;
        foreach (var (suffix, assign) in new (string, Action<Stream>)[] { ("LOG1", s => log1 = s), ("LOG2", s => log2 = s), ("LOG", s => log = s) })
        {
            var logPath = path + "." + suffix;
            if (windows.TryRead(logPath) is { } content)
            {
                loaded.LogPaths.Add(logPath);
                loaded.Logs[suffix] = content;
                assign(new MemoryStream(content, writable: false));
            }
        }

        var asIs = RegistryHive.Open(loaded.Bytes, new RegistryHiveOpenOptions { DisplayName = name + " hive", Log = log, Log1 = log1, Log2 = log2 });
        if (!asIs.IsDirty)
        {
            loaded.Hive = asIs;
            return loaded;
        }

        loaded.WasDirty = true;
        foreach (var stream in new[] { log, log1, log2 })
        {
            if (stream is not null)
            {
                stream.Position = 0;
            }
        }

        try
        {
            loaded.Hive = RegistryHive.Open(loaded.Bytes, new RegistryHiveOpenOptions { DisplayName = name + " hive", Recovery = HiveRecoveryMode.ReplayLogs, Log = log, Log1 = log1, Log2 = log2 });
        }
        catch (ImageOpsException ex)
        {
            loaded.ReplayFailure = ex.Message;
        }

        return loaded;
    }

    internal static string? Text(RegistryKey? key, string name)
    {
        var value = key?.GetValue(name);
        return value is not null && value.Type is RegistryValueType.String or RegistryValueType.ExpandString ? value.GetString() : null;
    }

    internal static uint? Number(RegistryKey? key, string name)
    {
        var value = key?.GetValue(name);
        return value is not null && value.Type == RegistryValueType.DWord && value.DataLength == 4 ? value.GetDWord() : null;
    }
}
