using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Drivers;

/// <summary>What an INF declares and what Windows would do with it, read without importing it (Get-DriverInf, <c>imageops driver inspect</c>).</summary>
public sealed class DriverInfReport
{
    /// <summary>The INF's full path.</summary>
    public string Path { get; internal set; } = string.Empty;

    /// <summary>The file name.</summary>
    public string Name { get; internal set; } = string.Empty;

    /// <summary>How its bytes were decoded.</summary>
    public InfTextEncoding Encoding { get; internal set; }

    /// <summary>True for an .inx stampinf template.</summary>
    public bool IsTemplate { get; internal set; }

    /// <summary>True if the [Version] Signature is one Windows accepts.</summary>
    public bool IsSignatureValid { get; internal set; }

    /// <summary>Device setup class.</summary>
    public string? Class { get; internal set; }

    /// <summary>Device setup class GUID as written.</summary>
    public string? ClassGuid { get; internal set; }

    /// <summary>Provider.</summary>
    public string? Provider { get; internal set; }

    /// <summary>DriverVer version.</summary>
    public string? Version { get; internal set; }

    /// <summary>DriverVer date.</summary>
    public DateTime? Date { get; internal set; }

    /// <summary>CatalogFile entries: undecorated as "CatalogFile", decorated by their decoration.</summary>
    public Dictionary<string, string> CatalogFiles { get; internal set; } = new();

    /// <summary>PnpLockdown, if set.</summary>
    public int? PnpLockdown { get; internal set; }

    /// <summary>Architectures the INF declares.</summary>
    public InfArchitecture[] Architectures { get; internal set; } = Array.Empty<InfArchitecture>();

    /// <summary>TargetOSVersion decorations of [Manufacturer].</summary>
    public string[] OsTargets { get; internal set; } = Array.Empty<string>();

    /// <summary>[Manufacturer] entries.</summary>
    public DriverInfManufacturer[] Manufacturers { get; internal set; } = Array.Empty<DriverInfManufacturer>();

    /// <summary>Models, per models section (decoration).</summary>
    public DriverModelInfo[] Models { get; internal set; } = Array.Empty<DriverModelInfo>();

    /// <summary>Distinct hardware ids of the models.</summary>
    public string[] HardwareIds { get; internal set; } = Array.Empty<string>();

    /// <summary>What the INF installs per architecture.</summary>
    public DriverInfPlatform[] Platforms { get; internal set; } = Array.Empty<DriverInfPlatform>();

    /// <summary>Files the INF names that are not beside it.</summary>
    public string[] MissingFiles { get; internal set; } = Array.Empty<string>();

    /// <summary>References to files outside the INF's folder, which an import refuses.</summary>
    public string[] RefusedReferences { get; internal set; } = Array.Empty<string>();

    /// <summary>Everything the reader noticed.</summary>
    public DriverInfDiagnostic[] Diagnostics { get; internal set; } = Array.Empty<DriverInfDiagnostic>();

    /// <summary>True if Add-DriverPackage would import it as it is.</summary>
    public bool CanImport { get; internal set; }

    /// <summary>Why it would be refused, if it would.</summary>
    public string[] ImportProblems { get; internal set; } = Array.Empty<string>();

    /// <summary>The name and provider.</summary>
    public override string ToString() => Name + " (" + Provider + ", " + Class + ")";
}

/// <summary>A [Manufacturer] entry.</summary>
public sealed class DriverInfManufacturer
{
    /// <summary>The name.</summary>
    public string Name { get; internal set; } = string.Empty;

    /// <summary>The undecorated models section.</summary>
    public string ModelsSection { get; internal set; } = string.Empty;

    /// <summary>Its TargetOSVersion decorations.</summary>
    public string[] Decorations { get; internal set; } = Array.Empty<string>();

    /// <summary>The name and section.</summary>
    public override string ToString() => Name + " = " + ModelsSection;
}

/// <summary>What an INF installs on one architecture (at the newest Windows build).</summary>
public sealed class DriverInfPlatform
{
    /// <summary>The architecture.</summary>
    public InfArchitecture Architecture { get; internal set; }

    /// <summary>The models sections Windows uses at the newest build.</summary>
    public string[] ModelsSections { get; internal set; } = Array.Empty<string>();

    /// <summary>Install sections used (across Windows versions).</summary>
    public string[] InstallSections { get; internal set; } = Array.Empty<string>();

    /// <summary>Services added.</summary>
    public DriverServiceRecord[] Services { get; internal set; } = Array.Empty<DriverServiceRecord>();

    /// <summary>Package files with where they are copied.</summary>
    public DriverInfFile[] Files { get; internal set; } = Array.Empty<DriverInfFile>();

    /// <summary>The catalog.</summary>
    public string? CatalogFile { get; internal set; }

    /// <summary>True if it is beside the INF.</summary>
    public bool CatalogPresent { get; internal set; }

    /// <summary>True if it adds a boot-start service.</summary>
    public bool IsBootCritical { get; internal set; }

    /// <summary>True if a boot-start storage controller driver.</summary>
    public bool IsBootStorageController { get; internal set; }

    /// <summary>Why (or why not quite) boot-critical.</summary>
    public string[] BootReasons { get; internal set; } = Array.Empty<string>();

    /// <summary>The architecture.</summary>
    public override string ToString() => DriverPlatform.ArchitectureName(Architecture);
}

/// <summary>A file of the package and its destinations.</summary>
public sealed class DriverInfFile
{
    /// <summary>Path relative to the INF's folder.</summary>
    public string Path { get; internal set; } = string.Empty;

    /// <summary>Where CopyFiles puts it (dirid and subdirectory), empty if nothing copies it.</summary>
    public string[] Destinations { get; internal set; } = Array.Empty<string>();

    /// <summary>The path.</summary>
    public override string ToString() => Path;
}

/// <summary>A diagnostic of the INF reader.</summary>
public sealed class DriverInfDiagnostic
{
    /// <summary>Info, Warning or Error.</summary>
    public InfDiagnosticSeverity Severity { get; internal set; }

    /// <summary>The stable code.</summary>
    public InfDiagnosticCode Code { get; internal set; }

    /// <summary>The INF it concerns.</summary>
    public string Source { get; internal set; } = string.Empty;

    /// <summary>1-based line, 0 for the whole file.</summary>
    public int Line { get; internal set; }

    /// <summary>1-based column.</summary>
    public int Column { get; internal set; }

    /// <summary>A sentence for a person.</summary>
    public string Message { get; internal set; } = string.Empty;

    /// <summary>file(line,column): severity code: message.</summary>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0}({1},{2}): {3} {4}: {5}", Source, Line, Column, Severity, Code, Message);
}

/// <summary>Inspects an INF in its folder without importing it.</summary>
public static class DriverInfInspector
{
    /// <summary>Reads the INF at <paramref name="infPath"/> (its folder is its package) and reports what it declares.</summary>
    /// <exception cref="ImageOpsException">The INF does not exist, cannot be read, or is malformed beyond reading (typed, with line and column).</exception>
    public static DriverInfReport Inspect(string infPath, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        var full = System.IO.Path.GetFullPath(infPath);
        if (!File.Exists(full))
        {
            throw new ObjectNotFoundException(ErrorIds.DriverPackageSourceNotFound, $"The INF '{full}' does not exist.", full);
        }

        var source = new InfFolderSource(System.IO.Path.GetDirectoryName(full)!);
        var package = InfPackage.Open(source, System.IO.Path.GetFileName(full), cancellation: context.Cancellation);
        var analysis = DriverInfAnalyzer.Analyze(package, source, null, context.Cancellation);
        var document = package.Document;
        var version = document.Version;
        var record = analysis.Record;
        var info = new DriverPackageInfo(record, string.Empty, new DriverObjectStore(string.Empty));
        var catalogs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (version.CatalogFile is not null)
        {
            catalogs["CatalogFile"] = version.CatalogFile;
        }

        foreach (var pair in version.DecoratedCatalogFiles)
        {
            catalogs["CatalogFile." + pair.Key] = pair.Value;
        }

        var problems = new List<string>();
        if (!version.Exists || !version.IsSignatureValid)
        {
            problems.Add(version.Exists ? "its Signature is not $Windows NT$ or $Chicago$" : "it has no [Version] section");
        }

        problems.AddRange(analysis.RefusedReferences.Select(r => "refers outside its folder: " + r));
        problems.AddRange(analysis.Errors.Select(e => e.ToString()));
        problems.AddRange(analysis.MissingFiles.Select(m => "missing file: " + m));
        return new DriverInfReport
        {
            Path = full,
            Name = record.InfName,
            Encoding = document.Encoding,
            IsTemplate = document.IsTemplate,
            IsSignatureValid = version.IsSignatureValid,
            Class = version.Class,
            ClassGuid = version.ClassGuidText,
            Provider = version.Provider,
            Version = record.DriverVersion,
            Date = DriverPackageInfo.ParseDate(record.DriverDate),
            CatalogFiles = catalogs,
            PnpLockdown = version.PnpLockdown,
            Architectures = record.Architectures.ToArray(),
            OsTargets = record.OsTargets.ToArray(),
            Manufacturers = record.Manufacturers.Select(m => new DriverInfManufacturer { Name = m.Name, ModelsSection = m.ModelsSection, Decorations = m.Decorations.ToArray() }).ToArray(),
            Models = info.Models,
            HardwareIds = info.HardwareIds,
            Platforms = analysis.PerArchitecture.Select(a =>
            {
                var platform = record.Platforms.First(p => p.Architecture == a.Architecture);
                var newest = a.Resolutions.FirstOrDefault();
                return new DriverInfPlatform
                {
                    Architecture = a.Architecture,
                    ModelsSections = newest?.ModelsSections.ToArray() ?? Array.Empty<string>(),
                    InstallSections = record.InstallSections.Where(s => s.Architecture == a.Architecture).Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
                    Services = platform.Services.ToArray(),
                    Files = a.Resolutions.SelectMany(r => r.Files).GroupBy(f => f.SourcePath, StringComparer.OrdinalIgnoreCase)
                        .Select(g => new DriverInfFile { Path = g.Key, Destinations = g.SelectMany(f => f.Copies).Select(c => c.Destination?.ToString() ?? "(no DestinationDirs)").Distinct().ToArray() }).ToArray(),
                    CatalogFile = platform.CatalogFile,
                    CatalogPresent = platform.CatalogPresent,
                    IsBootCritical = platform.BootCritical,
                    IsBootStorageController = platform.BootStorageController,
                    BootReasons = platform.BootReasons.ToArray(),
                };
            }).ToArray(),
            MissingFiles = analysis.MissingFiles.ToArray(),
            RefusedReferences = analysis.RefusedReferences.ToArray(),
            Diagnostics = analysis.Diagnostics.Select(d => new DriverInfDiagnostic { Severity = d.Severity, Code = d.Code, Source = d.SourceName, Line = d.Line, Column = d.Column, Message = d.Message }).ToArray(),
            CanImport = problems.Count == 0 && record.Architectures.Count > 0,
            ImportProblems = problems.ToArray(),
        };
    }
}
