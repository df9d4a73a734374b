using System;
using System.Linq;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Inventory;

/// <summary>
/// One offline Windows installation: where it is, what it is (from the SOFTWARE hive's
/// <c>Microsoft\Windows NT\CurrentVersion</c>), its architecture and control set (SYSTEM hive), the
/// state of both hives, and its drivers.
/// </summary>
public sealed class WindowsInstallation
{
    /// <summary>The partition number of its volume (0 for a disk that is one volume without a partition table).</summary>
    public int PartitionNumber { get; set; }

    /// <summary>The NTFS volume label.</summary>
    public string VolumeLabel { get; set; } = string.Empty;

    /// <summary>The volume serial number, as 16 hex digits.</summary>
    public string VolumeSerialNumber { get; set; } = string.Empty;

    /// <summary>True if the volume is marked dirty (not shut down cleanly, or chkdsk is due).</summary>
    public bool VolumeDirty { get; set; }

    /// <summary>The product name as stored (Windows 11 still stores "Windows 10 ..." there).</summary>
    public string? ProductName { get; set; }

    /// <summary>
    /// The product name a person expects: <see cref="ProductName"/>, with "Windows 10" read as
    /// "Windows 11" for client builds 22000 and later (which keep the old name in the registry).
    /// </summary>
    public string? OperatingSystem { get; set; }

    /// <summary>EditionID, for example <c>Professional</c> or <c>Enterprise</c>.</summary>
    public string? EditionId { get; set; }

    /// <summary>DisplayVersion, for example <c>24H2</c> (null before Windows 10 20H2).</summary>
    public string? DisplayVersion { get; set; }

    /// <summary>ReleaseId, for example <c>2009</c> (frozen since 20H2; null before Windows 10).</summary>
    public string? ReleaseId { get; set; }

    /// <summary>major.minor: CurrentMajorVersionNumber and CurrentMinorVersionNumber, else CurrentVersion (6.1 for Windows 7).</summary>
    public string? Version { get; set; }

    /// <summary>The build number (CurrentBuild, else CurrentBuildNumber).</summary>
    public int? BuildNumber { get; set; }

    /// <summary>The update build revision (UBR), which monthly updates raise.</summary>
    public int? Ubr { get; set; }

    /// <summary>The full build: <c>26100.2314</c> (build and UBR), or the build alone without a UBR.</summary>
    public string? Build { get; set; }

    /// <summary>BuildLabEx, as stored.</summary>
    public string? BuildLab { get; set; }

    /// <summary>InstallationType: Client, Server, Server Core.</summary>
    public string? InstallationType { get; set; }

    /// <summary>The processor architecture Windows was installed for.</summary>
    public WindowsArchitecture Architecture { get; set; }

    /// <summary>Where <see cref="Architecture"/> was read: the SYSTEM environment, BuildLabEx, or the driver store.</summary>
    public string? ArchitectureSource { get; set; }

    /// <summary>True if <c>Windows\SysWOW64</c> exists (64-bit Windows).</summary>
    public bool HasSysWow64 { get; set; }

    /// <summary>The control set in use, from <c>Select\Current</c> (for example <c>ControlSet001</c>).</summary>
    public string? CurrentControlSet { get; set; }

    /// <summary>True if the SYSTEM hive has a DriverDatabase (Windows 8 and later).</summary>
    public bool HasDriverDatabase { get; set; }

    /// <summary>How the SYSTEM hive was read.</summary>
    public HiveState SystemHive { get; set; }

    /// <summary>How the SOFTWARE hive was read.</summary>
    public HiveState SoftwareHive { get; set; }

    /// <summary>Drivers: in-box and third-party, installed or only staged in the driver store.</summary>
    public InstalledDriver[] Drivers { get; set; } = Array.Empty<InstalledDriver>();

    /// <summary>The INF architecture matching <see cref="Architecture"/> (Unspecified when unknown).</summary>
    public InfArchitecture ToInfArchitecture() => Architecture switch
    {
        WindowsArchitecture.X86 => InfArchitecture.X86,
        WindowsArchitecture.Amd64 => InfArchitecture.Amd64,
        WindowsArchitecture.Arm64 => InfArchitecture.Arm64,
        _ => InfArchitecture.Unspecified,
    };

    /// <inheritdoc />
    public override string ToString()
        => string.Join(" ", new[] { OperatingSystem ?? ProductName ?? "Windows", DisplayVersion, Build, Architecture.ToString() }.Where(s => !string.IsNullOrEmpty(s)));
}

/// <summary>Processor architectures Windows installs for (PROCESSOR_ARCHITECTURE).</summary>
public enum WindowsArchitecture
{
    /// <summary>Not found or not recognised.</summary>
    Unknown,

    /// <summary>32-bit x86.</summary>
    X86,

    /// <summary>x64 (AMD64).</summary>
    Amd64,

    /// <summary>64-bit ARM.</summary>
    Arm64,
}

/// <summary>How a registry hive of an inventoried image was read.</summary>
public enum HiveState
{
    /// <summary>The hive file is not there.</summary>
    Missing,

    /// <summary>Clean: read as it is.</summary>
    Clean,

    /// <summary>Dirty, and its transaction logs were replayed in memory (the image was not changed).</summary>
    Recovered,

    /// <summary>Dirty and not recoverable from its logs: read as it is, so its newest changes may be missing.</summary>
    Dirty,

    /// <summary>Damaged base block or truncated: read in salvage mode from the hive bins present.</summary>
    Salvaged,

    /// <summary>Could not be read at all.</summary>
    Unreadable,
}
