using System.Collections.Generic;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Samples;

/// <summary>What a synthetic Windows image holds. Defaults describe a Windows 11 24H2 Pro x64 UEFI install.</summary>
public sealed class WindowsImageSpec
{
    /// <summary>Disk format of the image.</summary>
    public DiskFormat Format { get; set; } = DiskFormat.Vhdx;

    /// <summary>Virtual size.</summary>
    public long SizeBytes { get; set; } = 512L << 20;

    /// <summary>UEFI (GPT with EFI system and MSR partitions) or BIOS (MBR with a System Reserved partition).</summary>
    public bool Uefi { get; set; } = true;

    /// <summary>SOFTWARE\...\CurrentVersion ProductName.</summary>
    public string ProductName { get; set; } = "Windows 10 Pro";

    /// <summary>EditionID.</summary>
    public string EditionId { get; set; } = "Professional";

    /// <summary>DisplayVersion (and ReleaseId).</summary>
    public string DisplayVersion { get; set; } = "24H2";

    /// <summary>CurrentBuild / CurrentBuildNumber.</summary>
    public int Build { get; set; } = 26100;

    /// <summary>UBR: the update build revision.</summary>
    public int Ubr { get; set; } = 2314;

    /// <summary>CurrentMajorVersionNumber.</summary>
    public int MajorVersion { get; set; } = 10;

    /// <summary>CurrentMinorVersionNumber.</summary>
    public int MinorVersion { get; set; }

    /// <summary>Client or Server.</summary>
    public string InstallationType { get; set; } = "Client";

    /// <summary>PROCESSOR_ARCHITECTURE: AMD64, x86 or ARM64.</summary>
    public string Architecture { get; set; } = "AMD64";

    /// <summary>Drivers present (in-box and third-party).</summary>
    public List<SampleDriver> Drivers { get; set; } = SampleDrivers.Default();

    /// <summary>True for builds with the SYSTEM hive's DriverDatabase (Windows 8, build 9200, and later).</summary>
    public bool HasDriverDatabase => Build >= 9200;

    /// <summary>
    /// A spec for a Windows build as Windows records it: version 6.1 for Windows 7 (7600, 7601), 6.2 and 6.3
    /// for Windows 8 and 8.1, 10.0 from build 10240 on; the product name ("Windows 10 Pro" even for Windows
    /// 11, as Windows 11 itself stores it) and the DisplayVersion of the known builds (empty otherwise).
    /// Everything else keeps the defaults.
    /// </summary>
    public static WindowsImageSpec ForBuild(int build, int ubr = 0)
    {
        var spec = new WindowsImageSpec { Build = build, Ubr = ubr };
        (spec.MajorVersion, spec.MinorVersion, spec.ProductName) = build switch
        {
            < 9200 => (6, 1, "Windows 7 Professional"),
            < 9600 => (6, 2, "Windows 8 Pro"),
            < 10240 => (6, 3, "Windows 8.1 Pro"),
            _ => (10, 0, "Windows 10 Pro"),
        };
        spec.DisplayVersion = build switch
        {
            10240 => "1507",
            14393 => "1607",
            17763 => "1809",
            19041 => "2004",
            19042 => "20H2",
            19043 => "21H1",
            19044 => "21H2",
            19045 => "22H2",
            22000 => "21H2",
            22621 => "22H2",
            22631 => "23H2",
            26100 => "24H2",
            26200 => "25H2",
            _ => string.Empty,
        };
        return spec;
    }

    /// <summary>Sets <see cref="Architecture"/> from the inventory's enum (PROCESSOR_ARCHITECTURE: AMD64, x86, ARM64).</summary>
    public WindowsImageSpec WithArchitecture(Inventory.WindowsArchitecture architecture)
    {
        Architecture = architecture switch
        {
            Inventory.WindowsArchitecture.X86 => "x86",
            Inventory.WindowsArchitecture.Arm64 => "ARM64",
            Inventory.WindowsArchitecture.Amd64 => "AMD64",
            _ => throw new System.ArgumentOutOfRangeException(nameof(architecture), "Give AMD64, x86 or ARM64."),
        };
        return this;
    }

    /// <summary>The driver store's architecture folder name: amd64, x86 or arm64.</summary>
    public string StoreArchitecture => Architecture switch
    {
        "x86" => "x86",
        "ARM64" => "arm64",
        _ => "amd64",
    };
}
