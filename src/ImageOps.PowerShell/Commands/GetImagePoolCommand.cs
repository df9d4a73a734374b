using System.Management.Automation;
using ImageOps.Engine.Pools;

namespace ImageOps.PowerShell.Commands;

/// <summary>Gets the image pools registered in the library, with their state and free space.</summary>
/// <remarks>
/// <para>Get-ImagePool returns each registered pool with its path, description, status, the
/// capacity and free space of the volume that holds it, and how many desktop images and tool images
/// it holds.</para>
/// <para>Status is Online when the folder is reachable and holds the registered pool; Unreachable
/// when the folder cannot be reached (a share offline, a drive missing); NotAPool when the folder
/// holds no pool.json; IdentityMismatch when it holds a different pool; and RecordUnreadable when
/// its pool.json is damaged or was written by a newer ImageOps. StatusDetail says why.</para>
/// <para>Names accept wildcards. A name without wildcards that matches no pool is an error
/// (ImagePoolNotFound); a wildcard that matches nothing returns nothing.</para>
/// </remarks>
/// <example>
/// <code>Get-ImagePool</code>
/// <para>Lists every pool in the library.</para>
/// </example>
/// <example>
/// <code>Get-ImagePool -Name Gold*, Lab | Format-List *</code>
/// <para>Shows every property of the pools whose names start with Gold, and of the pool Lab.</para>
/// </example>
/// <example>
/// <code>Get-ImagePool | Where-Object Status -ne Online</code>
/// <para>Finds pools that cannot be used right now.</para>
/// </example>
/// <seealso cref="NewImagePoolCommand"/>
/// <seealso cref="SetImagePoolCommand"/>
/// <seealso cref="RemoveImagePoolCommand"/>
[Cmdlet(VerbsCommon.Get, "ImagePool", DefaultParameterSetName = ByName)]
[OutputType(typeof(ImagePoolInfo))]
public sealed class GetImagePoolCommand : ImagePoolCmdlet
{
    /// <summary>
    /// <para>Names of the pools to get. Wildcards are allowed. Without it, every pool is returned.</para>
    /// </summary>
    [Parameter(Position = 0, ParameterSetName = ByName, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var (_, pool) in SelectPools(Name, null))
        {
            WriteObject(pool);
        }
    }
}
