using System.Management.Automation;
using ImageOps.Engine.Drivers;

namespace ImageOps.PowerShell.Commands;

/// <summary>Creates a driver profile: which hardware models get which driver packages.</summary>
/// <remarks>
/// <para>A driver profile maps hardware models — by computer manufacturer, model, system SKU and
/// baseboard product, each with wildcards, and optionally a range of Windows versions and an
/// architecture — to the groups or packages their drivers come from. Sources are OEM (-Group,
/// -PackageId) or curated (-CuratedGroup, -CuratedPackageId): for a device a curated package matches by
/// hardware id, the curated one is chosen, whatever Windows' own rank would say.</para>
/// <para>Exclusions remove packages whatever source brings them: whole groups (-ExcludeGroup), packages
/// (-ExcludePackageId), device classes from some groups or from all (-ExcludeClass with
/// -ExcludeClassFromGroup, for example "no SCSIAdapter drivers from the OEM pack"), or packages that list
/// some hardware ids (-ExcludeHardwareId). -NoDrivers is the explicit "nothing": the models get no drivers
/// and profiles of lower precedence are not consulted.</para>
/// <para>Several profiles may apply to a model; they are taken by -Priority (higher first), then by how
/// specific their selector is. Resolve-DriverSet shows the result for a model and Test-DriverCoverage for
/// a fleet. Names are 1 to 64 letters, digits, spaces, '.', '_', '+' or '-', compared without case.</para>
/// </remarks>
/// <example>
/// <code>New-DriverProfile -Name 'Latitude 7440' -Manufacturer 'Dell*' -Model 'Latitude 7440' -Group Dell-Latitude-7440 -CuratedGroup Curated -ExcludeClass SCSIAdapter -ExcludeClassFromGroup Dell-Latitude-7440</code>
/// <para>Gives the Latitude 7440 its OEM pack, lets curated drivers win, and keeps the pack's storage driver out.</para>
/// </example>
/// <example>
/// <code>New-DriverProfile -Name VMs -Manufacturer 'VMware*' -NoDrivers</code>
/// <para>Virtual machines get no injected drivers at all.</para>
/// </example>
/// <example>
/// <code>New-DriverProfile -Name Baseline -CuratedGroup Curated -MinimumOSVersion 10.0.22000 -Architecture Amd64</code>
/// <para>Every x64 Windows 11 model gets the curated drivers.</para>
/// </example>
/// <seealso cref="GetDriverProfileCommand"/>
/// <seealso cref="SetDriverProfileCommand"/>
/// <seealso cref="ResolveDriverSetCommand"/>
/// <seealso cref="TestDriverCoverageCommand"/>
[Cmdlet(VerbsCommon.New, "DriverProfile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByName)]
[OutputType(typeof(DriverProfileInfo))]
public sealed class NewDriverProfileCommand : DriverProfileRulesCmdlet
{
    /// <summary>
    /// <para>The name of the new profile.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByName, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var rules = BuildRules();
        if (!ShouldProcess($"driver profile '{Name}' for {rules.DescribeSelector()}", "Create driver profile"))
        {
            return;
        }

        var library = OpenLibrary();
        if (TryInvoke(Name, context => library.Drivers.Profiles.Create(Name, rules, context), out var profile))
        {
            WriteObject(profile);
        }
    }
}
