using System.Management.Automation;
using ImageOps.Engine;
using ImageOps.Engine.Drivers;

namespace ImageOps.PowerShell.Commands;

/// <summary>Resolves the exact driver packages to inject for a hardware model, or for every model of a fleet inventory, each with its reason.</summary>
/// <remarks>
/// <para>Resolve-DriverSet walks the driver profiles that apply to the model (by priority, then
/// specificity; a -NoDrivers profile ends the walk), gathers their curated and OEM sources, removes what
/// their exclusions name and what has no models for -OSVersion and -Architecture, and then chooses, for
/// each device, the best curated package that matches one of the device's hardware ids, else the package
/// Windows would rank first. The set is the packages chosen for at least one device.</para>
/// <para>For a model alone, each hardware id the candidate packages list stands for a device. With
/// -InventoryPath, every model of the inventory is resolved for the devices it really has, and each device
/// says which package drives it, which one Windows itself would pick among the set (DiffersFromCurated
/// when that is not the curated one), or that it has none.</para>
/// <para>Packages lists each package with its tier, the profile and source that brought it, why it is in
/// the set, whether it is boot-critical, and the store paths of its files. Excluded lists what the
/// profiles named but the set leaves out, and why. A model no profile covers is returned with Status
/// NoProfile and reported as an error (DriverModelNotCovered).</para>
/// </remarks>
/// <example>
/// <code>Resolve-DriverSet -Manufacturer 'Dell Inc.' -Model 'Latitude 7440' -OSVersion 10.0.26100 | Select-Object -ExpandProperty Packages</code>
/// <para>Lists what a Latitude 7440 gets on Windows 11 24H2, and why.</para>
/// </example>
/// <example>
/// <code>Get-CimInstance Win32_ComputerSystem | Resolve-DriverSet</code>
/// <para>Resolves the drivers for this computer's model (Manufacturer, Model and SystemSKUNumber bind by name).</para>
/// </example>
/// <example>
/// <code>Resolve-DriverSet -InventoryPath .\fleet.csv | Format-Table Model, Status, PackageCount</code>
/// <para>Resolves every model of an inventory for its real devices.</para>
/// </example>
/// <seealso cref="NewDriverProfileCommand"/>
/// <seealso cref="TestDriverCoverageCommand"/>
/// <seealso cref="FindDriverPackageCommand"/>
[Cmdlet(VerbsDiagnostic.Resolve, "DriverSet", DefaultParameterSetName = ByModel)]
[OutputType(typeof(DriverSet))]
public sealed class ResolveDriverSetCommand : DriverPlatformCmdlet
{
    private const string ByModel = "ByModel";
    private const string ByInventory = "ByInventory";

    /// <summary>
    /// <para>The computer manufacturer (Win32_ComputerSystem.Manufacturer).</para>
    /// </summary>
    [Parameter(ParameterSetName = ByModel, ValueFromPipelineByPropertyName = true)]
    public string? Manufacturer { get; set; }

    /// <summary>
    /// <para>The model (Win32_ComputerSystem.Model).</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByModel, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Model { get; set; } = string.Empty;

    /// <summary>
    /// <para>The system SKU (Win32_ComputerSystem.SystemSKUNumber).</para>
    /// </summary>
    [Parameter(ParameterSetName = ByModel, ValueFromPipelineByPropertyName = true)]
    [Alias("SystemSKUNumber")]
    public string? SystemSku { get; set; }

    /// <summary>
    /// <para>The baseboard product (Win32_BaseBoard.Product).</para>
    /// </summary>
    [Parameter(ParameterSetName = ByModel, ValueFromPipelineByPropertyName = true)]
    public string? BaseboardProduct { get; set; }

    /// <summary>
    /// <para>A fleet inventory (CSV or JSON, see Test-DriverCoverage): every model in it is resolved for
    /// its devices.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInventory)]
    [ValidateNotNullOrEmpty]
    public string InventoryPath { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var library = OpenLibrary();
        if (ParameterSetName == ByInventory)
        {
            var path = ResolveNewFileSystemPath(InventoryPath);
            if (TryInvoke(path, context => library.Drivers.ResolveInventory(path, Platform(), context), out var sets))
            {
                foreach (var set in sets)
                {
                    Write(set);
                }
            }

            return;
        }

        var model = new HardwareModel(Manufacturer, Model, SystemSku, BaseboardProduct);
        if (TryInvoke(model.ToString(), context => library.Drivers.Resolve(new DriverSetRequest { Model = model, Platform = Platform() }, context), out var result))
        {
            Write(result);
        }
    }

    private void Write(DriverSet set)
    {
        foreach (var warning in set.Warnings)
        {
            WriteWarning(warning);
        }

        WriteObject(set);
        if (set.Status == DriverSetStatus.NoProfile)
        {
            WriteEngineError(new ObjectNotFoundException(ErrorIds.DriverModelNotCovered, set.Summary + " Create a profile for it with New-DriverProfile.", set.Model.ToString()));
        }
    }
}
