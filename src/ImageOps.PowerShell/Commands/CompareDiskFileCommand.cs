using System;
using System.Management.Automation;
using ImageOps.Engine.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Compares the content of two virtual disks of any formats.</summary>
/// <remarks>
/// <para>Compare-DiskFile compares what two disks present to a virtual machine, whatever their
/// formats and chains: a QCOW2 can be compared with the VHDX it was converted from. Identical is true
/// when every byte matches; otherwise FirstDifferenceOffset is the first byte that differs.</para>
/// <para>As with qemu-img compare, disks of different sizes are identical when the larger one reads
/// as zeros beyond the smaller one's end. Ranges that read as zeros in both disks are skipped without
/// being read, so comparing sparse images is fast.</para>
/// <para>The imageops command's <c>disk compare</c> verb exits 0 when identical, 1 when different and
/// 2 on error, as qemu-img compare does.</para>
/// </remarks>
/// <example>
/// <code>Compare-DiskFile -ReferencePath .\win11.vhdx -DifferencePath .\win11.qcow2</code>
/// <para>Verifies a conversion.</para>
/// </example>
/// <example>
/// <code>if (-not (Compare-DiskFile .\a.vmdk .\b.vmdk).Identical) { 'changed' }</code>
/// <para>Uses the result in a script.</para>
/// </example>
/// <seealso cref="ConvertDiskFileCommand"/>
[Cmdlet(VerbsData.Compare, "DiskFile", DefaultParameterSetName = ByPaths)]
[OutputType(typeof(DiskComparison))]
public sealed class CompareDiskFileCommand : ImageOpsCmdlet
{
    private const string ByPaths = "ByPaths";

    /// <summary>
    /// <para>The first disk.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPaths, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "Path")]
    [ValidateNotNullOrEmpty]
    public string ReferencePath { get; set; } = string.Empty;

    /// <summary>
    /// <para>The second disk.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByPaths)]
    [ValidateNotNullOrEmpty]
    public string DifferencePath { get; set; } = string.Empty;

    /// <summary>
    /// <para>More folders in which parent images of either disk may be opened.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ParentSearchPath { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var reference = ResolveNewFileSystemPath(ReferencePath);
        var difference = ResolveNewFileSystemPath(DifferencePath);
        var roots = Array.ConvertAll(ParentSearchPath ?? Array.Empty<string>(), ResolveNewFileSystemPath);
        if (TryInvoke(reference, context => new DiskFileService(roots).Compare(reference, difference, context: context), out var result))
        {
            WriteObject(result);
        }
    }
}
