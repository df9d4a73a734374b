using System.Linq;
using System.Management.Automation;
using ImageOps.Engine.Drivers;

namespace ImageOps.PowerShell.Commands;

/// <summary>Changes the rules or the name of driver profiles.</summary>
/// <remarks>
/// <para>Set-DriverProfile changes only what is given: a selector, the Windows version range, the
/// architecture, the priority, the description, the "no drivers" choice, or a list of sources or
/// exclusions. A list replaces the stored list; an empty list (@()) clears it. -MinimumOSVersion $null and
/// -MaximumOSVersion $null remove a bound; -Architecture Unspecified removes the architecture.</para>
/// <para>The result must still be a valid profile (DriverProfileInvalid otherwise): for example it
/// cannot both give no drivers and name sources.</para>
/// </remarks>
/// <example>
/// <code>Set-DriverProfile -Name 'Latitude 7440' -ExcludeClass SCSIAdapter, HDC</code>
/// <para>Also keeps the OEM pack's IDE/AHCI controller drivers out.</para>
/// </example>
/// <example>
/// <code>Get-DriverProfile 'Latitude 7440' | Set-DriverProfile -Group Dell-Latitude-7440-A06 -PassThru</code>
/// <para>Moves the model to a newer OEM pack.</para>
/// </example>
/// <seealso cref="GetDriverProfileCommand"/>
/// <seealso cref="NewDriverProfileCommand"/>
[Cmdlet(VerbsCommon.Set, "DriverProfile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByName)]
[OutputType(typeof(DriverProfileInfo))]
public sealed class SetDriverProfileCommand : DriverProfileRulesCmdlet
{
    /// <summary>
    /// <para>Names of the profiles to change. Wildcards are allowed, except together with -NewName.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    /// <summary>
    /// <para>Profiles to change, as returned by Get-DriverProfile.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    [ValidateNotNull]
    public DriverProfileInfo[] InputObject { get; set; } = System.Array.Empty<DriverProfileInfo>();

    /// <summary>
    /// <para>The new name of the profile.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    /// <summary>
    /// <para>Returns the changed profiles. By default Set-DriverProfile writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var selected = SelectProfiles(ParameterSetName == ByName ? Name : null, ParameterSetName == ByInputObject ? InputObject : null).ToList();
        if (NewName is not null && selected.Count > 1)
        {
            WriteError(new ErrorRecord(new PSArgumentException($"-NewName needs exactly one profile, but {selected.Count} were selected."), "NewNameNeedsOneProfile", ErrorCategory.InvalidArgument, NewName));
            return;
        }

        var changes = BuildChanges(NewName);
        foreach (var (library, profile) in selected)
        {
            if (!ShouldProcess($"driver profile '{profile.Name}'", NewName is null ? "Change driver profile" : $"Change driver profile and rename it to '{NewName}'"))
            {
                continue;
            }

            if (TryInvoke(profile.Name, context => library.Drivers.Profiles.Update(profile.Name, changes, context), out var changed) && PassThru)
            {
                WriteObject(changed);
            }
        }
    }
}
