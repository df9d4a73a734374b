using System;
using System.Collections.Generic;
using System.Threading;

namespace ImageOps.Formats.Inf;

/// <summary>
/// A parsed INF: its text structure (<see cref="Syntax"/>), its diagnostics, and the model of what it
/// declares — [Version], manufacturers and their decorated models sections, install sections with
/// CopyFiles, AddService, Include and Needs, SourceDisksNames/SourceDisksFiles and DestinationDirs.
/// <see cref="Resolve"/> evaluates it for one platform the way Windows picks sections.
/// Created by <see cref="InfParser"/>; immutable once built, so safe to share between threads.
/// </summary>
public sealed class InfDocument
{
    private readonly Dictionary<string, IReadOnlyList<InfModel>> _models;
    private readonly Dictionary<string, InfSectionDirectives> _directives;
    private readonly Dictionary<string, IReadOnlyList<InfFileCopy>> _fileLists;
    private readonly Dictionary<string, InfInstallSection> _installCache = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _installLock = new();
    private readonly Dictionary<string, List<InfSourceFile>> _sourceFilesByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, List<InfSourceDisk>> _disksById = new();
    private readonly bool _hasIncludes;

    internal InfDocument(InfDocumentParts parts)
    {
        SourceName = parts.SourceName;
        Syntax = parts.Syntax;
        Diagnostics = parts.Diagnostics;
        IsTemplate = parts.IsTemplate;
        TemplatePlaceholders = parts.TemplatePlaceholders;
        Strings = parts.Strings;
        Version = parts.Version;
        Manufacturers = parts.Manufacturers;
        SourceDisks = parts.SourceDisks;
        SourceFiles = parts.SourceFiles;
        DefaultDestinationDirectory = parts.DefaultDestination;
        DestinationDirectories = parts.Destinations;
        Architectures = parts.Architectures;
        Limits = parts.Limits;
        _models = parts.Models;
        _directives = parts.Directives;
        _fileLists = parts.FileLists;

        // Lookups by name and id, so that resolving N copies against M entries is not N x M.
        foreach (var file in SourceFiles)
        {
            if (!_sourceFilesByName.TryGetValue(file.FileName, out var list))
            {
                _sourceFilesByName.Add(file.FileName, list = new List<InfSourceFile>());
            }

            list.Add(file);
        }

        foreach (var disk in SourceDisks)
        {
            if (!_disksById.TryGetValue(disk.DiskId, out var list))
            {
                _disksById.Add(disk.DiskId, list = new List<InfSourceDisk>());
            }

            list.Add(disk);
        }

        var includes = new List<string>();
        foreach (var directives in _directives.Values)
        {
            includes.AddRange(directives.Includes);
        }

        AllIncludes = includes;
        _hasIncludes = includes.Count > 0;
    }

    /// <summary>The name the INF was read under (for messages; never opened).</summary>
    public string SourceName { get; }

    /// <summary>The sections, entries and fields as written.</summary>
    public InfFile Syntax { get; }

    /// <summary>How the bytes were decoded.</summary>
    public InfTextEncoding Encoding => Syntax.Encoding;

    /// <summary>Everything found while reading and modelling the INF, in order of discovery.</summary>
    public IReadOnlyList<InfDiagnostic> Diagnostics { get; }

    /// <summary>
    /// True for an .inx stampinf template (by name, or because it holds placeholders such as <c>$ARCH$</c>
    /// or <c>$KMDFVERSION$</c>). Placeholders are tolerated: <c>NT$ARCH$</c> decorations apply to every
    /// architecture when the template is resolved.
    /// </summary>
    public bool IsTemplate { get; }

    /// <summary>The distinct placeholders found, such as <c>$ARCH$</c>.</summary>
    public IReadOnlyList<string> TemplatePlaceholders { get; }

    /// <summary>The string table in use and the chosen locale.</summary>
    public InfStringTable Strings { get; }

    /// <summary>The [Version] section.</summary>
    public InfVersionSection Version { get; }

    /// <summary>The [Manufacturer] entries.</summary>
    public IReadOnlyList<InfManufacturer> Manufacturers { get; }

    /// <summary>All SourceDisksNames entries (undecorated and decorated).</summary>
    public IReadOnlyList<InfSourceDisk> SourceDisks { get; }

    /// <summary>All SourceDisksFiles entries (undecorated and decorated).</summary>
    public IReadOnlyList<InfSourceFile> SourceFiles { get; }

    /// <summary>The DefaultDestDir entry of [DestinationDirs], or null.</summary>
    public InfDestinationDirectory? DefaultDestinationDirectory { get; }

    /// <summary>The [DestinationDirs] entries for file-list sections, by section name (ignoring case).</summary>
    public IReadOnlyDictionary<string, InfDestinationDirectory> DestinationDirectories { get; }

    /// <summary>
    /// The architectures the [Manufacturer] decorations name (a plain <c>NT</c> or undecorated models
    /// section counts as x86). <c>NT$ARCH$</c> in a template adds none; see <see cref="IsTemplate"/>.
    /// </summary>
    public IReadOnlyList<InfArchitecture> Architectures { get; }

    internal InfParseLimits Limits { get; }

    /// <summary>True if any diagnostic is an error.</summary>
    public bool HasErrors
    {
        get
        {
            foreach (var d in Diagnostics)
            {
                if (d.Severity == InfDiagnosticSeverity.Error)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The field's text with <c>%strkey%</c> tokens substituted (no diagnostics).</summary>
    public string Expand(InfField field) => Strings.Expand((field ?? throw new ArgumentNullException(nameof(field))).Value);

    /// <summary>The entries of a models section, or an empty list if the section does not exist or is not one.</summary>
    public IReadOnlyList<InfModel> GetModels(string modelsSectionName)
        => _models.TryGetValue(modelsSectionName ?? string.Empty, out var models) ? models : Array.Empty<InfModel>();

    /// <summary>
    /// The install section Windows uses for <paramref name="baseName"/> on <paramref name="architecture"/>:
    /// <c>.NT&lt;arch&gt;</c>, then <c>.NT$ARCH$</c> (templates), then <c>.NT</c>, then the undecorated name.
    /// </summary>
    public InfInstallSection GetInstallSection(string baseName, InfArchitecture architecture)
    {
        if (baseName is null)
        {
            throw new ArgumentNullException(nameof(baseName));
        }

        var key = baseName + "\u0001" + InfArchitectureNames.Token(architecture);
        lock (_installLock)
        {
            if (!_installCache.TryGetValue(key, out var section))
            {
                section = BuildInstallSection(baseName, architecture);
                _installCache.Add(key, section);
            }

            return section;
        }
    }

    /// <summary>Evaluates the INF for <paramref name="platform"/>, without a package (no missing-file check, no included INFs).</summary>
    public InfDriverResolution Resolve(InfTargetPlatform platform)
        => new InfResolver(this, Array.Empty<InfDocument>(), null, string.Empty, platform, CancellationToken.None).Run();

    /// <summary>The source name and encoding.</summary>
    public override string ToString() => SourceName + " (" + Encoding + ")";

    internal InfSectionDirectives? GetDirectives(string sectionName)
        => _directives.TryGetValue(sectionName, out var d) ? d : null;

    /// <summary>Every Include name in the INF, in no particular order.</summary>
    internal IReadOnlyList<string> AllIncludes { get; }

    internal bool HasIncludes => _hasIncludes;

    internal IReadOnlyList<InfFileCopy> GetFileList(string sectionName)
        => _fileLists.TryGetValue(sectionName, out var list) ? list : Array.Empty<InfFileCopy>();

    internal InfSourceFile? FindSourceFile(string fileName, InfArchitecture architecture)
    {
        InfSourceFile? placeholder = null, generic = null;
        if (!_sourceFilesByName.TryGetValue(fileName, out var candidates))
        {
            return null;
        }

        foreach (var file in candidates)
        {
            if (file.Architecture != InfArchitecture.Unspecified)
            {
                if (file.Architecture == architecture)
                {
                    return file;
                }
            }
            else if (file.IsArchitecturePlaceholder)
            {
                placeholder ??= file;
            }
            else
            {
                generic ??= file;
            }
        }

        return placeholder ?? generic;
    }

    internal InfSourceDisk? FindSourceDisk(int diskId, InfArchitecture architecture)
    {
        InfSourceDisk? placeholder = null, generic = null;
        if (!_disksById.TryGetValue(diskId, out var candidates))
        {
            return null;
        }

        foreach (var disk in candidates)
        {
            if (disk.Architecture != InfArchitecture.Unspecified)
            {
                if (disk.Architecture == architecture)
                {
                    return disk;
                }
            }
            else if (disk.IsArchitecturePlaceholder)
            {
                placeholder ??= disk;
            }
            else
            {
                generic ??= disk;
            }
        }

        return placeholder ?? generic;
    }

    internal IEnumerable<string> InstallCandidates(string baseName, InfArchitecture architecture)
    {
        if (architecture != InfArchitecture.Unspecified)
        {
            yield return baseName + ".NT" + InfArchitectureNames.Token(architecture);
        }

        yield return baseName + ".NT" + InfArchitectureNames.Placeholder;
        yield return baseName + ".NT";
        yield return baseName;
    }

    private InfInstallSection BuildInstallSection(string baseName, InfArchitecture architecture)
    {
        string? found = null;
        foreach (var candidate in InstallCandidates(baseName, architecture))
        {
            if (Syntax.HasSection(candidate))
            {
                found = Syntax.FindSection(candidate)!.Name;
                break;
            }
        }

        var name = found ?? baseName;
        var section = new InfInstallSection(baseName, name, found is not null, found is null ? string.Empty : found.Substring(baseName.Length));
        if (found is null)
        {
            return section;
        }

        var copySections = new List<string>();
        var singleFiles = new List<string>();
        var includes = new List<string>();
        var needs = new List<string>();
        var own = GetDirectives(name);
        var services = GetDirectives(name + ".Services");
        var coinstallers = GetDirectives(name + ".CoInstallers");
        var hardware = GetDirectives(name + ".HW");
        foreach (var d in new[] { own, coinstallers })
        {
            if (d is not null)
            {
                copySections.AddRange(d.CopyFilesSections);
                singleFiles.AddRange(d.CopyFilesSingleFiles);
            }
        }

        foreach (var d in new[] { own, services, hardware, coinstallers })
        {
            if (d is not null)
            {
                includes.AddRange(d.Includes);
                needs.AddRange(d.Needs);
            }
        }

        section.DriverVersion = own?.DriverVersion;
        section.CopyFilesSections = copySections;
        section.CopyFilesSingleFiles = singleFiles;
        section.Includes = includes;
        section.Needs = needs;
        section.CopyInfs = own is null ? Array.Empty<string>() : own.CopyInfs.ToArray();
        section.Services = services is null ? Array.Empty<InfService>() : services.Services.ToArray();
        return section;
    }
}
