using System.Management.Automation;
using ImageOps.Engine.Pools;

namespace ImageOps.PowerShell.Commands;

/// <summary>Removes an image pool from the library, and optionally deletes its files.</summary>
/// <remarks>
/// <para>Remove-ImagePool removes a pool's registration from the library. The pool's folder and
/// everything in it are left in place unless -DeleteFiles is given, so a pool removed by mistake can
/// be added back with Register-ImagePool.</para>
/// <para>A pool that still holds desktop images or tool images is refused (ImagePoolNotEmpty)
/// unless -Force is given. -Force overrides that refusal only, much as Remove-Item -Force overrides
/// a read-only attribute; it does not suppress the confirmation prompt (use -Confirm:$false for
/// that). ImageOps does not prompt a second time with ShouldContinue, because scheduled scripts run
/// without a person to answer.</para>
/// <para>With -DeleteFiles, the pool's own entries (pool.json, images, tools and its .imageops state
/// folder) are deleted, and the folder itself if nothing else is left in it. Files that are not the
/// pool's are kept and listed in the result. Files are deleted only when the pool is online and the
/// folder holds the registered pool.</para>
/// <para>The operation has a high impact, so PowerShell asks for confirmation by default.</para>
/// </remarks>
/// <example>
/// <code>Remove-ImagePool -Name Lab</code>
/// <para>Removes the empty pool Lab from the library after confirmation; its folder stays.</para>
/// </example>
/// <example>
/// <code>Get-ImagePool Test* | Remove-ImagePool -WhatIf</code>
/// <para>Shows which pools would be removed, without removing them.</para>
/// </example>
/// <example>
/// <code>Remove-ImagePool -Name Old -Force -DeleteFiles -Confirm:$false -PassThru</code>
/// <para>Removes the pool Old even though it holds images, deletes its files without prompting, and
/// returns what was done.</para>
/// </example>
/// <seealso cref="GetImagePoolCommand"/>
/// <seealso cref="UnregisterImagePoolCommand"/>
[Cmdlet(VerbsCommon.Remove, "ImagePool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName)]
[OutputType(typeof(PoolRemovalResult))]
public sealed class RemoveImagePoolCommand : ImagePoolCmdlet
{
    /// <summary>
    /// <para>Names of the pools to remove. Wildcards are allowed.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    /// <summary>
    /// <para>Pools to remove, as returned by Get-ImagePool.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ImagePoolInfo[] InputObject { get; set; } = System.Array.Empty<ImagePoolInfo>();

    /// <summary>
    /// <para>Removes pools that still hold desktop images or tool images. Without it such pools are
    /// refused with the error ImagePoolNotEmpty.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// <para>Also deletes the pool's files: pool.json, its images, its tool images and its state
    /// folder. Without it the folder is left untouched.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter DeleteFiles { get; set; }

    /// <summary>
    /// <para>Returns what was removed. By default Remove-ImagePool writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var (library, pool) in SelectPools(ParameterSetName == ByName ? Name : null, ParameterSetName == ByInputObject ? InputObject : null))
        {
            var action = DeleteFiles
                ? "Remove image pool from the library and DELETE its images and files"
                : "Remove image pool from the library (its files are kept)";
            if (!ShouldProcess($"pool '{pool.Name}' ('{pool.Path}')", action))
            {
                continue;
            }

            if (TryInvoke(pool.Name, context => library.Pools.Remove(pool.Name, Force, DeleteFiles, context), out var result) && PassThru)
            {
                WriteObject(result);
            }
        }
    }
}
