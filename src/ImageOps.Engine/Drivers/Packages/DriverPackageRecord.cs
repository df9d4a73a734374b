using System;
using System.Collections.Generic;
using ImageOps.Engine.Storage;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// <c>drivers/packages/&lt;id&gt;.json</c>: everything ImageOps needs to know about a stored package without
/// reading its INF again — its [Version] values, its manufacturers and every decorated models section with
/// their entries (for matching on any OS), the install sections each architecture uses (feature score,
/// DriverVer, services, boot start), per-architecture catalog and boot classification, and its files with
/// their SHA-256 (the content lives once in <c>drivers/objects</c>).
/// </summary>
[RecordSchema("DriverPackage", 1)]
public sealed class DriverPackageRecord : Record
{
    /// <summary>The package id: the first 16 hex digits of the SHA-256 of its file list (paths and hashes).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The INF's file name.</summary>
    public string InfName { get; set; } = string.Empty;

    /// <summary>The INF's path in the package ('/' separators; the package root is the INF's folder).</summary>
    public string InfPath { get; set; } = string.Empty;

    /// <summary>[Version] Provider.</summary>
    public string? Provider { get; set; }

    /// <summary>[Version] Class.</summary>
    public string? Class { get; set; }

    /// <summary>[Version] ClassGuid as written.</summary>
    public string? ClassGuid { get; set; }

    /// <summary>DriverVer date as yyyy-MM-dd, or null if absent or invalid.</summary>
    public string? DriverDate { get; set; }

    /// <summary>DriverVer version (w.x.y.z), or null.</summary>
    public string? DriverVersion { get; set; }

    /// <summary>True for an .inx stampinf template.</summary>
    public bool IsTemplate { get; set; }

    /// <summary>Architectures the package was imported for.</summary>
    public List<InfArchitecture> Architectures { get; set; } = new();

    /// <summary>Every TargetOSVersion decoration of the [Manufacturer] section.</summary>
    public List<string> OsTargets { get; set; } = new();

    /// <summary>[Manufacturer] entries.</summary>
    public List<DriverManufacturerRecord> Manufacturers { get; set; } = new();

    /// <summary>Every models section the manufacturers name that exists, with its entries.</summary>
    public List<DriverModelsSectionRecord> ModelsSections { get; set; } = new();

    /// <summary>The install sections models use, per architecture.</summary>
    public List<DriverInstallSectionRecord> InstallSections { get; set; } = new();

    /// <summary>Per-architecture catalog and boot classification.</summary>
    public List<DriverPlatformRecord> Platforms { get; set; } = new();

    /// <summary>The package's files.</summary>
    public List<DriverFileRecord> Files { get; set; } = new();

    /// <summary>Groups the package belongs to (profiles refer to groups).</summary>
    public List<string> Groups { get; set; } = new();

    /// <summary>When it was imported.</summary>
    public DateTimeOffset ImportedUtc { get; set; }

    /// <summary>The folder, INF or archive it was imported from.</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>The INF's path inside the source ('/' separators).</summary>
    public string SourceInfPath { get; set; } = string.Empty;

    /// <summary>Warnings the INF reader reported (at most 50).</summary>
    public List<string> Warnings { get; set; } = new();
}

/// <summary>A [Manufacturer] entry.</summary>
public sealed class DriverManufacturerRecord
{
    /// <summary>The manufacturer name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The undecorated models section name.</summary>
    public string ModelsSection { get; set; } = string.Empty;

    /// <summary>The TargetOSVersion decorations as written.</summary>
    public List<string> Decorations { get; set; } = new();
}

/// <summary>A models section and its entries.</summary>
public sealed class DriverModelsSectionRecord
{
    /// <summary>The section name, for example <c>Intel.NTamd64.10.0...19041</c>.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The decoration it carries, or null for the undecorated section.</summary>
    public string? Decoration { get; set; }

    /// <summary>Index of the manufacturer in <see cref="DriverPackageRecord.Manufacturers"/>.</summary>
    public int Manufacturer { get; set; }

    /// <summary>The entries, in file order.</summary>
    public List<DriverModelRecord> Models { get; set; } = new();
}

/// <summary>A models entry.</summary>
public sealed class DriverModelRecord
{
    /// <summary>Device description.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>The undecorated install section.</summary>
    public string InstallSection { get; set; } = string.Empty;

    /// <summary>The hardware id, or null.</summary>
    public string? HardwareId { get; set; }

    /// <summary>Compatible ids, in order.</summary>
    public List<string> CompatibleIds { get; set; } = new();
}

/// <summary>An install section as an architecture uses it.</summary>
public sealed class DriverInstallSectionRecord
{
    /// <summary>The architecture.</summary>
    public InfArchitecture Architecture { get; set; }

    /// <summary>The name the models entry gives.</summary>
    public string BaseName { get; set; } = string.Empty;

    /// <summary>The section Windows uses (for example <c>e1d.NTamd64</c>).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>True if it exists.</summary>
    public bool Exists { get; set; }

    /// <summary>Its decoration (<c>.NTamd64</c>, <c>.NT</c> or empty): an unsigned driver without <c>.NT</c> ranks worse.</summary>
    public string Decoration { get; set; } = string.Empty;

    /// <summary>FeatureScore (0x00-0xFF), or null for the default 0xFF.</summary>
    public int? FeatureScore { get; set; }

    /// <summary>The section's own DriverVer date (yyyy-MM-dd), which overrides [Version]'s, or null.</summary>
    public string? DriverDate { get; set; }

    /// <summary>The section's own DriverVer version, or null.</summary>
    public string? DriverVersion { get; set; }

    /// <summary>Services its .Services section adds.</summary>
    public List<string> Services { get; set; } = new();

    /// <summary>True if one of them is boot-start (StartType 0).</summary>
    public bool BootStart { get; set; }
}

/// <summary>What a package is on one architecture.</summary>
public sealed class DriverPlatformRecord
{
    /// <summary>The architecture.</summary>
    public InfArchitecture Architecture { get; set; }

    /// <summary>The catalog file that signs it here, or null.</summary>
    public string? CatalogFile { get; set; }

    /// <summary>True if the catalog is in the package.</summary>
    public bool CatalogPresent { get; set; }

    /// <summary>True if it adds a boot-start service.</summary>
    public bool BootCritical { get; set; }

    /// <summary>True if boot-critical and of the SCSIAdapter or HDC class.</summary>
    public bool BootStorageController { get; set; }

    /// <summary>True if a service has BootFlags.</summary>
    public bool ConditionallyBootCritical { get; set; }

    /// <summary>Services added, as name and start type.</summary>
    public List<DriverServiceRecord> Services { get; set; } = new();

    /// <summary>Why it is (or is not quite) boot-critical.</summary>
    public List<string> BootReasons { get; set; } = new();
}

/// <summary>A service a package adds.</summary>
public sealed class DriverServiceRecord
{
    /// <summary>Service name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>StartType, or null.</summary>
    public InfServiceStartType? StartType { get; set; }

    /// <summary>ServiceBinary.</summary>
    public string? Binary { get; set; }

    /// <summary>LoadOrderGroup.</summary>
    public string? LoadOrderGroup { get; set; }
}

/// <summary>A file of a package.</summary>
public sealed class DriverFileRecord
{
    /// <summary>Path relative to the package root ('/' separators, original case).</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>SHA-256 of the content, lower-case hex.</summary>
    public string Sha256 { get; set; } = string.Empty;

    /// <summary>Size in bytes.</summary>
    public long SizeBytes { get; set; }
}
