using System;
using System.Management.Automation;
using ImageOps.Engine.Drivers;

namespace ImageOps.PowerShell.Commands;

/// <summary>Finds the library's packages that match a device and ranks them as Windows would, explaining the choice.</summary>
/// <remarks>
/// <para>Find-DriverPackage takes a device's hardware ids and compatible ids (most specific first, as
/// Plug and Play reports them) and ranks every matching package the way Windows does ("How Windows Ranks
/// Drivers"): the rank 0xSSGGTHHH adds a signature score (0x00 signed; 0x80 unsigned with an .NT install
/// section; 0xC0 unsigned without), the INF's FeatureScore (0xFF by default) and an identifier score (a
/// device hardware id matching the INF's hardware id is best, then a hardware id matching an INF
/// compatible id, then compatible ids, each by position in the lists). The lowest rank wins; equal ranks
/// go to the newest DriverVer date, then the highest version.</para>
/// <para>A package matches only if the models section listing the id applies to -OSVersion and
/// -Architecture (its TargetOSVersion decoration); packages that list the id in sections that do not
/// apply are returned too, with the reason. The signature is not verified (that needs Windows' trust
/// store): a package whose catalog file is present is ranked as signed.</para>
/// <para>Objects from Get-PnpDevice bind by their HardwareID, CompatibleID and FriendlyName properties.</para>
/// </remarks>
/// <example>
/// <code>Find-DriverPackage -HardwareId 'PCI\VEN_8086&amp;DEV_15F3&amp;SUBSYS_0C6F1028', 'PCI\VEN_8086&amp;DEV_15F3' -CompatibleId 'PCI\CC_020000'</code>
/// <para>Shows which stored driver Windows 11 24H2 x64 would pick for a NIC, and why.</para>
/// </example>
/// <example>
/// <code>Get-PnpDevice -Class Net -PresentOnly | Find-DriverPackage -OSVersion 10.0.19045 | Select-Object -ExpandProperty Candidates</code>
/// <para>Ranks the library's drivers for this computer's network adapters on Windows 10 22H2.</para>
/// </example>
/// <seealso cref="GetDriverPackageCommand"/>
/// <seealso cref="ResolveDriverSetCommand"/>
[Cmdlet(VerbsCommon.Find, "DriverPackage", DefaultParameterSetName = ByIds)]
[OutputType(typeof(DriverMatchResult))]
public sealed class FindDriverPackageCommand : DriverPlatformCmdlet
{
    private const string ByIds = "ByIds";

    /// <summary>
    /// <para>The device's hardware ids, most specific first.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByIds, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public string[] HardwareId { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>The device's compatible ids, most specific first.</para>
    /// </summary>
    [Parameter(Position = 1, ParameterSetName = ByIds, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public string[] CompatibleId { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>A name for the device in the result.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByIds, ValueFromPipelineByPropertyName = true)]
    [Alias("FriendlyName")]
    public string? DeviceName { get; set; }

    /// <summary>
    /// <para>Only rank packages of these groups.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Group { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var library = OpenLibrary();
        var device = new DeviceIdentity(HardwareId, CompatibleId, DeviceName);
        if (TryInvoke(DeviceName ?? string.Join(",", HardwareId), context => library.Drivers.Match(device, Platform(), Group, context), out var result))
        {
            WriteObject(result);
        }
    }
}
