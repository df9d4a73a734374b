using System.Management.Automation;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Checks virtual disk files for corruptions and leaks, and repairs them when asked.</summary>
/// <remarks>
/// <para>Test-DiskFile checks a disk's metadata the way qemu-img check does, without opening it as a
/// disk (so images that would not open can still be checked). Status is Clean, Corrupt (metadata is
/// inconsistent and data may read wrong), LeaksOnly (space is allocated that nothing uses: harmless
/// but wasteful) or NotSupported (raw images have no metadata to check).</para>
/// <para>-Repair fixes leaks and the corruptions that can be fixed safely. It changes the file, so it
/// asks for confirmation and honours -WhatIf.</para>
/// <para>The imageops command's <c>disk check</c> verb exits with qemu-img check's codes: 0 clean,
/// 2 corrupt, 3 leaks only, 63 not supported.</para>
/// </remarks>
/// <example>
/// <code>Test-DiskFile .\gold.qcow2</code>
/// <para>Checks an image.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem D:\Images -Recurse -Include *.vhdx | Test-DiskFile | Where-Object Status -ne Clean</code>
/// <para>Finds damaged images in a folder tree.</para>
/// </example>
/// <example>
/// <code>Test-DiskFile .\leaky.qcow2 -Repair -Confirm:$false</code>
/// <para>Repairs leaks without prompting.</para>
/// </example>
/// <seealso cref="GetDiskFileCommand"/>
/// <seealso cref="OptimizeDiskFileCommand"/>
[Cmdlet(VerbsDiagnostic.Test, "DiskFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByPath)]
[OutputType(typeof(DiskCheckResult))]
public sealed class TestDiskFileCommand : DiskFileCmdlet
{
    /// <summary>
    /// <para>Repairs leaks and the corruptions that can be fixed safely. Without it the file is only read.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Repair { get; set; }

    /// <summary>
    /// <para>The format of the files, when detection should be skipped.</para>
    /// </summary>
    [Parameter]
    public DiskFormat? Format { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var service = Service;
        foreach (var file in DiskFiles())
        {
            if (Repair && !ShouldProcess(file, "Repair disk metadata"))
            {
                continue;
            }

            if (TryInvoke(file, context => service.Check(file, Repair, Format, context), out var result))
            {
                WriteObject(result);
            }
        }
    }
}
