using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Drivers;

/// <summary>A driver package in the library, as Get-DriverPackage and <c>imageops driver list</c> show it.</summary>
public sealed class DriverPackageInfo
{
    internal DriverPackageInfo(DriverPackageRecord record, string libraryPath, DriverObjectStore store)
    {
        Record = record;
        Id = record.Id;
        Name = record.InfName;
        Provider = record.Provider;
        Class = record.Class;
        ClassGuid = record.ClassGuid;
        Version = record.DriverVersion;
        Date = ParseDate(record.DriverDate);
        Architectures = record.Architectures.ToArray();
        OsTargets = record.OsTargets.ToArray();
        Groups = record.Groups.ToArray();
        Models = record.ModelsSections.SelectMany(s => s.Models.Select(m => new DriverModelInfo(record.Manufacturers.ElementAtOrDefault(s.Manufacturer)?.Name ?? string.Empty, s.Name, s.Decoration, m))).ToArray();
        HardwareIds = Models.Select(m => m.HardwareId).Where(h => h is not null).Distinct(StringComparer.OrdinalIgnoreCase).ToArray()!;
        CatalogPresent = record.Platforms.Count > 0 && record.Platforms.All(p => p.CatalogPresent);
        IsBootCritical = record.Platforms.Any(p => p.BootCritical);
        IsBootStorageController = record.Platforms.Any(p => p.BootStorageController);
        Services = record.Platforms.SelectMany(p => p.Services).Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        Files = record.Files.Select(f => new DriverPackageFileInfo(f.Path, f.Sha256, f.SizeBytes, store.PathOf(f.Sha256))).ToArray();
        SizeBytes = record.Files.Sum(f => f.SizeBytes);
        ImportedUtc = record.ImportedUtc;
        Source = record.Source;
        SourceInfPath = record.SourceInfPath;
        Warnings = record.Warnings.ToArray();
        LibraryPath = libraryPath;
    }

    /// <summary>The package id (16 hex digits derived from its files' contents and paths).</summary>
    public string Id { get; }

    /// <summary>The INF file name.</summary>
    public string Name { get; }

    /// <summary>[Version] Provider.</summary>
    public string? Provider { get; }

    /// <summary>Device setup class, for example <c>Net</c> or <c>SCSIAdapter</c>.</summary>
    public string? Class { get; }

    /// <summary>Device setup class GUID as written.</summary>
    public string? ClassGuid { get; }

    /// <summary>DriverVer version.</summary>
    public string? Version { get; }

    /// <summary>DriverVer date.</summary>
    public DateTime? Date { get; }

    /// <summary>Architectures it was imported for.</summary>
    public InfArchitecture[] Architectures { get; }

    /// <summary>TargetOSVersion decorations of its [Manufacturer] section.</summary>
    public string[] OsTargets { get; }

    /// <summary>Groups it belongs to.</summary>
    public string[] Groups { get; }

    /// <summary>Every models entry, per models section.</summary>
    public DriverModelInfo[] Models { get; }

    /// <summary>The distinct hardware ids of its models.</summary>
    public string[] HardwareIds { get; }

    /// <summary>
    /// True if every architecture's catalog file is in the package. The signature itself is not verified
    /// (that needs Windows' trust store); matching ranks such a package as signed.
    /// </summary>
    public bool CatalogPresent { get; }

    /// <summary>True if it adds a boot-start service on some architecture.</summary>
    public bool IsBootCritical { get; }

    /// <summary>True if it is a boot-critical storage controller driver (SCSIAdapter or HDC class).</summary>
    public bool IsBootStorageController { get; }

    /// <summary>Services it adds.</summary>
    public string[] Services { get; }

    /// <summary>Its files, with where the store keeps each.</summary>
    public DriverPackageFileInfo[] Files { get; }

    /// <summary>Total size of its files in bytes (shared content counted in full).</summary>
    public long SizeBytes { get; }

    /// <summary>When it was imported.</summary>
    public DateTimeOffset ImportedUtc { get; }

    /// <summary>Folder, INF or archive it was imported from.</summary>
    public string Source { get; }

    /// <summary>The INF's path inside that source.</summary>
    public string SourceInfPath { get; }

    /// <summary>Warnings the INF reader reported.</summary>
    public string[] Warnings { get; }

    /// <summary>The library it is in, so piped objects act on the same library.</summary>
    public string LibraryPath { get; }

    internal DriverPackageRecord Record { get; }

    /// <summary>The name and id.</summary>
    public override string ToString() => Name + " (" + Id + ")";

    internal static DateTime? ParseDate(string? text)
        => DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}

/// <summary>A models entry of a stored package.</summary>
public sealed class DriverModelInfo
{
    internal DriverModelInfo(string manufacturer, string modelsSection, string? decoration, DriverModelRecord model)
    {
        Manufacturer = manufacturer;
        ModelsSection = modelsSection;
        Decoration = decoration;
        Description = model.Description;
        InstallSection = model.InstallSection;
        HardwareId = model.HardwareId;
        CompatibleIds = model.CompatibleIds.ToArray();
    }

    /// <summary>The manufacturer.</summary>
    public string Manufacturer { get; }

    /// <summary>The models section.</summary>
    public string ModelsSection { get; }

    /// <summary>Its TargetOSVersion decoration, or null.</summary>
    public string? Decoration { get; }

    /// <summary>Device description.</summary>
    public string Description { get; }

    /// <summary>Install section.</summary>
    public string InstallSection { get; }

    /// <summary>Hardware id.</summary>
    public string? HardwareId { get; }

    /// <summary>Compatible ids.</summary>
    public string[] CompatibleIds { get; }

    /// <summary>The description and hardware id.</summary>
    public override string ToString() => Description + " (" + HardwareId + ")";
}

/// <summary>A file of a stored package.</summary>
public sealed class DriverPackageFileInfo
{
    internal DriverPackageFileInfo(string path, string sha256, long sizeBytes, string storePath)
    {
        Path = path;
        Sha256 = sha256;
        SizeBytes = sizeBytes;
        StorePath = storePath;
    }

    /// <summary>Path relative to the package root ('/' separators).</summary>
    public string Path { get; }

    /// <summary>SHA-256 of the content.</summary>
    public string Sha256 { get; }

    /// <summary>Size in bytes.</summary>
    public long SizeBytes { get; }

    /// <summary>Where the store keeps the content (read-only: shared with other packages).</summary>
    public string StorePath { get; }

    /// <summary>The path.</summary>
    public override string ToString() => Path;
}
