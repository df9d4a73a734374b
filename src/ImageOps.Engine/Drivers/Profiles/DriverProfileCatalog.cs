using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ImageOps.Engine.Library;
using ImageOps.Engine.Storage;
using ImageOps.Engine.Text;

namespace ImageOps.Engine.Drivers;

/// <summary><c>drivers/profiles/&lt;name&gt;.json</c>: a driver profile.</summary>
[RecordSchema("DriverProfile", 1)]
public sealed class DriverProfileRecord : Record
{
    /// <summary>Identity.</summary>
    public Guid Id { get; set; }

    /// <summary>Name (compared without case).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The rules.</summary>
    public DriverProfileRules Rules { get; set; } = new();

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedUtc { get; set; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset ModifiedUtc { get; set; }
}

/// <summary>A driver profile as Get-DriverProfile shows it.</summary>
public sealed class DriverProfileInfo
{
    internal DriverProfileInfo(DriverProfileRecord record, string libraryPath)
    {
        Name = record.Name;
        Id = record.Id;
        Rules = record.Rules.Clone();
        CreatedUtc = record.CreatedUtc;
        ModifiedUtc = record.ModifiedUtc;
        LibraryPath = libraryPath;
    }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>Identity.</summary>
    public Guid Id { get; }

    /// <summary>The rules (a copy).</summary>
    public DriverProfileRules Rules { get; }

    /// <summary>Free text.</summary>
    public string Description => Rules.Description;

    /// <summary>Precedence among profiles that apply to the same model.</summary>
    public int Priority => Rules.Priority;

    /// <summary>What it applies to, in words.</summary>
    public string AppliesTo => Rules.DescribeSelector();

    /// <summary>True for the explicit "no drivers".</summary>
    public bool NoDrivers => Rules.NoDrivers;

    /// <summary>Curated groups and packages, then OEM ones.</summary>
    public string[] Sources => Rules.CuratedGroups.Select(g => "curated group " + g)
        .Concat(Rules.CuratedPackageIds.Select(p => "curated package " + p))
        .Concat(Rules.Groups.Select(g => "group " + g))
        .Concat(Rules.PackageIds.Select(p => "package " + p)).ToArray();

    /// <summary>Exclusions, in words.</summary>
    public string[] Exclusions => Rules.ExcludeGroups.Select(g => "group " + g)
        .Concat(Rules.ExcludePackageIds.Select(p => "package " + p))
        .Concat(Rules.ExcludeClasses.Select(c => "class " + c + (Rules.ExcludeClassesFromGroups.Count == 0 ? " from any source" : " from " + string.Join(", ", Rules.ExcludeClassesFromGroups))))
        .Concat(Rules.ExcludeHardwareIds.Select(h => "hardware id " + h)).ToArray();

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedUtc { get; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset ModifiedUtc { get; }

    /// <summary>The library it is in.</summary>
    public string LibraryPath { get; }

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}

/// <summary>Changes to a profile: null members are kept; a list replaces the stored list (empty clears it).</summary>
public sealed class DriverProfileChanges
{
    /// <summary>New name.</summary>
    public string? NewName { get; set; }

    /// <summary>New description.</summary>
    public string? Description { get; set; }

    /// <summary>New priority.</summary>
    public int? Priority { get; set; }

    /// <summary>New manufacturer pattern.</summary>
    public string? Manufacturer { get; set; }

    /// <summary>New model pattern.</summary>
    public string? Model { get; set; }

    /// <summary>New system SKU pattern.</summary>
    public string? SystemSku { get; set; }

    /// <summary>New baseboard product pattern.</summary>
    public string? BaseboardProduct { get; set; }

    /// <summary>New architecture (Unspecified clears it).</summary>
    public Formats.Inf.InfArchitecture? Architecture { get; set; }

    /// <summary>New minimum version (empty string clears it).</summary>
    public string? MinimumOSVersion { get; set; }

    /// <summary>New maximum version (empty string clears it).</summary>
    public string? MaximumOSVersion { get; set; }

    /// <summary>New OEM groups.</summary>
    public IReadOnlyList<string>? Groups { get; set; }

    /// <summary>New curated groups.</summary>
    public IReadOnlyList<string>? CuratedGroups { get; set; }

    /// <summary>New OEM package ids.</summary>
    public IReadOnlyList<string>? PackageIds { get; set; }

    /// <summary>New curated package ids.</summary>
    public IReadOnlyList<string>? CuratedPackageIds { get; set; }

    /// <summary>New excluded groups.</summary>
    public IReadOnlyList<string>? ExcludeGroups { get; set; }

    /// <summary>New excluded packages.</summary>
    public IReadOnlyList<string>? ExcludePackageIds { get; set; }

    /// <summary>New excluded classes.</summary>
    public IReadOnlyList<string>? ExcludeClasses { get; set; }

    /// <summary>New groups the class exclusions apply to.</summary>
    public IReadOnlyList<string>? ExcludeClassesFromGroups { get; set; }

    /// <summary>New excluded hardware ids.</summary>
    public IReadOnlyList<string>? ExcludeHardwareIds { get; set; }

    /// <summary>New "no drivers" choice.</summary>
    public bool? NoDrivers { get; set; }
}

/// <summary>The driver profiles of a library: create, find, change, remove. Mutations hold the <c>drivers</c> lease.</summary>
public sealed class DriverProfileCatalog
{
    /// <summary>Longest allowed name.</summary>
    public const int MaxNameLength = 64;

    private static readonly Regex Allowed = new("^[A-Za-z0-9][A-Za-z0-9_.+ -]*$", RegexOptions.CultureInvariant);
    private readonly ImageLibrary _library;
    private readonly DriverLibrary _drivers;

    internal DriverProfileCatalog(ImageLibrary library, DriverLibrary drivers)
    {
        _library = library;
        _drivers = drivers;
    }

    private string Folder => Path.Combine(_drivers.RootPath, DriverStoreLayout.ProfilesFolder);

    /// <summary>Creates a profile.</summary>
    public DriverProfileInfo Create(string name, DriverProfileRules rules, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        ValidateName(name);
        rules = (rules ?? throw new ArgumentNullException(nameof(rules))).Clone();
        rules.Validate(name);
        using var lease = _drivers.TakeLease("create driver profile '" + name + "'", context);
        WarnAboutUnknownSources(rules, context);
        var now = _library.Clock.UtcNow;
        var record = new DriverProfileRecord { Id = Guid.NewGuid(), Name = name, Rules = rules, CreatedUtc = now, ModifiedUtc = now };
        Directory.CreateDirectory(Folder);
        if (!RecordStore.TryCreate(PathOf(name), record, lease))
        {
            throw new ObjectExistsException(ErrorIds.DriverProfileNameInUse, $"A driver profile named '{name}' already exists in '{_library.RootPath}'.", name);
        }

        context.Log.Verbose($"Created driver profile '{name}' for {rules.DescribeSelector()}.");
        return new DriverProfileInfo(record, _library.RootPath);
    }

    /// <summary>Finds profiles by name (wildcards; a plain name that matches nothing is an error in the result).</summary>
    public DriverProfileQueryResult Find(IEnumerable<string>? namePatterns = null, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        var errors = new List<ImageOpsException>();
        var all = LoadAll(context, errors);
        var patterns = namePatterns?.Where(p => !string.IsNullOrEmpty(p)).ToList() ?? new List<string>();
        var selected = new List<DriverProfileRecord>();
        if (patterns.Count == 0)
        {
            selected.AddRange(all);
        }

        foreach (var pattern in patterns)
        {
            var wildcard = new Wildcard(pattern);
            var hits = all.Where(p => wildcard.IsMatch(p.Name)).ToList();
            if (hits.Count == 0 && !Wildcard.ContainsWildcard(pattern))
            {
                errors.Add(NotFound(pattern));
            }

            selected.AddRange(hits.Where(h => !selected.Contains(h)));
        }

        return new DriverProfileQueryResult(selected.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(p => new DriverProfileInfo(p, _library.RootPath)).ToList(), errors);
    }

    /// <summary>The profile named <paramref name="name"/> (exact, without case).</summary>
    public DriverProfileInfo Get(string name) => new(Read(name), _library.RootPath);

    /// <summary>Changes a profile.</summary>
    public DriverProfileInfo Update(string name, DriverProfileChanges changes, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        using var lease = _drivers.TakeLease("change driver profile '" + name + "'", context);
        var record = Read(name);
        var rules = record.Rules.Clone();
        Apply(rules, changes ?? throw new ArgumentNullException(nameof(changes)));
        var newName = changes.NewName ?? record.Name;
        ValidateName(newName);
        rules.Validate(newName);
        WarnAboutUnknownSources(rules, context);
        record.Rules = rules;
        record.ModifiedUtc = _library.Clock.UtcNow;
        var oldPath = PathOf(record.Name);
        var newPath = PathOf(newName);
        lease.EnsureHeld();
        if (string.Equals(oldPath, newPath, StringComparison.Ordinal))
        {
            record.Name = newName;
            RecordStore.Replace(oldPath, record);
        }
        else
        {
            record.Name = newName;
            if (!RecordStore.TryCreate(newPath, record))
            {
                throw new ObjectExistsException(ErrorIds.DriverProfileNameInUse, $"A driver profile named '{newName}' already exists.", newName);
            }

            // A crash here leaves both names; both hold the same id, and the next rename or removal of
            // either is harmless. The old one is removed now.
            File.Delete(oldPath);
        }

        context.Log.Verbose($"Changed driver profile '{newName}'.");
        return new DriverProfileInfo(record, _library.RootPath);
    }

    /// <summary>Removes a profile.</summary>
    public DriverProfileInfo Remove(string name, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        using var lease = _drivers.TakeLease("remove driver profile '" + name + "'", context);
        var record = Read(name);
        lease.EnsureHeld();
        File.Delete(PathOf(record.Name));
        context.Log.Verbose($"Removed driver profile '{record.Name}'.");
        return new DriverProfileInfo(record, _library.RootPath);
    }

    internal List<DriverProfileRecord> LoadAll(OperationContext context, List<ImageOpsException> errors)
    {
        var result = new List<DriverProfileRecord>();
        if (!Directory.Exists(Folder))
        {
            return result;
        }

        foreach (var file in Directory.GetFiles(Folder, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            if (TempFiles.IsTempName(Path.GetFileName(file)))
            {
                continue;
            }

            try
            {
                if (RecordStore.TryRead<DriverProfileRecord>(file) is { } record)
                {
                    result.Add(record);
                }
            }
            catch (RecordException ex)
            {
                context.Log.Warning(ex.Message);
                errors.Add(ex);
            }
        }

        // Two records for one profile (a rename interrupted after the new one was written): keep one.
        return result.GroupBy(r => r.Id).Select(g => g.OrderByDescending(r => r.ModifiedUtc).First()).ToList();
    }

    private static void Apply(DriverProfileRules rules, DriverProfileChanges c)
    {
        rules.Description = c.Description ?? rules.Description;
        rules.Priority = c.Priority ?? rules.Priority;
        rules.Manufacturer = c.Manufacturer ?? rules.Manufacturer;
        rules.Model = c.Model ?? rules.Model;
        rules.SystemSku = c.SystemSku ?? rules.SystemSku;
        rules.BaseboardProduct = c.BaseboardProduct ?? rules.BaseboardProduct;
        if (c.Architecture is { } arch)
        {
            rules.Architecture = arch == Formats.Inf.InfArchitecture.Unspecified ? null : arch;
        }

        if (c.MinimumOSVersion is not null)
        {
            rules.MinimumOSVersion = c.MinimumOSVersion.Length == 0 ? null : c.MinimumOSVersion;
        }

        if (c.MaximumOSVersion is not null)
        {
            rules.MaximumOSVersion = c.MaximumOSVersion.Length == 0 ? null : c.MaximumOSVersion;
        }

        static List<string> Or(IReadOnlyList<string>? replacement, List<string> current) => replacement?.Where(s => !string.IsNullOrEmpty(s)).ToList() ?? current;
        rules.Groups = Or(c.Groups, rules.Groups);
        rules.CuratedGroups = Or(c.CuratedGroups, rules.CuratedGroups);
        rules.PackageIds = Or(c.PackageIds, rules.PackageIds);
        rules.CuratedPackageIds = Or(c.CuratedPackageIds, rules.CuratedPackageIds);
        rules.ExcludeGroups = Or(c.ExcludeGroups, rules.ExcludeGroups);
        rules.ExcludePackageIds = Or(c.ExcludePackageIds, rules.ExcludePackageIds);
        rules.ExcludeClasses = Or(c.ExcludeClasses, rules.ExcludeClasses);
        rules.ExcludeClassesFromGroups = Or(c.ExcludeClassesFromGroups, rules.ExcludeClassesFromGroups);
        rules.ExcludeHardwareIds = Or(c.ExcludeHardwareIds, rules.ExcludeHardwareIds);
        rules.NoDrivers = c.NoDrivers ?? rules.NoDrivers;
    }

    private void WarnAboutUnknownSources(DriverProfileRules rules, OperationContext context)
    {
        var packages = _drivers.Packages.LoadAll(OperationContext.None, new List<ImageOpsException>());
        foreach (var group in rules.Groups.Concat(rules.CuratedGroups))
        {
            if (!packages.Any(p => p.Groups.Contains(group, StringComparer.OrdinalIgnoreCase)))
            {
                context.Log.Warning($"No package in the library is in group '{group}' yet.");
            }
        }

        foreach (var id in rules.PackageIds.Concat(rules.CuratedPackageIds))
        {
            if (!packages.Any(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase)))
            {
                context.Log.Warning($"No package with id '{id}' is in the library.");
            }
        }
    }

    private DriverProfileRecord Read(string name)
    {
        DriverProfileRecord? record = null;
        if (IsValidName(name))
        {
            record = RecordStore.TryRead<DriverProfileRecord>(PathOf(name));
        }

        return record ?? throw NotFound(name);
    }

    private ObjectNotFoundException NotFound(string name)
        => new(ErrorIds.DriverProfileNotFound, $"No driver profile named '{name}' is in the library '{_library.RootPath}'.", name);

    private string PathOf(string name) => Path.Combine(Folder, name.ToLowerInvariant() + ".json");

    private static bool IsValidName(string? name)
        => !string.IsNullOrEmpty(name) && name!.Length <= MaxNameLength && Allowed.IsMatch(name) && Formats.Inf.InfPackagePath.IsSafeFileName(name, out _);

    private static void ValidateName(string? name)
    {
        if (!IsValidName(name))
        {
            throw new InvalidRequestException(ErrorIds.DriverProfileNameInvalid, $"'{name}' is not a valid profile name: use 1 to {MaxNameLength} letters, digits, spaces, '.', '_', '+' or '-', starting with a letter or digit.", name);
        }
    }
}

/// <summary>Profiles a query found, and per-item errors.</summary>
public sealed class DriverProfileQueryResult
{
    /// <summary>Creates the result.</summary>
    public DriverProfileQueryResult(IReadOnlyList<DriverProfileInfo> profiles, IReadOnlyList<ImageOpsException> errors)
    {
        Profiles = profiles;
        Errors = errors;
    }

    /// <summary>The profiles, by name.</summary>
    public IReadOnlyList<DriverProfileInfo> Profiles { get; }

    /// <summary>Per-item errors.</summary>
    public IReadOnlyList<ImageOpsException> Errors { get; }
}
