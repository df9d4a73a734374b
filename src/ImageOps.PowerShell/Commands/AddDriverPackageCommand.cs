using System;
using System.Management.Automation;
using ImageOps.Engine.Drivers;
using ImageOps.Formats.Inf;

namespace ImageOps.PowerShell.Commands;

/// <summary>Imports driver packages from a folder, an INF, a ZIP archive or a cabinet into the library.</summary>
/// <remarks>
/// <para>Add-DriverPackage imports one package per INF: from a folder it searches every subfolder (links
/// and junctions are not followed), and a .zip or .cab (stored or MSZIP; recognised by content) is
/// extracted first. Each package is the INF, the INFs it includes, its catalog and every file its
/// SourceDisksFiles sections name for each architecture, kept in their layout relative to the INF's
/// folder. File contents are stored once in the library's content-addressed store (SHA-256), however
/// many packages share them; importing the same package again changes nothing but its groups.</para>
/// <para>An INF is refused, with a non-terminating error, when it names files that are missing
/// (DriverPackageFilesMissing, with the list), refers to files outside its folder
/// (DriverPackageReferenceRefused), or has errors that make Windows refuse it (DriverInfInvalid). If a
/// pack ships only some architectures of an INF, import those with -Architecture. Archives with unsafe
/// entries (.., absolute or drive paths, links, devices, duplicate names) or that expand beyond the limits
/// (a possible decompression bomb) are refused as a whole (DriverArchiveEntryRefused,
/// DriverArchiveTooLarge). Cabinets compressed with LZX or Quantum are refused by name: extract them
/// with expand.exe first.</para>
/// <para>-Group puts the packages in groups, which driver profiles refer to (for example the OEM pack
/// of a model, or a curated set).</para>
/// </remarks>
/// <example>
/// <code>Add-DriverPackage -Path D:\Packs\Latitude7440-A05 -Group Dell-Latitude-7440</code>
/// <para>Imports every INF of an extracted OEM pack into the group of that model.</para>
/// </example>
/// <example>
/// <code>Add-DriverPackage -Path .\Curated\*.inf -Group Curated -PassThru | Format-Table Name, Class, Version, Id</code>
/// <para>Imports hand-picked INFs as curated drivers and shows what was stored.</para>
/// </example>
/// <example>
/// <code>Add-DriverPackage -LiteralPath .\7440-win11-A05.cab -Architecture Amd64 -Group Dell-Latitude-7440</code>
/// <para>Imports a cabinet, taking only the x64 parts of INFs that also declare other architectures.</para>
/// </example>
/// <seealso cref="GetDriverPackageCommand"/>
/// <seealso cref="GetDriverInfCommand"/>
/// <seealso cref="NewDriverProfileCommand"/>
[Cmdlet(VerbsCommon.Add, "DriverPackage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPath)]
[OutputType(typeof(DriverPackageInfo))]
public sealed class AddDriverPackageCommand : ImageOpsCmdlet
{
    private const string ByPath = "ByPath";
    private const string ByLiteralPath = "ByLiteralPath";

    /// <summary>
    /// <para>Folders, INF files, .zip archives or cabinets to import. Wildcards are allowed.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPath, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>Folders, INF files or archives, used exactly as typed. Items piped from Get-ChildItem bind
    /// to it through their PSPath property.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByLiteralPath, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>Groups to put the imported packages in: 1 to 64 letters, digits, spaces, '.', '_', '+' or
    /// '-'. A package imported again is added to these groups.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Group { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>Architectures to import. By default every architecture an INF declares, whose files must then
    /// all be present; name some to import an INF whose other architectures' files the pack lacks.</para>
    /// </summary>
    [Parameter]
    public InfArchitecture[] Architecture { get; set; } = Array.Empty<InfArchitecture>();

    /// <summary>
    /// <para>Returns the packages imported (or found already present). By default Add-DriverPackage
    /// writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == ByLiteralPath;
        foreach (var pattern in literal ? LiteralPath : Path)
        {
            foreach (var source in ResolveExistingFileSystemPaths(pattern, literal))
            {
                if (!ShouldProcess(source, "Import driver packages" + (Group.Length == 0 ? string.Empty : " into group(s) " + string.Join(", ", Group))))
                {
                    continue;
                }

                var library = OpenLibrary();
                var request = new DriverImportRequest { Path = source, Groups = Group, Architectures = Architecture };
                if (!TryInvoke(source, context => library.Drivers.Packages.Add(request, context), out var result))
                {
                    continue;
                }

                foreach (var item in result.Items)
                {
                    if (item.Error is not null)
                    {
                        WriteEngineError(item.Error, item.InfPath);
                    }
                    else if (PassThru)
                    {
                        WriteObject(item.Package);
                    }
                }
            }
        }
    }
}
