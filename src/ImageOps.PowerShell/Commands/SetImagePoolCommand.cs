using System.Linq;
using System.Management.Automation;
using ImageOps.Engine.Pools;

namespace ImageOps.PowerShell.Commands;

/// <summary>Changes the description or the name of an image pool.</summary>
/// <remarks>
/// <para>Set-ImagePool changes a pool's description, which is stored in the pool's own pool.json (so
/// the pool must be online), and its name. A new name is changed in this library's registration and
/// in pool.json; other libraries that registered the same pool keep the name they gave it.</para>
/// <para>Renaming is crash-safe: a rename interrupted part-way is completed by the next change to
/// the library.</para>
/// </remarks>
/// <example>
/// <code>Set-ImagePool -Name Gold -Description 'Windows 11 24H2 gold images'</code>
/// <para>Changes the description of the pool Gold.</para>
/// </example>
/// <example>
/// <code>Get-ImagePool Lab | Set-ImagePool -NewName Lab2025 -PassThru</code>
/// <para>Renames the pool Lab and returns the renamed pool.</para>
/// </example>
/// <seealso cref="GetImagePoolCommand"/>
/// <seealso cref="NewImagePoolCommand"/>
[Cmdlet(VerbsCommon.Set, "ImagePool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByName)]
[OutputType(typeof(ImagePoolInfo))]
public sealed class SetImagePoolCommand : ImagePoolCmdlet
{
    /// <summary>
    /// <para>Names of the pools to change. Wildcards are allowed, except together with -NewName.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    /// <summary>
    /// <para>Pools to change, as returned by Get-ImagePool.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ImagePoolInfo[] InputObject { get; set; } = System.Array.Empty<ImagePoolInfo>();

    /// <summary>
    /// <para>The new description.</para>
    /// </summary>
    [Parameter]
    public string? Description { get; set; }

    /// <summary>
    /// <para>The new name of the pool. It must not be registered in the library already.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    /// <summary>
    /// <para>Returns the changed pool. By default Set-ImagePool writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var selected = SelectPools(ParameterSetName == ByName ? Name : null, ParameterSetName == ByInputObject ? InputObject : null).ToList();
        if (NewName is not null && selected.Count > 1)
        {
            WriteError(new ErrorRecord(
                new PSArgumentException($"-NewName needs exactly one pool, but {selected.Count} were selected."),
                "NewNameNeedsOnePool",
                ErrorCategory.InvalidArgument,
                NewName));
            return;
        }

        var changes = new PoolChanges { Description = Description, NewName = NewName };
        foreach (var (library, pool) in selected)
        {
            var what = NewName is null ? "Change description" : $"Rename to '{NewName}'";
            if (!ShouldProcess($"pool '{pool.Name}'", what))
            {
                continue;
            }

            if (TryInvoke(pool.Name, context => library.Pools.Update(pool.Name, changes, context), out var changed) && PassThru)
            {
                WriteObject(changed);
            }
        }
    }
}
