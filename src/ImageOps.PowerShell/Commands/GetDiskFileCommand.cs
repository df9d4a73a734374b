using System.Management.Automation;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Gets the format, size, allocation and parent chain of virtual disk files.</summary>
/// <remarks>
/// <para>Get-DiskFile reads a virtual disk file of any supported format (raw, VHD, VHDX, QCOW2,
/// VMDK) without Hyper-V or qemu-img, and reports its format and subformat, its virtual size, the
/// size of the file, how many bytes it actually stores, its cluster or block size, its sector sizes
/// and its identity.</para>
/// <para>For a differencing disk, Chain lists the disk and each of its parents, and whether each
/// parent is the one the child was made from: Verified when the identities match, IdentityMismatch
/// when the parent was changed or replaced, Unverified when the format records no identity (QCOW2),
/// and Unavailable when the parent cannot be opened. A mismatched parent is reported, not refused.</para>
/// <para>The format is detected from the file's content, never from its extension.</para>
/// </remarks>
/// <example>
/// <code>Get-DiskFile -Path D:\Images\win11.vhdx</code>
/// <para>Shows the format, virtual size and allocated bytes of an image.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem D:\Images -Recurse -Include *.vhdx, *.qcow2 | Get-DiskFile | Sort-Object AllocatedBytes -Descending</code>
/// <para>Lists every image under a folder, largest first.</para>
/// </example>
/// <example>
/// <code>(Get-DiskFile .\desktop-042.vhdx -ParentSearchPath \\fs01\gold).Chain | Format-Table Depth, Path, ParentLink</code>
/// <para>Shows a linked clone's chain and whether each parent still matches.</para>
/// </example>
/// <seealso cref="ConvertDiskFileCommand"/>
/// <seealso cref="TestDiskFileCommand"/>
[Cmdlet(VerbsCommon.Get, "DiskFile", DefaultParameterSetName = ByPath)]
[OutputType(typeof(DiskFileInfo))]
public sealed class GetDiskFileCommand : DiskFileCmdlet
{
    /// <summary>
    /// <para>The format of the files, when detection should be skipped (for example a raw image whose
    /// first sector looks like another format).</para>
    /// </summary>
    [Parameter]
    public DiskFormat? Format { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var service = Service;
        foreach (var file in DiskFiles())
        {
            if (TryInvoke(file, context => service.GetInfo(file, Format, context), out var info))
            {
                WriteObject(info);
            }
        }
    }
}
