using System.Management.Automation;
using ImageOps.Engine.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Changes the virtual size of a disk file.</summary>
/// <remarks>
/// <para>Resize-DiskFile grows (or, with -AllowShrink, shrinks) a disk's virtual size, like Hyper-V's
/// Resize-VHD. Growing adds unallocated space at the end; the partitions and file systems inside are
/// not changed. Shrinking discards everything past the new end, so it must be allowed explicitly, and
/// formats refuse it while data is allocated beyond the new size.</para>
/// <para>Not every format can be resized: VMDK cannot (as with qemu-img), and a raw file simply
/// changes length.</para>
/// </remarks>
/// <example>
/// <code>Resize-DiskFile .\data.vhdx -SizeBytes 256GB</code>
/// <para>Grows a disk to 256 GiB.</para>
/// </example>
/// <example>
/// <code>Resize-DiskFile .\scratch.qcow2 -SizeBytes 20GB -AllowShrink -PassThru</code>
/// <para>Shrinks a disk and shows the result.</para>
/// </example>
/// <seealso cref="GetDiskFileCommand"/>
[Cmdlet(VerbsCommon.Resize, "DiskFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPath)]
[OutputType(typeof(DiskFileInfo))]
public sealed class ResizeDiskFileCommand : DiskFileCmdlet
{
    /// <summary>
    /// <para>The new virtual size in bytes (a multiple of the logical sector size).</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateRange(512, ulong.MaxValue)]
    public ulong SizeBytes { get; set; }

    /// <summary>
    /// <para>Allows a smaller size, discarding everything past the new end.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter AllowShrink { get; set; }

    /// <summary>
    /// <para>Returns the resized disk. By default Resize-DiskFile writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var service = Service;
        foreach (var file in DiskFiles())
        {
            if (!ShouldProcess(file, $"Resize to {SizeBytes} bytes{(AllowShrink ? " (shrinking allowed)" : string.Empty)}"))
            {
                continue;
            }

            if (TryInvoke(file, context => service.Resize(file, checked((long)SizeBytes), AllowShrink, context), out var info) && PassThru)
            {
                WriteObject(info);
            }
        }
    }
}
