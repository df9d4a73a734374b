using System.Management.Automation;
using ImageOps.Engine.Drivers;

namespace ImageOps.PowerShell.Commands;

/// <summary>Gets the driver profiles of the library.</summary>
/// <remarks>
/// <para>Get-DriverProfile returns each profile with what it applies to, its sources (curated first),
/// its exclusions, its priority and whether it gives its models no drivers. Rules holds every rule as
/// stored.</para>
/// <para>Names accept wildcards. A name without wildcards that matches no profile is an error
/// (DriverProfileNotFound).</para>
/// </remarks>
/// <example>
/// <code>Get-DriverProfile</code>
/// <para>Lists every profile.</para>
/// </example>
/// <example>
/// <code>Get-DriverProfile Lat* | Format-List Name, AppliesTo, Sources, Exclusions</code>
/// <para>Shows the rules of the Latitude profiles.</para>
/// </example>
/// <seealso cref="NewDriverProfileCommand"/>
/// <seealso cref="SetDriverProfileCommand"/>
/// <seealso cref="RemoveDriverProfileCommand"/>
[Cmdlet(VerbsCommon.Get, "DriverProfile", DefaultParameterSetName = ByName)]
[OutputType(typeof(DriverProfileInfo))]
public sealed class GetDriverProfileCommand : DriverProfileCmdlet
{
    /// <summary>
    /// <para>Names of the profiles to get. Wildcards are allowed. Without it, every profile is returned.</para>
    /// </summary>
    [Parameter(Position = 0, ParameterSetName = ByName, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var (_, profile) in SelectProfiles(Name, null))
        {
            WriteObject(profile);
        }
    }
}
