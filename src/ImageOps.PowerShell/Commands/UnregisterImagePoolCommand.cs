using System.Management.Automation;
using ImageOps.Engine.Pools;

namespace ImageOps.PowerShell.Commands;

/// <summary>Removes an image pool's registration from the library, leaving the pool untouched.</summary>
/// <remarks>
/// <para>Unregister-ImagePool forgets a pool in this library only. The pool folder, its pool.json
/// and its images are not changed, and other libraries that registered the same pool still see it.
/// Use it for a share that this workstation should no longer use; Register-ImagePool adds it
/// back.</para>
/// <para>Unlike Remove-ImagePool it never deletes files and does not refuse pools that hold
/// images.</para>
/// </remarks>
/// <example>
/// <code>Unregister-ImagePool -Name Branch42</code>
/// <para>Forgets the pool Branch42 in this library.</para>
/// </example>
/// <example>
/// <code>Get-ImagePool | Where-Object Status -eq Unreachable | Unregister-ImagePool -PassThru</code>
/// <para>Forgets every pool whose folder can no longer be reached, and lists them.</para>
/// </example>
/// <seealso cref="RegisterImagePoolCommand"/>
/// <seealso cref="RemoveImagePoolCommand"/>
[Cmdlet(VerbsLifecycle.Unregister, "ImagePool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByName)]
[OutputType(typeof(ImagePoolInfo))]
public sealed class UnregisterImagePoolCommand : ImagePoolCmdlet
{
    /// <summary>
    /// <para>Names of the pools to unregister. Wildcards are allowed.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    /// <summary>
    /// <para>Pools to unregister, as returned by Get-ImagePool.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ImagePoolInfo[] InputObject { get; set; } = System.Array.Empty<ImagePoolInfo>();

    /// <summary>
    /// <para>Returns the unregistered pools. By default Unregister-ImagePool writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var (library, pool) in SelectPools(ParameterSetName == ByName ? Name : null, ParameterSetName == ByInputObject ? InputObject : null))
        {
            if (!ShouldProcess($"pool '{pool.Name}' ('{pool.Path}')", "Unregister image pool (its files are kept)"))
            {
                continue;
            }

            if (TryInvoke(pool.Name, context => library.Pools.Unregister(pool.Name, context), out var forgotten) && PassThru)
            {
                WriteObject(forgotten);
            }
        }
    }
}
