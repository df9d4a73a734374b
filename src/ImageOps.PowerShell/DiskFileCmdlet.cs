using System;
using System.Collections.Generic;
using System.Management.Automation;
using ImageOps.Engine.Disks;

namespace ImageOps.PowerShell;

/// <summary>
/// Base of the cmdlets that act on existing disk files: the -Path (wildcards) / -LiteralPath (PSPath)
/// pair resolved through the provider (STYLE.md 8), so <c>Get-ChildItem *.vhdx | Convert-DiskFile</c>
/// works, and -ParentSearchPath for chains that span folders.
/// </summary>
public abstract class DiskFileCmdlet : ImageOpsCmdlet
{
    /// <summary>Parameter set: files named by path, wildcards allowed.</summary>
    protected const string ByPath = "ByPath";

    /// <summary>Parameter set: files named literally, or piped from Get-ChildItem.</summary>
    protected const string ByLiteralPath = "ByLiteralPath";

    /// <summary>
    /// <para>Paths of the disk files. Wildcards are allowed. The format is detected from each file's
    /// content, never from its extension.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPath, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>Paths of the disk files, used exactly as typed. Files piped from Get-ChildItem bind to it
    /// through their PSPath property.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByLiteralPath, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>More folders in which parent (backing) images may be opened. By default a differencing
    /// image's parent is opened only from the image's own folder: an image never chooses which
    /// host files are opened.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ParentSearchPath { get; set; }

    /// <summary>The engine service, with the parent search paths resolved against the current location.</summary>
    protected DiskFileService Service => new(ResolvedParentSearchPaths());

    /// <summary>The parent search paths as full file-system paths.</summary>
    protected IReadOnlyList<string> ResolvedParentSearchPaths()
    {
        var roots = new List<string>();
        foreach (var path in ParentSearchPath ?? Array.Empty<string>())
        {
            roots.Add(ResolveNewFileSystemPath(path));
        }

        return roots;
    }

    /// <summary>The disk files this invocation names (wildcards expanded; missing paths written as errors).</summary>
    protected IEnumerable<string> DiskFiles()
    {
        var literal = ParameterSetName == ByLiteralPath;
        foreach (var pattern in literal ? LiteralPath : Path)
        {
            foreach (var file in ResolveExistingFileSystemPaths(pattern, literal))
            {
                yield return file;
            }
        }
    }
}
