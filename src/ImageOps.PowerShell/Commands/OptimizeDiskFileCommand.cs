using System.Management.Automation;
using ImageOps.Engine.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Reclaims the space of zero and unused blocks in a disk file.</summary>
/// <remarks>
/// <para>Optimize-DiskFile compacts a dynamic disk like Hyper-V's Optimize-VHD: it rewrites the image
/// without the blocks that hold only zeros or that nothing uses, into a temporary file that replaces
/// the original atomically once complete. A differencing disk keeps its parent.</para>
/// <para>Formats that record an identity (VHD, VHDX, VMDK) get a new one, so differencing disks made
/// from the image no longer match it; ImageOps warns when that applies. Run it on gold images before
/// their clones are made, or on the clones themselves.</para>
/// </remarks>
/// <example>
/// <code>Optimize-DiskFile .\win11.vhdx -PassThru</code>
/// <para>Compacts an image and shows how much was reclaimed.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem .\clones\*.qcow2 | Optimize-DiskFile</code>
/// <para>Compacts every linked clone in a folder.</para>
/// </example>
/// <seealso cref="TestDiskFileCommand"/>
[Cmdlet(VerbsCommon.Optimize, "DiskFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPath)]
[OutputType(typeof(DiskOptimizeResult))]
public sealed class OptimizeDiskFileCommand : DiskFileCmdlet
{
    /// <summary>
    /// <para>Returns what was reclaimed. By default Optimize-DiskFile writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var service = Service;
        foreach (var file in DiskFiles())
        {
            if (!ShouldProcess(file, "Compact disk (rewrite without zero blocks)"))
            {
                continue;
            }

            if (TryInvoke(file, context => service.Optimize(file, context), out var result) && PassThru)
            {
                WriteObject(result);
            }
        }
    }
}
