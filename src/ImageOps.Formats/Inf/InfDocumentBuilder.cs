using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace ImageOps.Formats.Inf;

/// <summary>
/// Builds the model of one INF from its sections. Each section kind is read by the rules of its page in
/// the Microsoft INF reference (cited at each step); every problem becomes a diagnostic with the line and
/// column of the field concerned. All string substitution goes through one budget.
/// </summary>
internal sealed class InfDocumentBuilder
{
    private static readonly string[] DirectiveKeys = { "CopyFiles", "AddService", "Include", "Needs", "CopyINF", "DriverVer" };

    private readonly InfFile _file;
    private readonly string _sourceName;
    private readonly InfParseOptions _options;
    private readonly InfDiagnosticBag _bag;
    private readonly InfSubstitutionBudget _budget;
    private readonly CancellationToken _cancellation;
    private readonly InfStringTable _strings;
    private readonly Dictionary<string, InfDestinationDirectory> _destinations = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IReadOnlyList<InfModel>> _models = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, InfSectionDirectives> _directives = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IReadOnlyList<InfFileCopy>> _fileLists = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ServiceInstallValues?> _serviceSections = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<InfSourceDisk> _disks = new();
    private readonly Dictionary<int, HashSet<InfArchitecture>> _diskArchitectures = new();
    private readonly List<InfSourceFile> _files = new();
    private readonly List<string> _placeholders = new();
    private InfDestinationDirectory? _defaultDestination;
    private bool _isTemplate;

    public InfDocumentBuilder(InfFile file, string sourceName, InfParseOptions options, InfDiagnosticBag bag, CancellationToken cancellation)
    {
        _file = file;
        _sourceName = sourceName;
        _options = options;
        _bag = bag;
        _cancellation = cancellation;
        _budget = new InfSubstitutionBudget(sourceName, options.Limits.SubstitutionBudget);
        _strings = new InfStringTable(file, options.LanguageId, options.Limits.MaxExpandedStringLength, bag);
    }

    public InfDocument Build()
    {
        ScanFields();
        _isTemplate |= _sourceName.EndsWith(".inx", StringComparison.OrdinalIgnoreCase);
        var version = ReadVersion();
        ReadDestinationDirs();
        ReadSourceDisks();
        var manufacturers = ReadManufacturers();
        ReadDirectives();
        ValidateModels(manufacturers);
        if (manufacturers.Count == 0 && !_file.Sections.Any(s => s.Name.StartsWith("DefaultInstall", StringComparison.OrdinalIgnoreCase)))
        {
            _bag.Info(InfDiagnosticCode.NoInstallableSections, 0, 0, "The INF has neither a [Manufacturer] section nor a DefaultInstall section, so it installs no device or driver.");
        }

        return new InfDocument(new InfDocumentParts
        {
            SourceName = _sourceName,
            Syntax = _file,
            Diagnostics = _bag.ToList(),
            IsTemplate = _isTemplate,
            TemplatePlaceholders = _placeholders,
            Strings = _strings,
            Version = version,
            Manufacturers = manufacturers,
            SourceDisks = _disks,
            SourceFiles = _files,
            DefaultDestination = _defaultDestination,
            Destinations = _destinations,
            Architectures = ArchitecturesOf(manufacturers),
            Limits = _options.Limits,
            Models = _models,
            Directives = _directives,
            FileLists = _fileLists,
        });
    }

    private string X(InfField field) => _strings.Expand(field.Value, field.Line, field.Column, _bag, _budget).Trim();

    private string? X(InfEntry entry, int index)
    {
        var field = entry.ValueAt(index);
        return field is null ? null : X(field);
    }

    private static bool IsStringsSection(InfSection section)
        => string.Equals(section.Name, "Strings", StringComparison.OrdinalIgnoreCase) || InfStringTable.TryParseLanguageSuffix(section.Name, out _);

    // Unknown %strkey% tokens anywhere outside the Strings sections, and stampinf placeholders anywhere.
    private void ScanFields()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in _file.Sections)
        {
            _cancellation.ThrowIfCancellationRequested();
            FindPlaceholders(section.Name, section.Line, section.Column, seen);
            var strings = IsStringsSection(section);
            foreach (var entry in section.Entries)
            {
                if (entry.Key is not null)
                {
                    Scan(entry.Key, strings, seen);
                }

                foreach (var value in entry.Values)
                {
                    Scan(value, strings, seen);
                }
            }
        }
    }

    private void Scan(InfField field, bool inStrings, HashSet<string> seen)
    {
        FindPlaceholders(field.Value, field.Line, field.Column, seen);
        if (!inStrings)
        {
            _strings.CheckTokens(field.Value, field.Line, field.Column, _bag);
        }
    }

    private void FindPlaceholders(string text, int line, int column, HashSet<string> seen)
    {
        var i = text.IndexOf('$');
        while (i >= 0 && i + 1 < text.Length)
        {
            var j = i + 1;
            while (j < text.Length && (char.IsLetterOrDigit(text[j]) || text[j] == '_'))
            {
                j++;
            }

            if (j < text.Length && text[j] == '$' && j > i + 1)
            {
                var token = text.Substring(i, j - i + 1).ToUpperInvariant();

                // "$Chicago$" is a valid Signature, not a stampinf placeholder.
                if (token != "$CHICAGO$" && seen.Add(token))
                {
                    _isTemplate = true;
                    _placeholders.Add(token);
                    _bag.Info(InfDiagnosticCode.TemplatePlaceholder, line, column, "Stampinf placeholder " + token + ": this is a template (.inx) that stampinf turns into an INF; it is read as written.");
                }

                i = text.IndexOf('$', j + 1);
            }
            else
            {
                i = text.IndexOf('$', i + 1);
            }
        }
    }

    // "INF Version Section".
    private InfVersionSection ReadVersion()
    {
        var version = new InfVersionSection();
        var section = _file.FindSection("Version");
        var isDevice = _file.HasSection("Manufacturer");
        if (section is null)
        {
            _bag.Error(InfDiagnosticCode.MissingVersionSection, 0, 0, "The INF has no [Version] section; Windows does not accept it as an INF.");
            return version;
        }

        version.Exists = true;
        version.Line = section.Line;
        var signature = section.FirstWithKey("Signature");
        version.Signature = signature is null ? null : X(signature, 0);
        version.IsSignatureValid = string.Equals(version.Signature, "$Windows NT$", StringComparison.OrdinalIgnoreCase)
            || string.Equals(version.Signature, "$Chicago$", StringComparison.OrdinalIgnoreCase);
        if (!version.IsSignatureValid)
        {
            _bag.Error(InfDiagnosticCode.InvalidSignature, signature?.Line ?? section.Line, signature?.Column ?? section.Column,
                signature is null ? "[Version] has no Signature; Windows does not accept the file as an INF." : "Signature '" + version.Signature + "' is neither $Windows NT$ nor $Chicago$; Windows does not accept the file as an INF.");
        }

        version.Class = Value(section, "Class");
        var guidEntry = section.FirstWithKey("ClassGuid");
        version.ClassGuidText = guidEntry is null ? null : X(guidEntry, 0);
        if (version.ClassGuidText is not null)
        {
            if (version.ClassGuidText.Length == 38 && Guid.TryParseExact(version.ClassGuidText, "B", out var guid))
            {
                version.ClassGuid = guid;
            }
            else
            {
                _bag.Error(InfDiagnosticCode.InvalidClassGuid, guidEntry!.Line, guidEntry.Column, "ClassGuid '" + version.ClassGuidText + "' is not a GUID in braces.");
            }
        }

        if (isDevice && version.Class is null)
        {
            _bag.Warning(InfDiagnosticCode.MissingClass, section.Line, section.Column, "The INF installs devices but [Version] has no Class; PnP requires one.");
        }

        if (isDevice && version.ClassGuidText is null)
        {
            _bag.Warning(InfDiagnosticCode.MissingClass, section.Line, section.Column, "The INF installs devices but [Version] has no ClassGuid; PnP requires one.");
        }

        version.Provider = Value(section, "Provider");
        if (isDevice && version.Provider is null)
        {
            _bag.Warning(InfDiagnosticCode.MissingProvider, section.Line, section.Column, "The INF installs devices but [Version] has no Provider; PnP requires one.");
        }

        var driverVer = section.FirstWithKey("DriverVer");
        var templateSeverity = _isTemplate ? InfDiagnosticSeverity.Info : InfDiagnosticSeverity.Warning;
        if (driverVer is null || string.IsNullOrEmpty(X(driverVer, 0)))
        {
            _bag.Add(InfDiagnosticCode.MissingDriverVer, templateSeverity, driverVer?.Line ?? section.Line, driverVer?.Column ?? section.Column,
                _isTemplate ? "DriverVer is empty; stampinf fills it in when it stamps the template." : "[Version] has no DriverVer; Windows ranks the driver with the date 00/00/0000.");
        }
        else
        {
            version.DriverVersion = ReadDriverVer(driverVer, templateSeverity);
        }

        var decorated = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in section.Entries)
        {
            var key = entry.Key?.Value ?? string.Empty;
            var undecorated = string.Equals(key, "CatalogFile", StringComparison.OrdinalIgnoreCase);
            if (!undecorated && !key.StartsWith("CatalogFile.", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = X(entry, 0) ?? string.Empty;
            if (!InfPackagePath.IsSafeFileName(name, out var problem))
            {
                _bag.Error(InfDiagnosticCode.UnsafeFileReference, entry.Line, entry.Column, "CatalogFile is refused: " + problem + ".");
                continue;
            }

            if (undecorated)
            {
                version.CatalogFile ??= name;
            }
            else
            {
                var decoration = key.Substring("CatalogFile.".Length);
                if (!decorated.ContainsKey(decoration))
                {
                    decorated.Add(decoration, name);
                }
            }
        }

        version.DecoratedCatalogFiles = decorated;
        if (version.CatalogFile is null && decorated.Count == 0)
        {
            _bag.Info(InfDiagnosticCode.MissingCatalogFile, section.Line, section.Column, "[Version] names no CatalogFile; Windows treats the package as unsigned.");
        }

        var lockdown = section.FirstWithKey("PnpLockdown");
        if (lockdown is not null)
        {
            if (InfNumber.TryParseInt(X(lockdown, 0), out var n))
            {
                version.PnpLockdown = n;
            }
            else
            {
                _bag.Warning(InfDiagnosticCode.InvalidNumber, lockdown.Line, lockdown.Column, "PnpLockdown '" + X(lockdown, 0) + "' is not a number.");
            }
        }

        var layout = section.FirstWithKey("LayoutFile");
        if (layout is not null)
        {
            version.LayoutFiles = layout.Values.Select(X).Where(v => v.Length > 0).ToArray();
        }

        version.DriverPackageType = Value(section, "DriverPackageType");
        version.DriverPackageDisplayName = Value(section, "DriverPackageDisplayName");
        return version;
    }

    private string? Value(InfSection section, string key)
    {
        var entry = section.FirstWithKey(key);
        if (entry is null)
        {
            return null;
        }

        var value = X(entry, 0);
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private InfDriverVersion ReadDriverVer(InfEntry entry, InfDiagnosticSeverity severity)
    {
        var parsed = InfDriverVersion.Parse(X(entry, 0) ?? string.Empty, X(entry, 1), entry.Line, entry.Column);
        if (!parsed.IsValid)
        {
            _bag.Add(InfDiagnosticCode.InvalidDriverVer, severity, entry.Line, entry.Column, "DriverVer is not valid: " + parsed.Problem + ".");
        }

        return parsed;
    }

    // "INF DestinationDirs Section": DefaultDestDir=dirid[,subdir] and file-list-section=dirid[,subdir].
    private void ReadDestinationDirs()
    {
        var section = _file.FindSection("DestinationDirs");
        if (section is null)
        {
            return;
        }

        foreach (var entry in section.Entries)
        {
            if (entry.Key is null)
            {
                continue;
            }

            var name = X(entry.Key);
            var raw = X(entry, 0);
            if (!InfNumber.TryParseInt(raw, out var dirid))
            {
                _bag.Warning(InfDiagnosticCode.InvalidNumber, entry.Line, entry.Column, "DestinationDirs entry '" + name + "' has dirid '" + raw + "', which is not a number; it is ignored.");
                continue;
            }

            if (!InfPackagePath.TryNormalizeFolder(X(entry, 1) ?? string.Empty, out var subdir, out var problem))
            {
                _bag.Error(InfDiagnosticCode.UnsafeFileReference, entry.Line, entry.Column, "DestinationDirs entry '" + name + "' is refused: " + problem + ".");
                continue;
            }

            var destination = new InfDestinationDirectory(name, dirid, subdir, entry.Line, entry.Column);
            if (string.Equals(name, "DefaultDestDir", StringComparison.OrdinalIgnoreCase))
            {
                _defaultDestination ??= destination;
            }
            else if (!_destinations.ContainsKey(name))
            {
                _destinations.Add(name, destination);
            }
        }
    }

    // "INF SourceDisksNames Section" and "INF SourceDisksFiles Section": decorated .x86/.amd64/... (not .ntamd64).
    private void ReadSourceDisks()
    {
        foreach (var section in _file.Sections)
        {
            if (TryDecoration(section.Name, "SourceDisksNames", out var arch, out var placeholder))
            {
                foreach (var entry in section.Entries)
                {
                    ReadSourceDisk(entry, arch, placeholder);
                }
            }
        }

        foreach (var section in _file.Sections)
        {
            if (TryDecoration(section.Name, "SourceDisksFiles", out var arch, out var placeholder))
            {
                foreach (var entry in section.Entries)
                {
                    ReadSourceFile(entry, arch, placeholder);
                }
            }
        }
    }

    private static bool TryDecoration(string sectionName, string prefix, out InfArchitecture architecture, out bool placeholder)
    {
        architecture = InfArchitecture.Unspecified;
        placeholder = false;
        if (string.Equals(sectionName, prefix, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!sectionName.StartsWith(prefix + ".", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var suffix = sectionName.Substring(prefix.Length + 1);
        if (InfArchitectureNames.IsPlaceholder(suffix))
        {
            placeholder = true;
            return true;
        }

        return InfArchitectureNames.TryParse(suffix, out architecture);
    }

    private void ReadSourceDisk(InfEntry entry, InfArchitecture arch, bool placeholder)
    {
        var idText = entry.Key is null ? null : X(entry.Key);
        if (!InfNumber.TryParseInt(idText, out var id))
        {
            _bag.Warning(InfDiagnosticCode.InvalidNumber, entry.Line, entry.Column, "SourceDisksNames entry '" + entry + "' has no numeric disk id; it is ignored.");
            return;
        }

        if (!InfPackagePath.TryNormalizeFolder(X(entry, 3) ?? string.Empty, out var path, out var problem))
        {
            _bag.Error(InfDiagnosticCode.UnsafeFileReference, entry.Line, entry.Column, "The path of source disk " + id.ToString(CultureInfo.InvariantCulture) + " is refused: " + problem + ".");
            return;
        }

        InfNumber.TryParse(X(entry, 4), out var flags);
        var tag = X(entry, 1);
        _disks.Add(new InfSourceDisk(id, X(entry, 0) ?? string.Empty, string.IsNullOrEmpty(tag) ? null : tag, path, flags, arch, placeholder, entry.Line, entry.Column));
        if (!_diskArchitectures.TryGetValue(id, out var architectures))
        {
            _diskArchitectures.Add(id, architectures = new HashSet<InfArchitecture>());
        }

        architectures.Add(arch);
    }

    private void ReadSourceFile(InfEntry entry, InfArchitecture arch, bool placeholder)
    {
        var name = entry.Key is null ? X(entry, 0) ?? string.Empty : X(entry.Key);
        if (!InfPackagePath.IsSafeFileName(name, out var problem))
        {
            _bag.Error(InfDiagnosticCode.UnsafeFileReference, entry.Line, entry.Column, "SourceDisksFiles entry is refused: " + problem + ".");
            return;
        }

        var idText = entry.Key is null ? null : X(entry, 0);
        if (!InfNumber.TryParseInt(idText, out var id))
        {
            _bag.Warning(InfDiagnosticCode.InvalidNumber, entry.Line, entry.Column, "SourceDisksFiles entry '" + name + "' has no numeric disk id; it is ignored.");
            return;
        }

        if (!InfPackagePath.TryNormalizeFolder(X(entry, 1) ?? string.Empty, out var subdir, out problem))
        {
            _bag.Error(InfDiagnosticCode.UnsafeFileReference, entry.Line, entry.Column, "The subdirectory of '" + name + "' is refused: " + problem + ".");
            return;
        }

        long? size = InfNumber.TryParse(X(entry, 2), out var s) ? s : null;
        var file = new InfSourceFile(name, id, subdir, size, arch, placeholder, entry.Line, entry.Column);
        _files.Add(file);

        var defined = _diskArchitectures.TryGetValue(id, out var diskArchitectures)
            && (arch == InfArchitecture.Unspecified || diskArchitectures.Contains(arch) || diskArchitectures.Contains(InfArchitecture.Unspecified));
        if (!defined)
        {
            _bag.Error(InfDiagnosticCode.SourceDiskNotDefined, entry.Line, entry.Column,
                string.Format(CultureInfo.InvariantCulture, "'{0}' is on disk {1}, which no SourceDisksNames section defines.", name, id));
        }
    }

    // "INF Manufacturer Section".
    private List<InfManufacturer> ReadManufacturers()
    {
        var list = new List<InfManufacturer>();
        var section = _file.FindSection("Manufacturer");
        if (section is null)
        {
            return list;
        }

        foreach (var entry in section.Entries)
        {
            string name, models;
            IEnumerable<InfField> decorations;
            if (entry.Key is not null)
            {
                name = X(entry.Key);
                models = X(entry, 0) ?? string.Empty;
                decorations = entry.Values.Skip(1);
            }
            else
            {
                // "manufacturer-name": the name is also the models section name.
                name = models = X(entry, 0) ?? string.Empty;
                decorations = entry.Values.Skip(1);
            }

            if (models.Length == 0)
            {
                _bag.Warning(InfDiagnosticCode.InvalidManufacturerEntry, entry.Line, entry.Column, "Manufacturer entry '" + entry + "' names no models section; it is ignored.");
                continue;
            }

            var targets = new List<InfTargetOsVersion>();
            foreach (var field in decorations)
            {
                var text = X(field);
                if (text.Length == 0)
                {
                    continue;
                }

                var target = InfTargetOsVersion.Parse(text);
                if (!target.IsValid)
                {
                    _bag.Warning(InfDiagnosticCode.InvalidTargetOsVersion, field.Line, field.Column, "TargetOSVersion '" + text + "' is not valid (" + target.Problem + "); it never applies.");
                }

                targets.Add(target);
            }

            var manufacturer = new InfManufacturer(name, models, targets, entry.Line, entry.Column);
            list.Add(manufacturer);
            if (targets.Count == 0)
            {
                ReadModels(models, entry);
            }
            else
            {
                foreach (var target in targets.Where(t => t.IsValid))
                {
                    ReadModels(models + "." + target.Text, entry);
                }

                // The undecorated section is still used on x86 when no decoration applies; read it if present.
                if (_file.HasSection(models))
                {
                    ReadModels(models, entry);
                }
            }
        }

        return list;
    }

    // "INF Models Section": device-description=install-section-name[,hw-id][,compatible-id...].
    private void ReadModels(string sectionName, InfEntry manufacturerEntry)
    {
        if (_models.ContainsKey(sectionName))
        {
            return;
        }

        var section = _file.FindSection(sectionName);
        if (section is null)
        {
            _bag.Error(InfDiagnosticCode.ModelsSectionMissing, manufacturerEntry.Line, manufacturerEntry.Column, "Models section [" + sectionName + "] named by the Manufacturer section does not exist.");
            _models.Add(sectionName, Array.Empty<InfModel>());
            return;
        }

        var models = new List<InfModel>();
        foreach (var entry in section.Entries)
        {
            var install = X(entry, 0) ?? string.Empty;
            if (entry.Key is null || install.Length == 0)
            {
                _bag.Warning(InfDiagnosticCode.InvalidModelEntry, entry.Line, entry.Column, "Models entry '" + entry + "' needs 'description = install-section[,hardware-id...]'; it is ignored.");
                continue;
            }

            var hardwareId = X(entry, 1);
            var compatible = new List<string>();
            for (var i = 2; i < entry.Values.Count; i++)
            {
                var id = X(entry.Values[i]);
                if (id.Length > 0)
                {
                    compatible.Add(id);
                }
            }

            models.Add(new InfModel(section.Name, X(entry.Key), install, string.IsNullOrEmpty(hardwareId) ? null : hardwareId, compatible, entry.Line, entry.Column));
        }

        _models.Add(sectionName, models);
    }

    // An install section named by a models entry must exist in a form Windows picks for the section's architecture.
    private void ValidateModels(List<InfManufacturer> manufacturers)
    {
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var validated = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var manufacturer in manufacturers)
        {
            var contexts = new List<(string Section, InfTargetOsVersion? Target)>();
            if (manufacturer.TargetOsVersions.Count == 0 || _file.HasSection(manufacturer.ModelsSectionName))
            {
                contexts.Add((manufacturer.ModelsSectionName, null));
            }

            contexts.AddRange(manufacturer.TargetOsVersions.Where(t => t.IsValid).Select(t => (manufacturer.ModelsSectionName + "." + t.Text, (InfTargetOsVersion?)t)));
            foreach (var (sectionName, target) in contexts)
            {
                // Each models section once: many manufacturers naming one section is not more work.
                if (!_models.TryGetValue(sectionName, out var models) || !validated.Add(sectionName))
                {
                    continue;
                }

                foreach (var model in models)
                {
                    if (InstallSectionExists(model.InstallSectionName, target) || !reported.Add(sectionName + "\u0001" + model.InstallSectionName))
                    {
                        continue;
                    }

                    _bag.Error(InfDiagnosticCode.InstallSectionMissing, model.Line, model.Column,
                        "Install section '" + model.InstallSectionName + "' used in [" + sectionName + "] does not exist (looked for its .NT<arch>, .NT and undecorated forms).");
                }
            }
        }
    }

    private bool InstallSectionExists(string name, InfTargetOsVersion? target)
    {
        if (target is not null && target.IsArchitecturePlaceholder)
        {
            return _file.HasSection(name + ".NT" + InfArchitectureNames.Placeholder) || _file.HasSection(name + ".NT") || _file.HasSection(name)
                || InfArchitectureNames.Known.Any(a => _file.HasSection(name + ".NT" + InfArchitectureNames.Token(a)));
        }

        var arch = target is null || target.Architecture == InfArchitecture.Unspecified ? InfArchitecture.X86 : target.Architecture;
        return _file.HasSection(name + ".NT" + InfArchitectureNames.Token(arch)) || _file.HasSection(name + ".NT") || _file.HasSection(name);
    }

    // "INF DDInstall Section", "INF CopyFiles Directive", "INF AddService Directive": the directives of every section.
    private void ReadDirectives()
    {
        foreach (var section in _file.Sections)
        {
            _cancellation.ThrowIfCancellationRequested();
            if (IsStringsSection(section) || string.Equals(section.Name, "Version", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!section.Entries.Any(e => e.Key is not null && DirectiveKeys.Any(e.HasKey)))
            {
                continue;
            }

            var directives = new InfSectionDirectives(section.Name);
            foreach (var entry in section.Entries)
            {
                if (entry.HasKey("CopyFiles"))
                {
                    ReadCopyFiles(entry, directives);
                }
                else if (entry.HasKey("AddService"))
                {
                    directives.Services.Add(ReadService(entry, section.Name));
                }
                else if (entry.HasKey("Include"))
                {
                    foreach (var value in entry.Values.Select(X).Where(v => v.Length > 0))
                    {
                        directives.Includes.Add(value);
                    }
                }
                else if (entry.HasKey("Needs"))
                {
                    if (directives.NeedsLine == 0)
                    {
                        directives.NeedsLine = entry.Line;
                        directives.NeedsColumn = entry.Column;
                    }

                    foreach (var value in entry.Values.Select(X).Where(v => v.Length > 0))
                    {
                        directives.Needs.Add(value);
                    }
                }
                else if (entry.HasKey("CopyINF"))
                {
                    foreach (var value in entry.Values.Select(X).Where(v => v.Length > 0))
                    {
                        if (InfPackagePath.IsSafeFileName(value, out var problem))
                        {
                            directives.CopyInfs.Add(value);
                        }
                        else
                        {
                            _bag.Error(InfDiagnosticCode.UnsafeFileReference, entry.Line, entry.Column, "CopyINF is refused: " + problem + ".");
                        }
                    }
                }
                else if (entry.HasKey("DriverVer") && directives.DriverVersion is null)
                {
                    directives.DriverVersion = ReadDriverVer(entry, _isTemplate ? InfDiagnosticSeverity.Info : InfDiagnosticSeverity.Warning);
                }
            }

            _directives.Add(section.Name, directives);
        }
    }

    private void ReadCopyFiles(InfEntry entry, InfSectionDirectives directives)
    {
        foreach (var field in entry.Values)
        {
            var value = X(field);
            if (value.Length == 0)
            {
                continue;
            }

            if (value[0] == '@')
            {
                var name = value.Substring(1).Trim();
                if (!InfPackagePath.IsSafeFileName(name, out var problem))
                {
                    _bag.Error(InfDiagnosticCode.UnsafeFileReference, field.Line, field.Column, "CopyFiles=@ is refused: " + problem + ".");
                    continue;
                }

                if (_defaultDestination is null)
                {
                    _bag.Warning(InfDiagnosticCode.DestinationDirMissing, field.Line, field.Column, "CopyFiles=@" + name + " needs a DefaultDestDir in [DestinationDirs], and there is none.");
                }

                directives.CopyFilesSingleFiles.Add(name);
                directives.SingleFileCopies.Add(new InfFileCopy(name, name, 0, null, _defaultDestination, _sourceName, field.Line, field.Column));
                continue;
            }

            directives.CopyFilesSections.Add(value);
            if (!_fileLists.ContainsKey(value))
            {
                _fileLists.Add(value, ReadFileList(value, field));
            }
        }
    }

    private IReadOnlyList<InfFileCopy> ReadFileList(string sectionName, InfField reference)
    {
        var section = _file.FindSection(sectionName);
        if (section is null)
        {
            _bag.Error(InfDiagnosticCode.CopyFilesSectionMissing, reference.Line, reference.Column, "CopyFiles names section [" + sectionName + "], which does not exist.");
            return Array.Empty<InfFileCopy>();
        }

        var destination = _destinations.TryGetValue(sectionName, out var explicitDestination) ? explicitDestination : _defaultDestination;
        if (destination is null && section.Entries.Count > 0)
        {
            _bag.Warning(InfDiagnosticCode.DestinationDirMissing, reference.Line, reference.Column, "File-list section [" + sectionName + "] has no DestinationDirs entry and there is no DefaultDestDir.");
        }

        var copies = new List<InfFileCopy>();
        foreach (var entry in section.Entries)
        {
            var target = X(entry, 0) ?? string.Empty;
            if (target.Length == 0)
            {
                continue;
            }

            var sourceText = X(entry, 1);
            var source = string.IsNullOrEmpty(sourceText) ? target : sourceText!;
            if (!InfPackagePath.IsSafeFileName(target, out var problem) || !InfPackagePath.IsSafeFileName(source, out problem))
            {
                _bag.Error(InfDiagnosticCode.UnsafeFileReference, entry.Line, entry.Column, "File copy in [" + sectionName + "] is refused: " + problem + ".");
                continue;
            }

            uint flags = 0;
            var flagText = X(entry, 3);
            if (!string.IsNullOrEmpty(flagText) && !InfNumber.TryParse(flagText, out flags))
            {
                _bag.Warning(InfDiagnosticCode.InvalidNumber, entry.Line, entry.Column, "Copy flags '" + flagText + "' are not a number.");
            }

            copies.Add(new InfFileCopy(target, source, flags, section.Name, destination, _sourceName, entry.Line, entry.Column));
        }

        return copies;
    }

    private InfService ReadService(InfEntry entry, string declaredIn)
    {
        var service = new InfService(X(entry, 0) ?? string.Empty, declaredIn, entry.Line, entry.Column);
        var flagText = X(entry, 1);
        if (!string.IsNullOrEmpty(flagText))
        {
            if (InfNumber.TryParse(flagText, out var flags))
            {
                service.Flags = flags;
            }
            else
            {
                _bag.Warning(InfDiagnosticCode.InvalidNumber, entry.Line, entry.Column, "AddService flags '" + flagText + "' are not a number.");
            }
        }

        var installName = X(entry, 2);
        service.InstallSectionName = string.IsNullOrEmpty(installName) ? null : installName;
        var eventLog = X(entry, 3);
        service.EventLogSectionName = string.IsNullOrEmpty(eventLog) ? null : eventLog;
        if (service.IsNullDriver)
        {
            return service;
        }

        if (service.InstallSectionName is null)
        {
            _bag.Error(InfDiagnosticCode.ServiceInstallSectionMissing, entry.Line, entry.Column, "AddService for '" + service.Name + "' names no service-install section.");
            return service;
        }

        var values = ReadServiceInstall(service.InstallSectionName, entry);
        if (values is null)
        {
            return service;
        }

        service.InstallSectionExists = true;
        service.DisplayName = values.DisplayName;
        service.Description = values.Description;
        service.ServiceType = values.ServiceType;
        service.StartTypeValue = values.StartType;
        service.ErrorControl = values.ErrorControl;
        service.ServiceBinary = values.ServiceBinary;
        service.ServiceBinaryDirectoryId = values.BinaryDirectoryId;
        service.ServiceBinaryPath = values.BinaryPath;
        service.StartName = values.StartName;
        service.LoadOrderGroup = values.LoadOrderGroup;
        service.Dependencies = values.Dependencies;
        service.BootFlags = values.BootFlags;
        return service;
    }

    private ServiceInstallValues? ReadServiceInstall(string sectionName, InfEntry reference)
    {
        if (_serviceSections.TryGetValue(sectionName, out var cached))
        {
            return cached;
        }

        var section = _file.FindSection(sectionName);
        if (section is null)
        {
            _bag.Error(InfDiagnosticCode.ServiceInstallSectionMissing, reference.Line, reference.Column, "Service-install section [" + sectionName + "] does not exist.");
            _serviceSections.Add(sectionName, null);
            return null;
        }

        var values = new ServiceInstallValues
        {
            DisplayName = Value(section, "DisplayName"),
            Description = Value(section, "Description"),
            ServiceType = Number(section, "ServiceType"),
            StartType = Number(section, "StartType"),
            ErrorControl = Number(section, "ErrorControl"),
            ServiceBinary = Value(section, "ServiceBinary"),
            StartName = Value(section, "StartName"),
            LoadOrderGroup = Value(section, "LoadOrderGroup"),
            BootFlags = Number(section, "BootFlags"),
        };
        var dependencies = section.FirstWithKey("Dependencies");
        if (dependencies is not null)
        {
            values.Dependencies = dependencies.Values.Select(X).Where(v => v.Length > 0).ToArray();
        }

        if (values.ServiceBinary is not null)
        {
            SplitBinary(values.ServiceBinary, out var dirid, out var path);
            values.BinaryDirectoryId = dirid;
            values.BinaryPath = path;
        }

        var missing = new List<string>();
        foreach (var required in new[] { "ServiceType", "StartType", "ErrorControl", "ServiceBinary" })
        {
            if (section.FirstWithKey(required) is null)
            {
                missing.Add(required);
            }
        }

        if (missing.Count > 0)
        {
            _bag.Error(InfDiagnosticCode.ServiceMissingRequiredEntry, section.Line, section.Column, "Service-install section [" + sectionName + "] lacks " + string.Join(", ", missing) + ".");
        }

        _serviceSections.Add(sectionName, values);
        return values;
    }

    private uint? Number(InfSection section, string key)
    {
        var entry = section.FirstWithKey(key);
        if (entry is null)
        {
            return null;
        }

        var text = X(entry, 0);
        if (InfNumber.TryParse(text, out var value))
        {
            return value;
        }

        _bag.Warning(InfDiagnosticCode.InvalidNumber, entry.Line, entry.Column, key + " '" + text + "' in [" + section.Name + "] is not a number.");
        return null;
    }

    // ServiceBinary is "%dirid%\filename" ("INF AddService Directive").
    private static void SplitBinary(string binary, out int? dirid, out string path)
    {
        dirid = null;
        path = binary;
        if (binary.Length < 3 || binary[0] != '%')
        {
            return;
        }

        var close = binary.IndexOf('%', 1);
        if (close < 0 || !InfStringTable.IsDirectoryId(binary.Substring(1, close - 1)) || !InfNumber.TryParseInt(binary.Substring(1, close - 1), out var id))
        {
            return;
        }

        dirid = id;
        path = binary.Substring(close + 1).TrimStart('\\', '/');
    }

    private static IReadOnlyList<InfArchitecture> ArchitecturesOf(List<InfManufacturer> manufacturers)
    {
        var set = new SortedSet<InfArchitecture>();
        foreach (var manufacturer in manufacturers)
        {
            if (manufacturer.TargetOsVersions.Count == 0)
            {
                set.Add(InfArchitecture.X86);
            }

            foreach (var target in manufacturer.TargetOsVersions)
            {
                if (!target.IsValid || target.IsArchitecturePlaceholder)
                {
                    continue;
                }

                set.Add(target.Architecture == InfArchitecture.Unspecified ? InfArchitecture.X86 : target.Architecture);
            }
        }

        return set.ToArray();
    }

    private sealed class ServiceInstallValues
    {
        public string? DisplayName { get; set; }

        public string? Description { get; set; }

        public uint? ServiceType { get; set; }

        public uint? StartType { get; set; }

        public uint? ErrorControl { get; set; }

        public string? ServiceBinary { get; set; }

        public int? BinaryDirectoryId { get; set; }

        public string? BinaryPath { get; set; }

        public string? StartName { get; set; }

        public string? LoadOrderGroup { get; set; }

        public IReadOnlyList<string> Dependencies { get; set; } = Array.Empty<string>();

        public uint? BootFlags { get; set; }
    }
}
