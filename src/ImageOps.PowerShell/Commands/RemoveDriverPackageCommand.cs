using System.Management.Automation;
using ImageOps.Engine.Drivers;

namespace ImageOps.PowerShell.Commands;

/// <summary>Removes driver packages from the library and deletes the stored files no other package needs.</summary>
/// <remarks>
/// <para>Remove-DriverPackage deletes a package's record and then every stored file that no remaining
/// package refers to. Files shared with other packages stay.</para>
/// <para>A package a driver profile uses, by id or through one of its groups, is refused
/// (DriverPackageInUse, naming the profiles) unless -Force is given. -Force overrides that refusal only;
/// it does not suppress the confirmation prompt (use -Confirm:$false). Profiles that named the package by
/// id then report it as missing when they are resolved.</para>
/// <para>The operation has a high impact, so PowerShell asks for confirmation by default.</para>
/// </remarks>
/// <example>
/// <code>Get-DriverPackage -Group Dell-Latitude-7440-A04 | Remove-DriverPackage -WhatIf</code>
/// <para>Shows which packages of an old pack would be removed.</para>
/// </example>
/// <example>
/// <code>Remove-DriverPackage -Id 3fa94c21 -Confirm:$false -PassThru</code>
/// <para>Removes one package by a prefix of its id, without prompting, and reports the space freed.</para>
/// </example>
/// <seealso cref="GetDriverPackageCommand"/>
/// <seealso cref="GetDriverProfileCommand"/>
[Cmdlet(VerbsCommon.Remove, "DriverPackage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ById)]
[OutputType(typeof(DriverPackageRemovalResult))]
public sealed class RemoveDriverPackageCommand : DriverPackageCmdlet
{
    /// <summary>
    /// <para>Ids of the packages to remove (wildcards, or unique prefixes).</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ById, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = System.Array.Empty<string>();

    /// <summary>
    /// <para>Packages to remove, as returned by Get-DriverPackage.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DriverPackageInfo[] InputObject { get; set; } = System.Array.Empty<DriverPackageInfo>();

    /// <summary>
    /// <para>Removes packages that driver profiles use. Without it such packages are refused with the
    /// error DriverPackageInUse.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// <para>Returns what was removed. By default Remove-DriverPackage writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var (library, package) in SelectPackages(ParameterSetName == ById ? Id : null, ParameterSetName == ByInputObject ? InputObject : null))
        {
            if (!ShouldProcess($"driver package {package.Id} ({package.Name} {package.Version})", "Remove driver package"))
            {
                continue;
            }

            if (TryInvoke(package.Id, context => library.Drivers.Packages.Remove(package.Id, Force, context), out var result) && PassThru)
            {
                WriteObject(result);
            }
        }
    }
}
