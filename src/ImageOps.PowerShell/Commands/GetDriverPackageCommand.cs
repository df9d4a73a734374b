using System;
using System.Management.Automation;
using ImageOps.Engine.Drivers;
using ImageOps.Formats.Inf;

namespace ImageOps.PowerShell.Commands;

/// <summary>Gets the driver packages in the library, filtered by id, name, class, provider, hardware id, group, architecture or Windows version.</summary>
/// <remarks>
/// <para>Get-DriverPackage lists stored packages with their provider, class, DriverVer version and date,
/// architectures, TargetOSVersion decorations, hardware ids, whether their catalog is present, whether
/// they are boot-critical (they add a boot-start service) or boot-critical storage controller drivers,
/// their groups and their files with where the store keeps each.</para>
/// <para>Every filter given must match. -Id, -Name, -Class, -Provider, -HardwareId and -Group accept
/// wildcards; -HardwareId matches hardware and compatible ids of the package's models. An id without
/// wildcards may be a unique prefix of at least four digits, and one that matches nothing is an error
/// (DriverPackageNotFound). -OSVersion keeps packages with a models section that applies to that Windows
/// build on -Architecture (default Amd64).</para>
/// </remarks>
/// <example>
/// <code>Get-DriverPackage -Class Net -Group Dell-*</code>
/// <para>Lists the network drivers of every Dell pack.</para>
/// </example>
/// <example>
/// <code>Get-DriverPackage -HardwareId 'PCI\VEN_8086&amp;DEV_15F3*' | Format-List Name, Id, Version, Date, Groups</code>
/// <para>Finds every package that lists a device id.</para>
/// </example>
/// <example>
/// <code>Get-DriverPackage -OSVersion 10.0.26100 -Architecture Arm64 | Where-Object IsBootStorageController</code>
/// <para>Lists the storage controller drivers that apply to Windows 11 24H2 on Arm64.</para>
/// </example>
/// <seealso cref="AddDriverPackageCommand"/>
/// <seealso cref="FindDriverPackageCommand"/>
/// <seealso cref="RemoveDriverPackageCommand"/>
[Cmdlet(VerbsCommon.Get, "DriverPackage", DefaultParameterSetName = ByQuery)]
[OutputType(typeof(DriverPackageInfo))]
public sealed class GetDriverPackageCommand : ImageOpsCmdlet
{
    private const string ByQuery = "ByQuery";

    /// <summary>
    /// <para>Package ids. Wildcards are allowed; an id without them may be a unique prefix.</para>
    /// </summary>
    [Parameter(Position = 0, ParameterSetName = ByQuery, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>
    /// <para>INF file names, for example e1d*.inf.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByQuery)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <summary>
    /// <para>Device setup class, for example Net, SCSIAdapter or Display.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByQuery)]
    [SupportsWildcards]
    public string? Class { get; set; }

    /// <summary>
    /// <para>Provider, as the INF's [Version] section names it.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByQuery)]
    [SupportsWildcards]
    public string? Provider { get; set; }

    /// <summary>
    /// <para>A hardware or compatible id some model of the package lists.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByQuery)]
    [SupportsWildcards]
    public string? HardwareId { get; set; }

    /// <summary>
    /// <para>A group the package belongs to.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByQuery)]
    [SupportsWildcards]
    public string? Group { get; set; }

    /// <summary>
    /// <para>Only packages imported for this architecture.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByQuery)]
    public InfArchitecture? Architecture { get; set; }

    /// <summary>
    /// <para>Only packages with models for this Windows version (for example 10.0.22631).</para>
    /// </summary>
    [Parameter(ParameterSetName = ByQuery)]
    public Version? OSVersion { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var library = OpenLibrary();
        var query = new DriverPackageQuery { Ids = Id, Names = Name, Class = Class, Provider = Provider, HardwareId = HardwareId, Group = Group, Architecture = Architecture, OSVersion = OSVersion };
        if (!TryInvoke(Id, context => library.Drivers.Packages.Find(query, context), out var result))
        {
            return;
        }

        foreach (var error in result.Errors)
        {
            WriteEngineError(error);
        }

        foreach (var package in result.Packages)
        {
            WriteObject(package);
        }
    }
}
