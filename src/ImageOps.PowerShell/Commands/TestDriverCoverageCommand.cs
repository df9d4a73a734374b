using System.Management.Automation;
using ImageOps.Engine.Drivers;

namespace ImageOps.PowerShell.Commands;

/// <summary>Checks a fleet inventory against the driver library before deployment, per model, and writes an HTML report.</summary>
/// <remarks>
/// <para>Test-DriverCoverage reads a fleet inventory — hardware model plus PnP ids per device — and, for
/// each model, resolves its driver set for the devices it really has (see Resolve-DriverSet). It reports
/// as failures: models no profile covers; storage controllers (SCSIAdapter, HDC) and network adapters
/// (Net) without a driver and not on an inbox driver; storage controllers whose chosen driver is not
/// boot-start (the image would stop with 0x7B). It reports as warnings: other devices without a driver,
/// and devices where Windows would install another package of the set than the curated one.</para>
/// <para>-HtmlPath writes a self-contained page: a matrix of models × device classes coloured by outcome
/// (green covered, blue inbox, amber warning, red failure, grey none) and per model its problems and
/// packages. Use ConvertTo-Json on the result for tooling.</para>
/// <para>The inventory is CSV or JSON (recognised by content). Columns are matched without regard to
/// case or spaces. Model: ComputerModel, Model, CsModel or SystemProductName (required); manufacturer:
/// ComputerManufacturer, CsManufacturer or Make; SKU: SystemSku or SystemSKUNumber; baseboard:
/// BaseboardProduct or Product; computer: ComputerName, PSComputerName or CsName. Device columns are
/// Get-PnpDevice's (HardwareID, CompatibleID, InstanceId, FriendlyName, Class, ClassGuid, Present, Status)
/// or pnputil /enum-devices /ids' (Hardware IDs, Compatible IDs, Instance ID, Device Description, Class Name,
/// Class GUID, Driver Name); DriverInfPath or Driver Name tells which INF a device uses now (an INF other
/// than oemNN.inf is an inbox driver). In CSV, join id lists with ';': Export-Csv writes arrays as
/// System.String[], which is refused with the fix. Devices with Present False, or without ids, are
/// skipped. One way to collect a computer's rows:</para>
/// <para>$cs = Get-CimInstance Win32_ComputerSystem; Get-PnpDevice -PresentOnly | Select-Object @{n='ComputerName';e={$env:COMPUTERNAME}}, @{n='ComputerManufacturer';e={$cs.Manufacturer}}, @{n='ComputerModel';e={$cs.Model}}, @{n='SystemSku';e={$cs.SystemSKUNumber}}, FriendlyName, Class, ClassGuid, @{n='HardwareID';e={$_.HardwareID -join ';'}}, @{n='CompatibleID';e={$_.CompatibleID -join ';'}}, @{n='DriverInfPath';e={($_ | Get-PnpDeviceProperty DEVPKEY_Device_DriverInfPath).Data}} | Export-Csv fleet.csv -Append -NoTypeInformation</para>
/// </remarks>
/// <example>
/// <code>Test-DriverCoverage -InventoryPath .\fleet.csv -OSVersion 10.0.26100 -HtmlPath .\coverage.html</code>
/// <para>Checks the fleet for Windows 11 24H2 and writes the report.</para>
/// </example>
/// <example>
/// <code>(Test-DriverCoverage .\fleet.json).Models | Where-Object Status -eq Fail | ForEach-Object Problems</code>
/// <para>Lists what would break deployment.</para>
/// </example>
/// <example>
/// <code>Test-DriverCoverage .\fleet.csv | ConvertTo-Json -Depth 6 | Set-Content coverage.json</code>
/// <para>Saves the report as JSON for other tools.</para>
/// </example>
/// <seealso cref="ResolveDriverSetCommand"/>
/// <seealso cref="NewDriverProfileCommand"/>
[Cmdlet(VerbsDiagnostic.Test, "DriverCoverage", DefaultParameterSetName = ByInventory)]
[OutputType(typeof(DriverCoverageReport))]
public sealed class TestDriverCoverageCommand : DriverPlatformCmdlet
{
    private const string ByInventory = "ByInventory";

    /// <summary>
    /// <para>The fleet inventory, CSV or JSON.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByInventory, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string InventoryPath { get; set; } = string.Empty;

    /// <summary>
    /// <para>Where to write the HTML report. The file is replaced if it exists.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HtmlPath { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var inventory = ResolveNewFileSystemPath(InventoryPath);
        var html = HtmlPath is null ? null : ResolveNewFileSystemPath(HtmlPath);
        var library = OpenLibrary();
        if (TryInvoke(inventory, context => library.Drivers.TestCoverage(inventory, Platform(), html, context), out var report))
        {
            WriteObject(report);
        }
    }
}
