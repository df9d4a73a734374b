using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// Turns an INF read from its package into what the library stores and what inspection shows: the
/// architectures it supports, every models section its manufacturers name, and — per architecture — its
/// files, catalog, services, install sections and boot classification, with the files it names that the
/// package lacks and the references it makes outside the package.
/// <para>
/// An INF can pick different models (and so install sections and files) per OS version, so each
/// architecture is evaluated once per distinct TargetOSVersion its decorations name (each at the lowest
/// version that selects it) plus once at the newest possible build; the union is the package. The number
/// of evaluations per architecture is capped, so a hostile INF with thousands of decorations stays cheap.
/// </para>
/// </summary>
internal static class DriverInfAnalyzer
{
    /// <summary>Most evaluations per architecture.</summary>
    private const int MaxPlatformsPerArchitecture = 16;

    /// <summary>Most models entries kept (far above the largest OEM INFs, which list a few thousand).</summary>
    private const int MaxModels = 200_000;

    private static readonly InfArchitecture[] CommonArchitectures = { InfArchitecture.X86, InfArchitecture.Amd64, InfArchitecture.Arm64 };

    public static DriverInfAnalysis Analyze(InfPackage package, InfFolderSource source, IReadOnlyCollection<InfArchitecture>? only, CancellationToken cancellation)
    {
        var document = package.Document;
        var analysis = new DriverInfAnalysis(package);
        var record = analysis.Record;
        var version = document.Version;
        record.InfPath = package.InfPath;
        record.InfName = package.InfPath.Substring(package.InfPath.LastIndexOf('/') + 1);
        record.Provider = version.Provider;
        record.Class = version.Class;
        record.ClassGuid = version.ClassGuidText;
        record.DriverDate = version.DriverVersion?.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        record.DriverVersion = version.DriverVersion?.Version?.ToString();
        record.IsTemplate = document.IsTemplate;

        AddModels(document, record);
        var declared = DeclaredArchitectures(document);
        analysis.DeclaredArchitectures = declared;
        var architectures = only is null || only.Count == 0 ? declared : declared.Where(only.Contains).ToList();
        record.Architectures = architectures.ToList();
        record.OsTargets = document.Manufacturers.SelectMany(m => m.TargetOsVersions).Select(d => d.Text).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        var diagnostics = new List<InfDiagnostic>(document.Diagnostics.Concat(package.Diagnostics));
        var files = new Dictionary<string, (string Relative, string Host)>(StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        void AddFile(string relative)
        {
            if (files.ContainsKey(relative))
            {
                return;
            }

            string? host;
            try
            {
                host = source.Resolve(relative);
            }
            catch (InfFileReferenceException ex)
            {
                analysis.RefusedReferences.Add(relative + ": " + ex.Reason);
                return;
            }

            if (host is null)
            {
                if (!missing.Contains(relative, StringComparer.OrdinalIgnoreCase))
                {
                    missing.Add(relative);
                }

                return;
            }

            // The store keeps names as they are on disk, so an export restores the original layout even
            // where the INF spells a name in another case.
            var actual = Platform.PathRules.RelativePath(source.Root, host).Replace(System.IO.Path.DirectorySeparatorChar, '/');
            files[relative] = (actual, host);
        }

        AddFile(package.InfPath);
        foreach (var included in package.IncludedDocuments)
        {
            AddFile(included.SourceName);
        }

        foreach (var architecture in architectures)
        {
            var summary = new DriverInfArchitectureSummary(architecture);
            analysis.PerArchitecture.Add(summary);
            var platformRecord = new DriverPlatformRecord { Architecture = architecture };
            record.Platforms.Add(platformRecord);
            var installs = new Dictionary<string, DriverInstallSectionRecord>(StringComparer.OrdinalIgnoreCase);
            var services = new Dictionary<string, InfService>(StringComparer.OrdinalIgnoreCase);
            foreach (var platform in PlatformsFor(document, architecture))
            {
                cancellation.ThrowIfCancellationRequested();
                var resolution = package.Resolve(platform, cancellation);
                summary.Resolutions.Add(resolution);
                diagnostics.AddRange(resolution.Diagnostics);
                foreach (var file in resolution.Files)
                {
                    AddFile(file.SourcePath);
                }

                foreach (var inf in resolution.CopiedInfs)
                {
                    AddNormalized(inf, AddFile, analysis);
                }

                if (resolution.CatalogFile is not null && platformRecord.CatalogFile is null)
                {
                    platformRecord.CatalogFile = resolution.CatalogFile;
                    AddNormalized(resolution.CatalogFile, AddFile, analysis);
                }

                foreach (var service in resolution.Services)
                {
                    if (!service.IsNullDriver && !services.ContainsKey(service.Name))
                    {
                        services.Add(service.Name, service);
                    }
                }

                platformRecord.BootCritical |= resolution.Boot.IsBootCritical;
                platformRecord.BootStorageController |= resolution.Boot.IsBootStorageController;
                platformRecord.ConditionallyBootCritical |= resolution.Boot.IsConditionallyBootCritical;
                foreach (var reason in resolution.Boot.Reasons)
                {
                    if (!platformRecord.BootReasons.Contains(reason.ToString()))
                    {
                        platformRecord.BootReasons.Add(reason.ToString());
                    }
                }

                foreach (var device in resolution.Devices)
                {
                    var install = device.InstallSection;
                    if (!installs.ContainsKey(install.BaseName))
                    {
                        installs.Add(install.BaseName, Describe(document, install, architecture, analysis));
                    }
                }
            }

            platformRecord.CatalogPresent = platformRecord.CatalogFile is not null && CatalogPresent(source, platformRecord.CatalogFile);
            platformRecord.Services = services.Values.Select(s => new DriverServiceRecord { Name = s.Name, StartType = s.StartType, Binary = s.ServiceBinary, LoadOrderGroup = s.LoadOrderGroup }).ToList();
            record.InstallSections.AddRange(installs.Values);
        }

        analysis.Files.AddRange(files.Values.OrderBy(f => f.Relative, StringComparer.OrdinalIgnoreCase));
        analysis.MissingFiles.AddRange(missing);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in diagnostics)
        {
            if (seen.Add(d.ToString()))
            {
                analysis.Diagnostics.Add(d);
            }
        }

        foreach (var d in analysis.Diagnostics)
        {
            if (d.Code == InfDiagnosticCode.UnsafeFileReference)
            {
                analysis.RefusedReferences.Add(d.Message);
            }
            else if (d.Severity == InfDiagnosticSeverity.Error && d.Code != InfDiagnosticCode.ReferencedFileMissing)
            {
                analysis.Errors.Add(d);
            }
            else if (d.Severity == InfDiagnosticSeverity.Warning && record.Warnings.Count < 50)
            {
                record.Warnings.Add(d.ToString());
            }
        }

        return analysis;
    }

    /// <summary>
    /// The architectures an INF declares: those its [Manufacturer] decorations name (undecorated or plain
    /// NT means x86), the common three for a template's <c>NT$ARCH$</c>, and for an INF without models the
    /// architectures its DefaultInstall sections are decorated for (all common ones if none is).
    /// </summary>
    public static List<InfArchitecture> DeclaredArchitectures(InfDocument document)
    {
        var set = new List<InfArchitecture>(document.Architectures);
        if (document.Manufacturers.Any(m => m.TargetOsVersions.Any(d => d.IsArchitecturePlaceholder)))
        {
            set.AddRange(CommonArchitectures);
        }

        if (document.Manufacturers.Count == 0)
        {
            foreach (var architecture in CommonArchitectures)
            {
                var install = document.GetInstallSection("DefaultInstall", architecture);
                if (install.Exists && install.Decoration.Length > ".NT".Length)
                {
                    set.Add(architecture);
                }
            }

            if (set.Count == 0)
            {
                set.AddRange(CommonArchitectures);
            }
        }

        return set.Distinct().OrderBy(a => a).ToList();
    }

    private static void AddModels(InfDocument document, DriverPackageRecord record)
    {
        var added = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var total = 0;
        for (var m = 0; m < document.Manufacturers.Count; m++)
        {
            var manufacturer = document.Manufacturers[m];
            record.Manufacturers.Add(new DriverManufacturerRecord
            {
                Name = manufacturer.Name,
                ModelsSection = manufacturer.ModelsSectionName,
                Decorations = manufacturer.TargetOsVersions.Select(d => d.Text).ToList(),
            });

            var names = new List<(string Name, string? Decoration)> { (manufacturer.ModelsSectionName, null) };
            names.AddRange(manufacturer.TargetOsVersions.Select(d => (manufacturer.ModelsSectionName + "." + d.Text, (string?)d.Text)));
            foreach (var (name, decoration) in names)
            {
                if (!document.Syntax.HasSection(name) || !added.Add(name))
                {
                    continue;
                }

                var models = document.GetModels(name);
                total += models.Count;
                if (total > MaxModels)
                {
                    throw new ImageOpsException(ErrorIds.DriverPackageTooLarge, ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture, "INF '{0}' lists more than {1} models entries.", document.SourceName, MaxModels), document.SourceName);
                }

                record.ModelsSections.Add(new DriverModelsSectionRecord
                {
                    Name = name,
                    Decoration = decoration,
                    Manufacturer = m,
                    Models = models.Select(x => new DriverModelRecord
                    {
                        Description = x.Description,
                        InstallSection = x.InstallSectionName,
                        HardwareId = x.HardwareId,
                        CompatibleIds = x.CompatibleIds.ToList(),
                    }).ToList(),
                });
            }
        }
    }

    /// <summary>One platform per distinct decoration for the architecture (at the lowest version that selects it), plus the newest build.</summary>
    private static IEnumerable<InfTargetPlatform> PlatformsFor(InfDocument document, InfArchitecture architecture)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<InfTargetPlatform>
        {
            new(architecture, 10, 0, 99999, InfTargetPlatform.ProductTypeWorkstation),
            new(architecture, 10, 0, 99999, InfTargetPlatform.ProductTypeServer),
        };
        foreach (var decoration in document.Manufacturers.SelectMany(m => m.TargetOsVersions))
        {
            var arch = decoration.IsArchitecturePlaceholder ? architecture : decoration.Architecture == InfArchitecture.Unspecified ? InfArchitecture.X86 : decoration.Architecture;
            if (!decoration.IsValid || arch != architecture)
            {
                continue;
            }

            list.Add(new InfTargetPlatform(architecture, decoration.MajorVersion ?? 5, decoration.MinorVersion ?? (decoration.MajorVersion is null ? 1 : 0), decoration.BuildNumber ?? 0, decoration.ProductType ?? InfTargetPlatform.ProductTypeWorkstation, decoration.SuiteMask ?? 0));
        }

        list.Add(new InfTargetPlatform(architecture, 5, 1, 0));
        foreach (var platform in list)
        {
            if (seen.Count >= MaxPlatformsPerArchitecture)
            {
                yield break;
            }

            if (seen.Add(platform.ToString() + "/" + platform.SuiteMask))
            {
                yield return platform;
            }
        }
    }

    private static DriverInstallSectionRecord Describe(InfDocument document, InfInstallSection install, InfArchitecture architecture, DriverInfAnalysis analysis)
    {
        var result = new DriverInstallSectionRecord
        {
            Architecture = architecture,
            BaseName = install.BaseName,
            Name = install.Name,
            Exists = install.Exists,
            Decoration = install.Decoration,
            DriverDate = install.DriverVersion?.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DriverVersion = install.DriverVersion?.Version?.ToString(),
            Services = install.Services.Where(s => !s.IsNullDriver).Select(s => s.Name).ToList(),
            BootStart = install.Services.Any(s => s.StartType == InfServiceStartType.Boot),
        };

        // "The FeatureScore directive is only processed when specified directly in the [DDInstall] section."
        var entry = install.Exists ? document.Syntax.FindSection(install.Name)?.FirstWithKey("FeatureScore") : null;
        if (entry?.ValueAt(0) is { } field)
        {
            var text = document.Expand(field).Trim();
            if (text.StartsWith("x", StringComparison.OrdinalIgnoreCase))
            {
                text = "0" + text;
            }

            if (InfNumber.TryParse(text, out var score) && score <= 0xFF)
            {
                result.FeatureScore = (int)score;
            }
            else
            {
                analysis.Record.Warnings.Add(string.Format(CultureInfo.InvariantCulture, "{0}({1},{2}): FeatureScore '{3}' in [{4}] is not a byte; Windows' default 0xFF is used.", document.SourceName, entry.Line, entry.Column, field.Value, install.Name));
            }
        }

        return result;
    }

    private static void AddNormalized(string name, Action<string> add, DriverInfAnalysis analysis)
    {
        if (InfPackagePath.TryNormalizeFolder(name, out var normalized, out var problem) && normalized.Length > 0)
        {
            add(normalized);
        }
        else
        {
            analysis.RefusedReferences.Add(name + ": " + (problem ?? "it names no file"));
        }
    }

    private static bool CatalogPresent(InfFolderSource source, string catalog)
    {
        try
        {
            return InfPackagePath.TryNormalizeFolder(catalog, out var normalized, out _) && normalized.Length > 0 && source.FileExists(normalized);
        }
        catch (InfFileReferenceException)
        {
            return false;
        }
    }
}

/// <summary>What <see cref="DriverInfAnalyzer"/> found.</summary>
internal sealed class DriverInfAnalysis
{
    public DriverInfAnalysis(InfPackage package)
    {
        Package = package;
    }

    public InfPackage Package { get; }

    /// <summary>The record, without id, files, groups and source.</summary>
    public DriverPackageRecord Record { get; } = new();

    public List<InfArchitecture> DeclaredArchitectures { get; set; } = new();

    /// <summary>The package's files: path relative to the package root as on disk, and the host path.</summary>
    public List<(string Relative, string Host)> Files { get; } = new();

    /// <summary>Files the INF names that the package lacks (paths as the INF gives them).</summary>
    public List<string> MissingFiles { get; } = new();

    /// <summary>References refused because they leave the package.</summary>
    public List<string> RefusedReferences { get; } = new();

    /// <summary>Error diagnostics other than missing files and refused references.</summary>
    public List<InfDiagnostic> Errors { get; } = new();

    /// <summary>Every diagnostic, once.</summary>
    public List<InfDiagnostic> Diagnostics { get; } = new();

    public List<DriverInfArchitectureSummary> PerArchitecture { get; } = new();
}

/// <summary>The evaluations of one architecture.</summary>
internal sealed class DriverInfArchitectureSummary
{
    public DriverInfArchitectureSummary(InfArchitecture architecture)
    {
        Architecture = architecture;
    }

    public InfArchitecture Architecture { get; }

    public List<InfDriverResolution> Resolutions { get; } = new();
}
