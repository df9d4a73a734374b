using System.Management.Automation;
using ImageOps.Engine.Drivers;

namespace ImageOps.PowerShell.Commands;

/// <summary>Writes driver packages from the library back to folders, byte for byte in their original layout.</summary>
/// <remarks>
/// <para>Export-DriverPackage writes each package into its own folder under -DestinationPath, named
/// after the INF and the package id (for example e1d_3fa94c21d07b6e55), with every file at the path it
/// had relative to the INF when it was imported. Each file is checked against its SHA-256 as it is
/// copied; a damaged store is reported (DriverStoreObjectCorrupt) rather than exported.</para>
/// <para>Existing files of the package at the destination are refused (DriverExportTargetExists) unless
/// -Force is given, which overwrites them.</para>
/// </remarks>
/// <example>
/// <code>Get-DriverPackage -Group Curated | Export-DriverPackage -DestinationPath D:\Export</code>
/// <para>Exports the curated drivers, one folder per package, ready for pnputil /add-driver /subdirs.</para>
/// </example>
/// <example>
/// <code>Export-DriverPackage -Id 3fa94c21 -DestinationPath .\out -Force -PassThru</code>
/// <para>Exports one package again over an earlier export and reports the folder.</para>
/// </example>
/// <seealso cref="AddDriverPackageCommand"/>
/// <seealso cref="GetDriverPackageCommand"/>
[Cmdlet(VerbsData.Export, "DriverPackage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ById)]
[OutputType(typeof(DriverPackageExportResult))]
public sealed class ExportDriverPackageCommand : DriverPackageCmdlet
{
    /// <summary>
    /// <para>Ids of the packages to export (wildcards, or unique prefixes).</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = System.Array.Empty<string>();

    /// <summary>
    /// <para>Packages to export, as returned by Get-DriverPackage.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DriverPackageInfo[] InputObject { get; set; } = System.Array.Empty<DriverPackageInfo>();

    /// <summary>
    /// <para>The folder that receives one subfolder per package. It is created if needed.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>
    /// <para>Overwrites files of the package that are already at the destination.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// <para>Returns where each package was written. By default Export-DriverPackage writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var destination = ResolveNewFileSystemPath(DestinationPath);
        foreach (var (library, package) in SelectPackages(ParameterSetName == ById ? Id : null, ParameterSetName == ByInputObject ? InputObject : null))
        {
            if (!ShouldProcess($"driver package {package.Id} ({package.Name})", $"Export to '{destination}'"))
            {
                continue;
            }

            if (TryInvoke(package.Id, context => library.Drivers.Packages.Export(package.Id, destination, Force, context), out var result) && PassThru)
            {
                WriteObject(result);
            }
        }
    }
}
