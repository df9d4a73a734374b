using System;
using System.Globalization;
using System.Linq;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Inventory;

/// <summary>Reads one Windows installation from its NTFS volume: hives, version, architecture, control set and drivers.</summary>
internal static class WindowsVolumeReader
{
    /// <summary>True if the volume holds <c>Windows\System32\config\SOFTWARE</c>: the mark of a Windows volume.</summary>
    public static bool IsWindows(NtfsVolume volume) => volume.TryGetEntry(WindowsPaths.SoftwareHive) is { IsDirectory: false };

    public static WindowsInstallation Read(NtfsVolume volume, int partition, WindowsInventoryOptions options, InventoryProblems problems, OperationContext context)
    {
        var values = new HiveValues(problems, partition);
        var installation = new WindowsInstallation
        {
            PartitionNumber = partition,
            VolumeLabel = volume.Label,
            VolumeSerialNumber = volume.SerialNumber.ToString("X16", CultureInfo.InvariantCulture),
            VolumeDirty = volume.IsDirty,
        };
        if (volume.IsDirty)
        {
            problems.Add(ProblemSeverity.Information, "VolumeDirty", $"The Windows volume on partition {partition} is marked dirty: Windows was not shut down cleanly, or chkdsk is due.", partition);
        }

        var (software, softwareState) = HiveLoader.Load(volume, WindowsPaths.SoftwareHive, partition, problems);
        var (system, systemState) = HiveLoader.Load(volume, WindowsPaths.SystemHive, partition, problems);
        installation.SoftwareHive = softwareState;
        installation.SystemHive = systemState;

        ReadVersion(installation, values.Key(software, WindowsPaths.CurrentVersionNt), values);
        installation.HasSysWow64 = Guard(() => volume.TryGetEntry(WindowsPaths.SysWow64Folder) is { IsDirectory: true }, partition, problems);
        if (system is not null)
        {
            try
            {
                installation.CurrentControlSet = SystemHive.CurrentControlSet(system);
                if (installation.CurrentControlSet is null)
                {
                    problems.Add(ProblemSeverity.Warning, "ControlSetNotFound", $"The SYSTEM hive on partition {partition} has no Select\\Current value; services and device classes were not read.", partition, "Select");
                }
            }
            catch (ImageOpsException ex)
            {
                problems.Add(ProblemSeverity.Warning, "ControlSetNotFound", $"The SYSTEM hive on partition {partition}: {ex.Message}", partition, "Select");
            }

            installation.HasDriverDatabase = values.Key(system, WindowsPaths.DriverDatabase) is not null;
        }

        ReadArchitecture(installation, system, volume, values, partition, problems);
        if (options.IncludeDrivers && system is not null)
        {
            var controlSet = installation.CurrentControlSet is null ? null : values.Key(system, installation.CurrentControlSet);
            var drivers = new DriverReader(volume, system, controlSet, installation, values, problems, partition, context);
            installation.Drivers = installation.HasDriverDatabase ? drivers.FromDriverDatabase() : drivers.FromInfFolder();
        }

        return installation;
    }

    private static void ReadVersion(WindowsInstallation installation, RegistryKey? nt, HiveValues values)
    {
        if (nt is null)
        {
            return;
        }

        installation.ProductName = values.String(nt, "ProductName");
        installation.EditionId = values.String(nt, "EditionID");
        installation.DisplayVersion = Blank(values.String(nt, "DisplayVersion"));
        installation.ReleaseId = Blank(values.String(nt, "ReleaseId"));
        installation.InstallationType = values.String(nt, "InstallationType");
        installation.BuildLab = values.String(nt, "BuildLabEx") ?? values.String(nt, "BuildLab");
        var major = values.DWord(nt, "CurrentMajorVersionNumber");
        var minor = values.DWord(nt, "CurrentMinorVersionNumber");
        installation.Version = major is { } m
            ? string.Format(CultureInfo.InvariantCulture, "{0}.{1}", m, minor ?? 0)
            : Blank(values.String(nt, "CurrentVersion"));
        installation.BuildNumber = Number(values.String(nt, "CurrentBuild")) ?? Number(values.String(nt, "CurrentBuildNumber"));
        installation.Ubr = values.DWord(nt, "UBR") is { } ubr && ubr <= int.MaxValue ? (int)ubr : null;
        installation.Build = installation.BuildNumber is { } build
            ? installation.Ubr is { } revision ? string.Format(CultureInfo.InvariantCulture, "{0}.{1}", build, revision) : build.ToString(CultureInfo.InvariantCulture)
            : null;
        installation.OperatingSystem = OperatingSystemName(installation);
    }

    /// <summary>Windows 11 keeps "Windows 10" in ProductName; the build tells them apart (22000 is Windows 11's first).</summary>
    private static string? OperatingSystemName(WindowsInstallation installation)
    {
        var name = installation.ProductName;
        const string Ten = "Windows 10";
        if (name is not null && installation.BuildNumber >= 22000 && name.StartsWith(Ten, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(installation.InstallationType, "Server", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(installation.InstallationType, "Server Core", StringComparison.OrdinalIgnoreCase))
        {
            return "Windows 11" + name.Substring(Ten.Length);
        }

        return name;
    }

    private static void ReadArchitecture(WindowsInstallation installation, RegistryHive? system, NtfsVolume volume, HiveValues values, int partition, InventoryProblems problems)
    {
        if (installation.CurrentControlSet is { } cs)
        {
            var raw = values.String(values.Key(system, cs + @"\Control\Session Manager\Environment"), "PROCESSOR_ARCHITECTURE");
            if (Parse(raw) is { } fromEnvironment)
            {
                installation.Architecture = fromEnvironment;
                installation.ArchitectureSource = "PROCESSOR_ARCHITECTURE";
            }
            else if (raw is not null)
            {
                problems.Add(ProblemSeverity.Warning, "ArchitectureUnknown", $"PROCESSOR_ARCHITECTURE on partition {partition} is '{raw}', which ImageOps does not know.", partition);
            }
        }

        if (installation.Architecture == WindowsArchitecture.Unknown && installation.BuildLab is { } lab)
        {
            // BuildLabEx: 26100.1.amd64fre.ge_release.240331-1435
            var fromLab = lab.Split('.').Select(p => p.EndsWith("fre", StringComparison.OrdinalIgnoreCase) || p.EndsWith("chk", StringComparison.OrdinalIgnoreCase) ? Parse(p.Substring(0, p.Length - 3)) : null).FirstOrDefault(a => a is not null);
            if (fromLab is { } a)
            {
                installation.Architecture = a;
                installation.ArchitectureSource = "BuildLabEx";
            }
        }

        if (installation.Architecture == WindowsArchitecture.Unknown)
        {
            var fromStore = Guard(() => volume.TryGetEntry(WindowsPaths.DriverStore) is { IsDirectory: true } store ? volume.ListDirectory(store).Select(e => StoreArchitecture(e.Name)).FirstOrDefault(a => a is not null) : null, partition, problems);
            if (fromStore is { } a)
            {
                installation.Architecture = a;
                installation.ArchitectureSource = "DriverStore";
            }
        }

        if (installation.Architecture == WindowsArchitecture.Unknown)
        {
            problems.Add(ProblemSeverity.Warning, "ArchitectureUnknown", $"The architecture of the Windows installation on partition {partition} could not be found (no PROCESSOR_ARCHITECTURE, BuildLabEx or driver store folder).", partition);
            return;
        }

        var is64 = installation.Architecture != WindowsArchitecture.X86;
        if (is64 != installation.HasSysWow64)
        {
            problems.Add(ProblemSeverity.Warning, "ArchitectureMismatch", $"The Windows installation on partition {partition} says {installation.Architecture} ({installation.ArchitectureSource}) but {(installation.HasSysWow64 ? "has" : "has no")} Windows\\SysWOW64, which {(is64 ? "64-bit" : "32-bit")} Windows {(is64 ? "has" : "lacks")}.", partition, WindowsPaths.SysWow64Folder);
        }
    }

    /// <summary>The architecture a driver store folder name carries: <c>netkvm.inf_amd64_0123…</c>.</summary>
    internal static WindowsArchitecture? StoreArchitecture(string folder)
    {
        var parts = folder.Split('_');
        return parts.Length >= 3 ? Parse(parts[parts.Length - 2]) : null;
    }

    internal static WindowsArchitecture? Parse(string? text) => text?.Trim().ToUpperInvariant() switch
    {
        "AMD64" or "X64" => WindowsArchitecture.Amd64,
        "X86" or "I386" => WindowsArchitecture.X86,
        "ARM64" => WindowsArchitecture.Arm64,
        _ => null,
    };

    private static int? Number(string? text)
        => int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text!.Trim();

    private static T Guard<T>(Func<T> read, int partition, InventoryProblems problems)
    {
        try
        {
            return read();
        }
        catch (ImageOpsException ex)
        {
            problems.Add(ProblemSeverity.Warning, "VolumeReadFailed", $"Reading the volume on partition {partition} failed: {ex.Message}", partition);
            return default!;
        }
    }
}
