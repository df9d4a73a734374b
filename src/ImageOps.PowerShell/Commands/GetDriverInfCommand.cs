using System;
using System.Management.Automation;
using ImageOps.Engine.Drivers;

namespace ImageOps.PowerShell.Commands;

/// <summary>Reads an INF without importing it: its metadata, models per decoration, services, files and diagnostics.</summary>
/// <remarks>
/// <para>Get-DriverInf reads an INF and the files beside it the way an import would, and reports its
/// [Version] values (class, provider, DriverVer, catalogs), its manufacturers with their TargetOSVersion
/// decorations, every model per models section with its hardware and compatible ids, and per
/// architecture the services it adds (with start types), the files it copies and where, its catalog and
/// whether it is boot-critical.</para>
/// <para>Diagnostics lists everything the INF reader noticed, with line and column. MissingFiles,
/// RefusedReferences and ImportProblems say whether Add-DriverPackage would import it as it is
/// (CanImport). An INF that cannot be read at all is an error naming the line and column
/// (DriverInfMalformed, DriverInfTooLarge).</para>
/// </remarks>
/// <example>
/// <code>Get-DriverInf .\e1d.inf | Format-List</code>
/// <para>Shows what an INF declares.</para>
/// </example>
/// <example>
/// <code>(Get-DriverInf .\iaStorVD.inf).Platforms | Format-Table Architecture, IsBootStorageController, CatalogPresent</code>
/// <para>Checks that a storage driver is boot-start on each architecture before importing it.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem D:\Packs -Recurse -Filter *.inf | Get-DriverInf | Where-Object { -not $_.CanImport } | Select-Object Path, ImportProblems</code>
/// <para>Finds the INFs of a pack that an import would refuse, and why.</para>
/// </example>
/// <seealso cref="AddDriverPackageCommand"/>
[Cmdlet(VerbsCommon.Get, "DriverInf", DefaultParameterSetName = ByPath)]
[OutputType(typeof(DriverInfReport))]
public sealed class GetDriverInfCommand : ImageOpsCmdlet
{
    private const string ByPath = "ByPath";
    private const string ByLiteralPath = "ByLiteralPath";

    /// <summary>
    /// <para>Paths of INF files. Wildcards are allowed.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPath, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>Paths of INF files, used exactly as typed. Files piped from Get-ChildItem bind to it through
    /// their PSPath property.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByLiteralPath, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == ByLiteralPath;
        foreach (var pattern in literal ? LiteralPath : Path)
        {
            foreach (var file in ResolveExistingFileSystemPaths(pattern, literal))
            {
                if (TryInvoke(file, context => DriverInfInspector.Inspect(file, context), out var report))
                {
                    WriteObject(report);
                }
            }
        }
    }
}
