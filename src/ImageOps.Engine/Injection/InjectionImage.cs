using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageOps.Engine.Inventory;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Injection;

/// <summary>
/// The Windows an injection plans against: the installation <see cref="WindowsInventoryReader"/> found
/// (version, architecture, control set, driver database), its volume (read-only), and the two hives to
/// edit with their exact bytes and logs, so applying can check it edits what was planned from.
/// </summary>
internal sealed class OfflineWindows
{
    private OfflineWindows(WindowsVolumeScan scan, WindowsImageFacts facts, LoadedHive system, LoadedHive software)
    {
        Scan = scan;
        Facts = facts;
        System = system;
        Software = software;
    }

    public WindowsVolumeScan Scan { get; }

    public NtfsVolume Volume => Scan.Volume;

    public WindowsImageFacts Facts { get; }

    public LoadedHive System { get; }

    public LoadedHive Software { get; }

    /// <summary>Reads the Windows of an open disk (which must stay open while this is used).</summary>
    public static OfflineWindows Open(VirtualDisk disk, OperationContext context, bool includeDrivers = false)
    {
        var scan = WindowsInventoryReader.Read(disk, new WindowsInventoryOptions { IncludeDrivers = includeDrivers }, context);
        var found = scan.Volumes.FirstOrDefault(v => v.Installation.SystemHive != HiveState.Missing && v.Installation.SoftwareHive != HiveState.Missing)
            ?? throw new ObjectNotFoundException(InjectionErrorIds.WindowsVolumeNotFound, $"No partition of '{disk.Path}' holds a Windows installation with its SYSTEM and SOFTWARE hives.", disk.Path);
        var installation = found.Installation;
        var problems = new InventoryProblems(OperationContext.None);
        var system = LoadedHive.Load(found.Volume, "SYSTEM", WindowsPaths.SystemHive, installation.PartitionNumber, problems);
        var software = LoadedHive.Load(found.Volume, "SOFTWARE", WindowsPaths.SoftwareHive, installation.PartitionNumber, problems);
        var version = Version.TryParse(installation.Version ?? string.Empty, out var v) ? v : new Version(0, 0);
        var facts = new WindowsImageFacts
        {
            ProductName = installation.OperatingSystem ?? installation.ProductName ?? "Windows",
            Version = new Version(version.Major, Math.Max(0, version.Minor), installation.BuildNumber ?? Math.Max(0, version.Build), installation.Ubr ?? 0),
            Architecture = installation.Architecture switch
            {
                WindowsArchitecture.Amd64 => "AMD64",
                WindowsArchitecture.X86 => "x86",
                WindowsArchitecture.Arm64 => "ARM64",
                _ => "Unknown",
            },
            InstallationType = installation.InstallationType ?? "Client",
            ControlSet = installation.CurrentControlSet ?? "ControlSet001",
            HasDriverDatabase = installation.HasDriverDatabase,
            PartitionNumber = installation.PartitionNumber,
        };
        if (software.Hive is { } readable)
        {
            facts.DevicePath = Text(readable.GetKey(WindowsPaths.CurrentVersion), "DevicePath");
            facts.ExecutionPolicy = ExecutionPolicy(readable);
        }

        return new OfflineWindows(found, facts, system, software);
    }

    public byte[]? TryRead(string path) => Volume.TryGetEntry(path) is { IsDirectory: false } entry ? Volume.ReadAllBytes(entry) : null;

    public bool IsDirectory(string path) => Volume.TryGetEntry(path) is { IsDirectory: true };

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

/// <summary>
/// A hive as found in the image: the inventory's reading of it (<see cref="HiveLoader"/>: clean, or
/// dirty and replayed from its logs in memory) plus the file's bytes and logs, which applying needs.
/// </summary>
internal sealed class LoadedHive
{
    public string Name { get; private set; } = string.Empty;

    public string Path { get; private set; } = string.Empty;

    public byte[] Bytes { get; private set; } = Array.Empty<byte>();

    public List<string> LogPaths { get; } = new();

    /// <summary>The logs' content by kind (LOG, LOG1, LOG2).</summary>
    public Dictionary<string, byte[]> Logs { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The hive to plan edits on: clean, or recovered from its logs; null when it may not be edited.</summary>
    public RegistryHive? Hive { get; private set; }

    /// <summary>What the hive is read as, even when it may not be edited (a dirty hive read as it is), for pre-flight checks.</summary>
    public RegistryHive? Readable { get; private set; }

    public HiveState State { get; private set; }

    public bool WasDirty => State == HiveState.Recovered;

    public static LoadedHive Load(NtfsVolume volume, string name, string path, int partition, InventoryProblems problems)
    {
        var (hive, state) = HiveLoader.Load(volume, path, partition, problems);
        var loaded = new LoadedHive { Name = name, Path = path, State = state, Readable = hive, Hive = state is HiveState.Clean or HiveState.Recovered ? hive : null };
        if (volume.TryGetEntry(path) is { IsDirectory: false } entry)
        {
            loaded.Bytes = volume.ReadAllBytes(entry);
        }

        foreach (var kind in new[] { "LOG", "LOG1", "LOG2" })
        {
            if (volume.TryGetEntry(path + "." + kind) is { IsDirectory: false } log)
            {
                loaded.LogPaths.Add(path + "." + kind);
                loaded.Logs[kind] = volume.ReadAllBytes(log);
            }
        }

        return loaded;
    }

    public string Describe() => State.ToString().ToLower(CultureInfo.InvariantCulture);
}
