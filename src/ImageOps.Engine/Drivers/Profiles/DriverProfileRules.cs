using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageOps.Engine.Text;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// The rules of a driver profile: which hardware models it applies to (manufacturer, model, system SKU,
/// baseboard product — wildcards — plus Windows versions and architecture), where their drivers come
/// from (groups or packages, each curated or OEM), what is excluded, or that they get no drivers at all.
/// </summary>
public sealed class DriverProfileRules
{
    /// <summary>Free text.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>Higher wins when several profiles apply to a model; then the more specific selector wins.</summary>
    public int Priority { get; set; }

    /// <summary>Computer manufacturer pattern (Win32_ComputerSystem.Manufacturer; SMBIOS system manufacturer).</summary>
    public string Manufacturer { get; set; } = "*";

    /// <summary>Model pattern (Win32_ComputerSystem.Model; SMBIOS product name).</summary>
    public string Model { get; set; } = "*";

    /// <summary>System SKU pattern (Win32_ComputerSystem.SystemSKUNumber).</summary>
    public string SystemSku { get; set; } = "*";

    /// <summary>Baseboard product pattern (Win32_BaseBoard.Product).</summary>
    public string BaseboardProduct { get; set; } = "*";

    /// <summary>The architecture it applies to, or null for any.</summary>
    public InfArchitecture? Architecture { get; set; }

    /// <summary>Lowest Windows version (major.minor.build) it applies to, or null.</summary>
    public string? MinimumOSVersion { get; set; }

    /// <summary>Highest Windows version it applies to, or null.</summary>
    public string? MaximumOSVersion { get; set; }

    /// <summary>Groups of OEM (or other standard) packages.</summary>
    public List<string> Groups { get; set; } = new();

    /// <summary>Groups of curated packages: for a device they cover, they win over OEM packages whatever Windows' rank says.</summary>
    public List<string> CuratedGroups { get; set; } = new();

    /// <summary>Individual OEM packages, by id.</summary>
    public List<string> PackageIds { get; set; } = new();

    /// <summary>Individual curated packages, by id.</summary>
    public List<string> CuratedPackageIds { get; set; } = new();

    /// <summary>Groups excluded entirely (for example an OEM pack a broader profile brings in).</summary>
    public List<string> ExcludeGroups { get; set; } = new();

    /// <summary>Packages excluded, by id.</summary>
    public List<string> ExcludePackageIds { get; set; } = new();

    /// <summary>Device setup classes excluded (for example SCSIAdapter, HDC): from <see cref="ExcludeClassesFromGroups"/>, or from every source when that is empty.</summary>
    public List<string> ExcludeClasses { get; set; } = new();

    /// <summary>The groups <see cref="ExcludeClasses"/> applies to; empty means every source.</summary>
    public List<string> ExcludeClassesFromGroups { get; set; } = new();

    /// <summary>Hardware id patterns: packages with a model for a matching id are excluded.</summary>
    public List<string> ExcludeHardwareIds { get; set; } = new();

    /// <summary>The explicit "nothing": models this profile applies to get no drivers, and profiles of lower precedence are not consulted.</summary>
    public bool NoDrivers { get; set; }

    /// <summary>How many of the four selector fields are not a bare '*'.</summary>
    public int Specificity => new[] { Manufacturer, Model, SystemSku, BaseboardProduct }.Count(p => p != "*")
        + (Architecture is null ? 0 : 1) + (MinimumOSVersion is null ? 0 : 1) + (MaximumOSVersion is null ? 0 : 1);

    /// <summary>True if the rules apply to <paramref name="model"/> on <paramref name="platform"/>.</summary>
    public bool AppliesTo(HardwareModel model, DriverPlatform platform)
    {
        if (Architecture is { } arch && arch != platform.Architecture)
        {
            return false;
        }

        if (ParseVersion(MinimumOSVersion) is { } min && Compare(platform.OSVersion, min) < 0)
        {
            return false;
        }

        if (ParseVersion(MaximumOSVersion) is { } max && Compare(platform.OSVersion, max) > 0)
        {
            return false;
        }

        return Matches(Manufacturer, model.Manufacturer) && Matches(Model, model.Model) && Matches(SystemSku, model.SystemSku) && Matches(BaseboardProduct, model.BaseboardProduct);
    }

    /// <summary>True if the rules name the package or one of its groups as a source.</summary>
    internal bool Uses(DriverPackageRecord record)
        => PackageIds.Concat(CuratedPackageIds).Any(id => string.Equals(id, record.Id, StringComparison.OrdinalIgnoreCase))
           || Groups.Concat(CuratedGroups).Any(g => record.Groups.Contains(g, StringComparer.OrdinalIgnoreCase));

    /// <summary>Checks the rules; throws <see cref="ErrorIds.DriverProfileInvalid"/> with what is wrong.</summary>
    internal void Validate(string name)
    {
        void Fail(string why) => throw new InvalidRequestException(ErrorIds.DriverProfileInvalid, "Driver profile '" + name + "' is not valid: " + why + ".", name);
        foreach (var (label, pattern) in new[] { ("manufacturer", Manufacturer), ("model", Model), ("system SKU", SystemSku), ("baseboard product", BaseboardProduct) })
        {
            if (string.IsNullOrEmpty(pattern))
            {
                Fail("the " + label + " pattern is empty (use '*' for any)");
            }
        }

        var sources = Groups.Count + CuratedGroups.Count + PackageIds.Count + CuratedPackageIds.Count;
        if (NoDrivers && sources > 0)
        {
            Fail("it says the models get no drivers and also names sources of drivers");
        }

        var exclusions = ExcludeGroups.Count + ExcludePackageIds.Count + ExcludeClasses.Count + ExcludeHardwareIds.Count;
        if (!NoDrivers && sources == 0 && exclusions == 0)
        {
            Fail("it names no source of drivers, no exclusion, and not -NoDrivers, so it would change nothing");
        }

        if (ExcludeClassesFromGroups.Count > 0 && ExcludeClasses.Count == 0)
        {
            Fail("it limits class exclusions to groups but excludes no class");
        }

        foreach (var group in Groups.Concat(CuratedGroups).Concat(ExcludeGroups).Concat(ExcludeClassesFromGroups))
        {
            DriverPackageCatalog.ValidateGroup(group);
        }

        var min = ParseVersion(MinimumOSVersion, Fail);
        var max = ParseVersion(MaximumOSVersion, Fail);
        if (min is not null && max is not null && Compare(min, max) > 0)
        {
            Fail("its minimum Windows version " + MinimumOSVersion + " is above its maximum " + MaximumOSVersion);
        }

        if (Architecture == InfArchitecture.Unspecified)
        {
            Architecture = null;
        }
    }

    /// <summary>A copy.</summary>
    internal DriverProfileRules Clone() => new()
    {
        Description = Description,
        Priority = Priority,
        Manufacturer = Manufacturer,
        Model = Model,
        SystemSku = SystemSku,
        BaseboardProduct = BaseboardProduct,
        Architecture = Architecture,
        MinimumOSVersion = MinimumOSVersion,
        MaximumOSVersion = MaximumOSVersion,
        Groups = Groups.ToList(),
        CuratedGroups = CuratedGroups.ToList(),
        PackageIds = PackageIds.ToList(),
        CuratedPackageIds = CuratedPackageIds.ToList(),
        ExcludeGroups = ExcludeGroups.ToList(),
        ExcludePackageIds = ExcludePackageIds.ToList(),
        ExcludeClasses = ExcludeClasses.ToList(),
        ExcludeClassesFromGroups = ExcludeClassesFromGroups.ToList(),
        ExcludeHardwareIds = ExcludeHardwareIds.ToList(),
        NoDrivers = NoDrivers,
    };

    internal static Version? ParseVersion(string? text, Action<string>? fail = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (Version.TryParse(text, out var version))
        {
            return version;
        }

        fail?.Invoke("'" + text + "' is not a Windows version such as 10.0.22631");
        return null;
    }

    /// <summary>Compares major.minor.build (a missing part counts as 0; revisions are ignored).</summary>
    internal static int Compare(Version a, Version b)
    {
        var c = a.Major.CompareTo(b.Major);
        if (c == 0)
        {
            c = Math.Max(0, a.Minor).CompareTo(Math.Max(0, b.Minor));
        }

        return c != 0 ? c : Math.Max(0, a.Build).CompareTo(Math.Max(0, b.Build));
    }

    private static bool Matches(string pattern, string? value)
        => pattern == "*" || new Wildcard(pattern).IsMatch((value ?? string.Empty).Trim());

    /// <summary>A short description of what the rules select, for messages.</summary>
    public string DescribeSelector()
    {
        var parts = new List<string>();
        foreach (var (label, pattern) in new[] { ("manufacturer", Manufacturer), ("model", Model), ("SKU", SystemSku), ("baseboard", BaseboardProduct) })
        {
            if (pattern != "*")
            {
                parts.Add(label + " '" + pattern + "'");
            }
        }

        if (Architecture is { } arch)
        {
            parts.Add(DriverPlatform.ArchitectureName(arch));
        }

        if (MinimumOSVersion is not null || MaximumOSVersion is not null)
        {
            parts.Add(string.Format(CultureInfo.InvariantCulture, "Windows {0}..{1}", MinimumOSVersion ?? "any", MaximumOSVersion ?? "any"));
        }

        return parts.Count == 0 ? "every model" : string.Join(", ", parts);
    }
}

/// <summary>The identity of a hardware model, as Windows reports it (Win32_ComputerSystem, Win32_BaseBoard).</summary>
public sealed class HardwareModel : IEquatable<HardwareModel>
{
    /// <summary>Creates a model.</summary>
    public HardwareModel(string? manufacturer, string? model, string? systemSku = null, string? baseboardProduct = null)
    {
        Manufacturer = (manufacturer ?? string.Empty).Trim();
        Model = (model ?? string.Empty).Trim();
        SystemSku = (systemSku ?? string.Empty).Trim();
        BaseboardProduct = (baseboardProduct ?? string.Empty).Trim();
    }

    /// <summary>Computer manufacturer.</summary>
    public string Manufacturer { get; }

    /// <summary>Computer model.</summary>
    public string Model { get; }

    /// <summary>System SKU (empty if unknown).</summary>
    public string SystemSku { get; }

    /// <summary>Baseboard product (empty if unknown).</summary>
    public string BaseboardProduct { get; }

    /// <inheritdoc />
    public bool Equals(HardwareModel? other)
        => other is not null && string.Equals(Manufacturer, other.Manufacturer, StringComparison.OrdinalIgnoreCase) && string.Equals(Model, other.Model, StringComparison.OrdinalIgnoreCase)
           && string.Equals(SystemSku, other.SystemSku, StringComparison.OrdinalIgnoreCase) && string.Equals(BaseboardProduct, other.BaseboardProduct, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as HardwareModel);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Manufacturer + "\u0001" + Model + "\u0001" + SystemSku + "\u0001" + BaseboardProduct);

    /// <summary>For example <c>Dell Inc. Latitude 7440 (SKU 0C6F)</c>.</summary>
    public override string ToString()
        => (Manufacturer + " " + Model).Trim() + (SystemSku.Length > 0 ? " (SKU " + SystemSku + ")" : string.Empty) + (BaseboardProduct.Length > 0 ? " [board " + BaseboardProduct + "]" : string.Empty);
}
