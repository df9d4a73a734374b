using System.Management.Automation;
using ImageOps.Engine.Pools;

namespace ImageOps.PowerShell.Commands;

/// <summary>Adds an image pool that already exists, for example on a share, to the library.</summary>
/// <remarks>
/// <para>Register-ImagePool adopts a pool folder that another library created: it reads the
/// folder's pool.json and registers the pool under its own name, or under -Name when that name is
/// taken in this library. The pool's files are not changed.</para>
/// <para>A pool can be registered in many libraries at once (one share, many admin workstations),
/// but only once in each library. A folder without pool.json is refused with ImagePoolPathNotPool;
/// create a pool with New-ImagePool instead.</para>
/// </remarks>
/// <example>
/// <code>Register-ImagePool -Path \\fs01\images\gold</code>
/// <para>Registers the pool on the share under the name recorded in its pool.json.</para>
/// </example>
/// <example>
/// <code>Register-ImagePool -Path \\fs01\images\* -WhatIf</code>
/// <para>Shows which folders on the share would be registered.</para>
/// </example>
/// <example>
/// <code>Register-ImagePool -LiteralPath 'E:\Pools\[old]' -Name OldGold</code>
/// <para>Registers a pool whose folder name contains wildcard characters, under a local name.</para>
/// </example>
/// <seealso cref="UnregisterImagePoolCommand"/>
/// <seealso cref="NewImagePoolCommand"/>
[Cmdlet(VerbsLifecycle.Register, "ImagePool", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPath)]
[OutputType(typeof(ImagePoolInfo))]
public sealed class RegisterImagePoolCommand : ImageOpsCmdlet
{
    private const string ByPath = "ByPath";
    private const string ByLiteralPath = "ByLiteralPath";

    /// <summary>
    /// <para>Folders that hold pools. Wildcards are allowed.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPath, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = System.Array.Empty<string>();

    /// <summary>
    /// <para>Folders that hold pools, used exactly as typed (no wildcards). Objects from
    /// Get-ChildItem bind to it by their PSPath property.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByLiteralPath, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = System.Array.Empty<string>();

    /// <summary>
    /// <para>The name to register the pool under in this library. By default the name recorded in
    /// the pool's pool.json is used. Only valid with a single folder.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == ByLiteralPath;
        var library = OpenLibrary();
        foreach (var pattern in literal ? LiteralPath : Path)
        {
            foreach (var folder in ResolveExistingFileSystemPaths(pattern, literal))
            {
                if (!ShouldProcess($"pool in '{folder}'", "Register image pool"))
                {
                    continue;
                }

                if (TryInvoke(folder, context => library.Pools.Register(folder, Name, context), out var pool))
                {
                    WriteObject(pool);
                }
            }
        }
    }
}
