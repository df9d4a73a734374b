using System.Management.Automation;
using ImageOps.Engine.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Merges a differencing disk into its parent.</summary>
/// <remarks>
/// <para>Merge-DiskFile writes a differencing disk's changes into its parent, in place, and then
/// deletes the differencing disk (like Hyper-V's Merge-VHD), unless -KeepChild is given. Other
/// differencing disks of the same parent see the merged changes too, and record a parent identity the
/// parent no longer has: merge only into a parent that has no other children. Gold images in a pool
/// are never merged into by ImageOps' own operations; this cmdlet is for your working chains.</para>
/// <para>Until the child is deleted the chain still reads the same, so an interrupted merge can be run
/// again. To flatten a chain into a new standalone image instead, use Convert-DiskFile.</para>
/// <para>The parent is changed, so the cmdlet asks for confirmation by default.</para>
/// </remarks>
/// <example>
/// <code>Merge-DiskFile .\win11-updates.avhdx</code>
/// <para>Merges a checkpoint-style differencing disk into its parent and deletes it.</para>
/// </example>
/// <example>
/// <code>Merge-DiskFile .\child.qcow2 -KeepChild -Confirm:$false -PassThru</code>
/// <para>Commits a QCOW2 overlay into its backing file, keeping the overlay.</para>
/// </example>
/// <seealso cref="ConvertDiskFileCommand"/>
/// <seealso cref="GetDiskFileCommand"/>
[Cmdlet(VerbsData.Merge, "DiskFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByPath)]
[OutputType(typeof(DiskMergeResult))]
public sealed class MergeDiskFileCommand : DiskFileCmdlet
{
    /// <summary>
    /// <para>Keeps the differencing disk after its data is merged (it will no longer match its parent).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter KeepChild { get; set; }

    /// <summary>
    /// <para>Returns what was merged. By default Merge-DiskFile writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var service = Service;
        foreach (var file in DiskFiles())
        {
            if (!ShouldProcess(file, KeepChild ? "Merge into its parent" : "Merge into its parent and delete it"))
            {
                continue;
            }

            if (TryInvoke(file, context => service.Merge(file, KeepChild, context), out var result) && PassThru)
            {
                WriteObject(result);
            }
        }
    }
}
