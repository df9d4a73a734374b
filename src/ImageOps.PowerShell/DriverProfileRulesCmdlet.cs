using System;
using System.Linq;
using System.Management.Automation;
using ImageOps.Engine.Drivers;
using ImageOps.Formats.Inf;

namespace ImageOps.PowerShell;

/// <summary>The rule parameters New-DriverProfile and Set-DriverProfile share.</summary>
public abstract class DriverProfileRulesCmdlet : DriverProfileCmdlet
{
    /// <summary>
    /// <para>Free text that describes the profile.</para>
    /// </summary>
    [Parameter]
    public string? Description { get; set; }

    /// <summary>
    /// <para>Precedence when several profiles apply to a model: higher first; among equal priorities the
    /// profile with the more specific selector comes first. The default is 0.</para>
    /// </summary>
    [Parameter]
    public int Priority { get; set; }

    /// <summary>
    /// <para>The computer manufacturer the profile applies to (Win32_ComputerSystem.Manufacturer), with
    /// wildcards. The default * matches any.</para>
    /// </summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Manufacturer { get; set; }

    /// <summary>
    /// <para>The model (Win32_ComputerSystem.Model), with wildcards.</para>
    /// </summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    /// <summary>
    /// <para>The system SKU (Win32_ComputerSystem.SystemSKUNumber), with wildcards.</para>
    /// </summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? SystemSku { get; set; }

    /// <summary>
    /// <para>The baseboard product (Win32_BaseBoard.Product), with wildcards.</para>
    /// </summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? BaseboardProduct { get; set; }

    /// <summary>
    /// <para>The architecture the profile applies to. Unspecified (the default) means any.</para>
    /// </summary>
    [Parameter]
    public InfArchitecture Architecture { get; set; }

    /// <summary>
    /// <para>The lowest Windows version the profile applies to, for example 10.0.22000.</para>
    /// </summary>
    [Parameter]
    public Version? MinimumOSVersion { get; set; }

    /// <summary>
    /// <para>The highest Windows version the profile applies to.</para>
    /// </summary>
    [Parameter]
    public Version? MaximumOSVersion { get; set; }

    /// <summary>
    /// <para>Groups of OEM (or other standard) packages the models get.</para>
    /// </summary>
    [Parameter]
    public string[]? Group { get; set; }

    /// <summary>
    /// <para>Groups of curated packages. For a device one of them matches by hardware id, the curated
    /// package is chosen over OEM packages whatever Windows' own rank says.</para>
    /// </summary>
    [Parameter]
    public string[]? CuratedGroup { get; set; }

    /// <summary>
    /// <para>Individual OEM packages, by id.</para>
    /// </summary>
    [Parameter]
    public string[]? PackageId { get; set; }

    /// <summary>
    /// <para>Individual curated packages, by id.</para>
    /// </summary>
    [Parameter]
    public string[]? CuratedPackageId { get; set; }

    /// <summary>
    /// <para>Groups to exclude entirely for these models (for example a pack a broader profile brings in).</para>
    /// </summary>
    [Parameter]
    public string[]? ExcludeGroup { get; set; }

    /// <summary>
    /// <para>Packages to exclude, by id.</para>
    /// </summary>
    [Parameter]
    public string[]? ExcludePackageId { get; set; }

    /// <summary>
    /// <para>Device setup classes to exclude (names such as SCSIAdapter, HDC, Net, or class GUIDs): from
    /// the groups in -ExcludeClassFromGroup, or from every source when that is not given.</para>
    /// </summary>
    [Parameter]
    public string[]? ExcludeClass { get; set; }

    /// <summary>
    /// <para>The groups -ExcludeClass applies to, for example the OEM pack whose storage driver breaks boot.</para>
    /// </summary>
    [Parameter]
    public string[]? ExcludeClassFromGroup { get; set; }

    /// <summary>
    /// <para>Hardware id patterns: packages with a model for a matching id are excluded.</para>
    /// </summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? ExcludeHardwareId { get; set; }

    /// <summary>
    /// <para>The explicit "nothing": models the profile applies to get no drivers at all, and profiles of
    /// lower precedence are not consulted. It cannot be combined with sources.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter NoDrivers { get; set; }

    /// <summary>The rules for a new profile.</summary>
    protected DriverProfileRules BuildRules() => new()
    {
        Description = Description ?? string.Empty,
        Priority = Priority,
        Manufacturer = Manufacturer ?? "*",
        Model = Model ?? "*",
        SystemSku = SystemSku ?? "*",
        BaseboardProduct = BaseboardProduct ?? "*",
        Architecture = Architecture == InfArchitecture.Unspecified ? null : Architecture,
        MinimumOSVersion = MinimumOSVersion?.ToString(),
        MaximumOSVersion = MaximumOSVersion?.ToString(),
        Groups = (Group ?? Array.Empty<string>()).ToList(),
        CuratedGroups = (CuratedGroup ?? Array.Empty<string>()).ToList(),
        PackageIds = (PackageId ?? Array.Empty<string>()).ToList(),
        CuratedPackageIds = (CuratedPackageId ?? Array.Empty<string>()).ToList(),
        ExcludeGroups = (ExcludeGroup ?? Array.Empty<string>()).ToList(),
        ExcludePackageIds = (ExcludePackageId ?? Array.Empty<string>()).ToList(),
        ExcludeClasses = (ExcludeClass ?? Array.Empty<string>()).ToList(),
        ExcludeClassesFromGroups = (ExcludeClassFromGroup ?? Array.Empty<string>()).ToList(),
        ExcludeHardwareIds = (ExcludeHardwareId ?? Array.Empty<string>()).ToList(),
        NoDrivers = NoDrivers,
    };

    /// <summary>The changes the bound parameters ask for: only parameters given change anything.</summary>
    protected DriverProfileChanges BuildChanges(string? newName)
    {
        bool Has(string name) => MyInvocation.BoundParameters.ContainsKey(name);
        return new DriverProfileChanges
        {
            NewName = newName,
            Description = Has(nameof(Description)) ? Description ?? string.Empty : null,
            Priority = Has(nameof(Priority)) ? Priority : null,
            Manufacturer = Manufacturer,
            Model = Model,
            SystemSku = SystemSku,
            BaseboardProduct = BaseboardProduct,
            Architecture = Has(nameof(Architecture)) ? Architecture : null,
            MinimumOSVersion = Has(nameof(MinimumOSVersion)) ? MinimumOSVersion?.ToString() ?? string.Empty : null,
            MaximumOSVersion = Has(nameof(MaximumOSVersion)) ? MaximumOSVersion?.ToString() ?? string.Empty : null,
            Groups = Has(nameof(Group)) ? Group ?? Array.Empty<string>() : null,
            CuratedGroups = Has(nameof(CuratedGroup)) ? CuratedGroup ?? Array.Empty<string>() : null,
            PackageIds = Has(nameof(PackageId)) ? PackageId ?? Array.Empty<string>() : null,
            CuratedPackageIds = Has(nameof(CuratedPackageId)) ? CuratedPackageId ?? Array.Empty<string>() : null,
            ExcludeGroups = Has(nameof(ExcludeGroup)) ? ExcludeGroup ?? Array.Empty<string>() : null,
            ExcludePackageIds = Has(nameof(ExcludePackageId)) ? ExcludePackageId ?? Array.Empty<string>() : null,
            ExcludeClasses = Has(nameof(ExcludeClass)) ? ExcludeClass ?? Array.Empty<string>() : null,
            ExcludeClassesFromGroups = Has(nameof(ExcludeClassFromGroup)) ? ExcludeClassFromGroup ?? Array.Empty<string>() : null,
            ExcludeHardwareIds = Has(nameof(ExcludeHardwareId)) ? ExcludeHardwareId ?? Array.Empty<string>() : null,
            NoDrivers = Has(nameof(NoDrivers)) ? NoDrivers.IsPresent : null,
        };
    }
}
