using System.Management.Automation;
using ImageOps.Engine.Drivers;

namespace ImageOps.PowerShell.Commands;

/// <summary>Removes driver profiles from the library.</summary>
/// <remarks>
/// <para>Remove-DriverProfile deletes profiles. Their packages stay in the library. Models that only the
/// removed profile covered are reported as not covered by Resolve-DriverSet and Test-DriverCoverage.</para>
/// <para>The operation has a high impact, so PowerShell asks for confirmation by default.</para>
/// </remarks>
/// <example>
/// <code>Remove-DriverProfile -Name 'Latitude 5400' -Confirm:$false</code>
/// <para>Removes a retired model's profile without prompting.</para>
/// </example>
/// <example>
/// <code>Get-DriverProfile Test* | Remove-DriverProfile -WhatIf</code>
/// <para>Shows which profiles would be removed.</para>
/// </example>
/// <seealso cref="GetDriverProfileCommand"/>
/// <seealso cref="NewDriverProfileCommand"/>
[Cmdlet(VerbsCommon.Remove, "DriverProfile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName)]
[OutputType(typeof(DriverProfileInfo))]
public sealed class RemoveDriverProfileCommand : DriverProfileCmdlet
{
    /// <summary>
    /// <para>Names of the profiles to remove. Wildcards are allowed.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    /// <summary>
    /// <para>Profiles to remove, as returned by Get-DriverProfile.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DriverProfileInfo[] InputObject { get; set; } = System.Array.Empty<DriverProfileInfo>();

    /// <summary>
    /// <para>Returns the removed profiles. By default Remove-DriverProfile writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var (library, profile) in SelectProfiles(ParameterSetName == ByName ? Name : null, ParameterSetName == ByInputObject ? InputObject : null))
        {
            if (!ShouldProcess($"driver profile '{profile.Name}'", "Remove driver profile"))
            {
                continue;
            }

            if (TryInvoke(profile.Name, context => library.Drivers.Profiles.Remove(profile.Name, context), out var removed) && PassThru)
            {
                WriteObject(removed);
            }
        }
    }
}
