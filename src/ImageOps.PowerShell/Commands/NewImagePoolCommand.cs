using System.Management.Automation;
using ImageOps.Engine.Pools;

namespace ImageOps.PowerShell.Commands;

/// <summary>Creates an image pool in a folder and registers it in the library.</summary>
/// <remarks>
/// <para>An image pool is a folder (local, or on an SMB or NFS share) that holds published desktop
/// images and tool images. New-ImagePool creates the folder, or adopts an existing folder that is not
/// yet a pool, checks that it can be written, writes its pool.json and registers it in the library
/// under the given name.</para>
/// <para>Pools cannot nest: a path inside, or containing, another registered pool is refused. A
/// folder that already holds a pool (for example one created from another library) is refused too;
/// add it with Register-ImagePool instead.</para>
/// <para>Pool names are 1 to 64 letters, digits, '.', '-' or '_', and are compared without regard to
/// case.</para>
/// </remarks>
/// <example>
/// <code>New-ImagePool -Name Gold -Path D:\Pools\Gold -Description 'Monthly gold images'</code>
/// <para>Creates the folder D:\Pools\Gold as a pool named Gold.</para>
/// </example>
/// <example>
/// <code>New-ImagePool Lab \\fs01\images\lab -LibraryPath C:\Temp\LabLibrary</code>
/// <para>Creates a pool on a share and registers it in a library other than the default one.</para>
/// </example>
/// <seealso cref="GetImagePoolCommand"/>
/// <seealso cref="RegisterImagePoolCommand"/>
/// <seealso cref="RemoveImagePoolCommand"/>
[Cmdlet(VerbsCommon.New, "ImagePool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPath)]
[OutputType(typeof(ImagePoolInfo))]
public sealed class NewImagePoolCommand : ImageOpsCmdlet
{
    private const string ByPath = "ByPath";

    /// <summary>
    /// <para>The name of the new pool. It must not already be registered in the library.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPath, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// <para>The folder that becomes the pool. It is created if it does not exist; an existing folder
    /// is adopted if it is not already a pool. Relative paths are resolved against the current
    /// location.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByPath, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <para>Free text that describes the pool, stored in its pool.json.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByPath, ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var folder = ResolveNewFileSystemPath(Path);
        if (!ShouldProcess($"pool '{Name}' in '{folder}'", "Create image pool"))
        {
            return;
        }

        var library = OpenLibrary();
        if (TryInvoke(Name, context => library.Pools.Create(Name, folder, Description, context), out var pool))
        {
            WriteObject(pool);
        }
    }
}
