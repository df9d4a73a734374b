using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace ImageOps.Formats.Inf;

/// <summary>
/// Evaluates a document for one platform the way Windows walks it: Manufacturer → the models section
/// its TargetOSVersion selects → each model's install section (decorated for the architecture) → the
/// CopyFiles, AddService and Needs of that section and its <c>.Services</c>/<c>.CoInstallers</c>/<c>.HW</c>
/// sections → SourceDisksFiles/SourceDisksNames for where each file is, DestinationDirs for where it goes.
/// <para>
/// Needs follows "INF DDInstall Section": a Needs section is looked for in this INF first (cdrom.inf's
/// <c>Needs=cdrom_install.Services</c>) and then in the included INFs the package holds; Needs inside a
/// section reached through Needs is not followed ("Needs entries cannot be nested"), so there is no
/// recursion at all. A visited set keeps each section from being processed twice.
/// </para>
/// </summary>
internal sealed class InfResolver
{
    private readonly InfDocument _main;
    private readonly IReadOnlyList<InfDocument> _included;
    private readonly Func<string, string?>? _probe;
    private readonly string _folder;
    private readonly InfTargetPlatform _platform;
    private readonly CancellationToken _cancellation;
    private readonly InfDiagnosticBag _bag;
    private readonly HashSet<string> _visited = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(InfDocument Document, InfFileCopy Copy)> _copies = new();
    private readonly HashSet<InfFileCopy> _copySet = new();
    private readonly HashSet<string> _fileListsDone = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _modelsDone = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<InfService> _services = new();
    private readonly HashSet<string> _serviceNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _copiedInfs = new();
    private readonly HashSet<string> _copiedInfSet = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _externalNeeds = new();

    /// <param name="main">The INF being evaluated.</param>
    /// <param name="included">INFs it includes that the package holds (same folder).</param>
    /// <param name="probe">Given a path relative to the INF's folder, null if the package holds the file, else why not.</param>
    /// <param name="folder">The INF's folder in the package ('/' separators, empty for the root), prefixed to reported paths.</param>
    /// <param name="platform">The platform.</param>
    /// <param name="cancellation">Observed per install section.</param>
    public InfResolver(InfDocument main, IReadOnlyList<InfDocument> included, Func<string, string?>? probe, string folder, InfTargetPlatform platform, CancellationToken cancellation)
    {
        _folder = folder ?? string.Empty;
        _main = main ?? throw new ArgumentNullException(nameof(main));
        _included = included;
        _probe = probe;
        _platform = platform ?? throw new ArgumentNullException(nameof(platform));
        _cancellation = cancellation;
        _bag = new InfDiagnosticBag(main.SourceName, main.Limits.MaxDiagnostics);
    }

    private InfArchitecture Arch => _platform.Architecture;

    public InfDriverResolution Run()
    {
        var result = new InfDriverResolution(_platform);
        var devices = new List<InfDevice>();
        var modelsSections = new List<string>();
        var installSections = new List<InfInstallSection>();
        var installNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        foreach (var manufacturer in _main.Manufacturers)
        {
            var modelsName = manufacturer.SelectModelsSection(_platform);
            if (modelsName is null || !_main.Syntax.HasSection(modelsName))
            {
                continue;
            }

            // Manufacturers sharing a models section list its devices once.
            if (!_modelsDone.Add(modelsName))
            {
                continue;
            }

            modelsSections.Add(modelsName);
            foreach (var model in _main.GetModels(modelsName))
            {
                var install = _main.GetInstallSection(model.InstallSectionName, Arch);
                devices.Add(new InfDevice(manufacturer, model, install));
                if (install.Exists && installNames.Add(install.Name))
                {
                    installSections.Add(install);
                }
            }
        }

        if (_main.Manufacturers.Count > 0 && modelsSections.Count == 0)
        {
            _bag.Info(InfDiagnosticCode.NoModelsForPlatform, 0, 0, "No models section of this INF applies to " + _platform + ".");
        }

        foreach (var baseName in new[] { "DefaultInstall", "ClassInstall32" })
        {
            var install = _main.GetInstallSection(baseName, Arch);
            if (install.Exists && installNames.Add(install.Name))
            {
                installSections.Add(install);
            }
        }

        foreach (var install in installSections)
        {
            _cancellation.ThrowIfCancellationRequested();
            foreach (var suffix in new[] { string.Empty, ".Services", ".CoInstallers", ".HW" })
            {
                Process(_main, install.Name + suffix, viaNeeds: false);
            }
        }

        result.ModelsSections = modelsSections;
        result.Devices = devices;
        result.InstallSections = installSections;
        result.Services = _services;
        result.FileCopies = _copies.Select(c => c.Copy).ToArray();
        result.Files = BuildFiles();
        result.CatalogFile = _main.Version.GetCatalogFile(Arch);
        result.CopiedInfs = _copiedInfs;
        result.ExternalNeeds = _externalNeeds;
        result.Boot = InfBootClassification.Classify(_main.Version, _services);
        foreach (var reason in result.Boot.Reasons.Where(r => r.Kind == InfBootReasonKind.BootGroupWithoutBootStart))
        {
            _bag.Info(InfDiagnosticCode.BootGroupWithoutBootStart, 0, 0, "Service '" + reason.ServiceName + "': " + reason.Detail);
        }

        result.MissingFiles = FindMissing(result);
        result.Diagnostics = _bag.ToList();
        return result;
    }

    private void Process(InfDocument document, string sectionName, bool viaNeeds)
    {
        if (!_visited.Add(document.SourceName + "\u0001" + sectionName))
        {
            return;
        }

        var directives = document.GetDirectives(sectionName);
        if (directives is null)
        {
            return;
        }

        // A file-list section shared by several install sections is one set of copies, not several (and
        // is walked once, so a hostile INF cannot make N sections x M files of work).
        var lists = directives.CopyFilesSections.Where(l => _fileListsDone.Add(document.SourceName + "\u0001" + l));
        foreach (var copy in directives.SingleFileCopies.Concat(lists.SelectMany(document.GetFileList)))
        {
            if (_copySet.Add(copy))
            {
                _copies.Add((document, copy));
            }
        }

        foreach (var service in directives.Services)
        {
            if (_serviceNames.Add(service.Name))
            {
                _services.Add(service);
            }
        }

        foreach (var inf in directives.CopyInfs)
        {
            if (_copiedInfSet.Add(inf))
            {
                _copiedInfs.Add(inf);
            }
        }

        if (directives.Needs.Count == 0)
        {
            return;
        }

        if (viaNeeds)
        {
            _bag.Info(InfDiagnosticCode.NestedNeedsIgnored, directives.NeedsLine, directives.NeedsColumn,
                "[" + sectionName + "] was reached through Needs and has Needs of its own; Windows does not nest Needs, so they are not followed.");
            return;
        }

        foreach (var needed in directives.Needs)
        {
            ResolveNeeds(document, directives, needed);
        }
    }

    private void ResolveNeeds(InfDocument document, InfSectionDirectives from, string needed)
    {
        if (document.Syntax.HasSection(needed))
        {
            Process(document, needed, viaNeeds: true);
            return;
        }

        if (from.Includes.Count == 0)
        {
            _bag.Warning(InfDiagnosticCode.NeedsWithoutInclude, from.NeedsLine, from.NeedsColumn,
                "[" + from.SectionName + "] needs '" + needed + "' from another INF but has no Include; Windows requires the Include in the same section.");
        }

        foreach (var other in _included)
        {
            if (other.Syntax.HasSection(needed))
            {
                Process(other, needed, viaNeeds: true);
                return;
            }
        }

        // The section's own Include is what the doc requires, but Windows has by then appended every INF
        // the install section family included, so any external Include of this INF may hold the section.
        var packaged = new HashSet<string>(_included.Select(d => FileNameOf(d.SourceName)), StringComparer.OrdinalIgnoreCase);
        var external = from.Includes.Concat(AllIncludes(document)).Where(i => !packaged.Contains(i)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (external.Length > 0)
        {
            if (!_externalNeeds.Contains(needed, StringComparer.OrdinalIgnoreCase))
            {
                _externalNeeds.Add(needed);
            }

            _bag.Info(InfDiagnosticCode.NeedsResolvedExternally, from.NeedsLine, from.NeedsColumn,
                "'" + needed + "' is expected in " + string.Join(", ", external) + ", which the package does not hold (a system INF under %windir%\\inf).");
            return;
        }

        _bag.Warning(InfDiagnosticCode.NeedsSectionNotFound, from.NeedsLine, from.NeedsColumn,
            "Section '" + needed + "' named by Needs in [" + from.SectionName + "] is neither in this INF nor in an included INF of the package.");
    }

    internal static string FileNameOf(string path)
    {
        var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash < 0 ? path : path.Substring(slash + 1);
    }

    private IReadOnlyList<InfPackageFile> BuildFiles()
    {
        var byPath = new Dictionary<string, (InfSourceFile Source, InfSourceDisk Disk, string DefinedIn, List<InfFileCopy> Copies)>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        var reportedUnknown = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        foreach (var (document, copy) in _copies)
        {
            // "Source Media for INF Files": Windows looks in the INF that copies the file, then in the main
            // INF, then in the other included INFs.
            InfDocument owner = document;
            var source = document.FindSourceFile(copy.SourceFileName, Arch);
            foreach (var other in new[] { _main }.Concat(_included))
            {
                if (source is not null)
                {
                    break;
                }

                if (!ReferenceEquals(other, document))
                {
                    owner = other;
                    source = other.FindSourceFile(copy.SourceFileName, Arch);
                }
            }

            if (source is null)
            {
                if (reportedUnknown.Add(copy.SourceFileName))
                {
                    var fromSystem = document.Version.LayoutFiles.Count > 0 || _included.Count > 0 || HasIncludes(document);
                    _bag.Add(InfDiagnosticCode.FileNotInSourceDisksFiles, fromSystem ? InfDiagnosticSeverity.Warning : InfDiagnosticSeverity.Error, copy.Line, copy.Column,
                        "'" + copy.SourceFileName + "' is copied but no SourceDisksFiles section for " + InfArchitectureNames.Token(Arch) + " lists it" + (fromSystem ? " (it may come from an included or layout INF)." : ", so Windows cannot locate it."));
                }

                continue;
            }

            if (!TryLocate(owner, source, report: true, out var disk, out var path))
            {
                continue;
            }

            if (!byPath.TryGetValue(path, out var entry))
            {
                entry = (source, disk, owner.SourceName, new List<InfFileCopy>());
                byPath.Add(path, entry);
                order.Add(path);
            }

            entry.Copies.Add(copy);
        }

        // Files SourceDisksFiles lists for this architecture that nothing copies still belong to the package.
        foreach (var file in _main.SourceFiles)
        {
            if (!AppliesToArchitecture(file) || !ReferenceEquals(_main.FindSourceFile(file.FileName, Arch), file))
            {
                continue;
            }

            // A generic entry whose disk exists only for other architectures is not a file of this one.
            if (!TryLocate(_main, file, report: false, out var disk, out var path) || byPath.ContainsKey(path))
            {
                continue;
            }

            byPath.Add(path, (file, disk, _main.SourceName, new List<InfFileCopy>()));
            order.Add(path);
        }

        return order.Select(p =>
        {
            var e = byPath[p];
            return new InfPackageFile(e.Source.FileName, p, e.Source, e.Disk, e.DefinedIn, e.Copies);
        }).ToArray();
    }

    private bool AppliesToArchitecture(InfSourceFile file)
        => file.Architecture == InfArchitecture.Unspecified || file.Architecture == Arch;

    private static bool HasIncludes(InfDocument document) => document.HasIncludes;

    private static IEnumerable<string> AllIncludes(InfDocument document) => document.AllIncludes;

    private bool TryLocate(InfDocument document, InfSourceFile file, bool report, out InfSourceDisk disk, out string path)
    {
        path = string.Empty;
        var found = document.FindSourceDisk(file.DiskId, Arch);
        if (found is null)
        {
            disk = null!;
            if (!report)
            {
                return false;
            }

            _bag.Error(InfDiagnosticCode.SourceDiskNotDefined, file.Line, file.Column,
                string.Format(CultureInfo.InvariantCulture, "'{0}' is on disk {1}, which no SourceDisksNames section for {2} defines.", file.FileName, file.DiskId, InfArchitectureNames.Token(Arch)));
            return false;
        }

        disk = found;
        path = InfPackagePath.Combine(found.Path, file.Subdirectory, file.FileName);
        return true;
    }

    private IReadOnlyList<string> FindMissing(InfDriverResolution result)
    {
        if (_probe is null)
        {
            return Array.Empty<string>();
        }

        var missing = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Check(string path, InfDiagnosticSeverity severity, string what)
        {
            var packagePath = InfPackagePath.Combine(_folder, path);
            if (!seen.Add(packagePath))
            {
                return;
            }

            var problem = _probe(path);
            if (problem is null)
            {
                return;
            }

            missing.Add(packagePath);
            _bag.Add(InfDiagnosticCode.ReferencedFileMissing, severity, 0, 0, what + " '" + packagePath + "' " + problem + ".");
        }

        foreach (var file in result.Files)
        {
            Check(file.SourcePath, file.IsCopied ? InfDiagnosticSeverity.Error : InfDiagnosticSeverity.Warning, file.IsCopied ? "Copied file" : "Listed (but not copied) file");
        }

        if (result.CatalogFile is not null)
        {
            Check(result.CatalogFile, InfDiagnosticSeverity.Error, "Catalog file");
        }

        foreach (var inf in result.CopiedInfs)
        {
            Check(inf, InfDiagnosticSeverity.Error, "CopyINF file");
        }

        return missing;
    }
}
