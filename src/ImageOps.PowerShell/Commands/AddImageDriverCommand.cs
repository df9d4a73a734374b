using System;
using System.Linq;
using System.Management.Automation;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Injection;
using ImageOps.Formats.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Injects drivers into an offline Windows image, writing a new differencing layer (or a flat copy) and never the image itself.</summary>
/// <remarks>
/// <para>Add-ImageDriver puts driver packages into the Windows inside a virtual disk of any format ImageOps
/// reads (raw, VHD, VHDX, QCOW2, VMDK) and any differencing chain, from Linux as well as Windows. The
/// packages are INFs or folders on this computer (-Driver), packages of the driver library (-DriverPackage),
/// or the driver set Resolve-DriverSet gives a model (-Model) or a profile (-Profile), resolved for the
/// Windows version and architecture read from the image.</para>
/// <para>The image is never written: the result is a new differencing layer above it, in the image's
/// format (a raw image, which has no differencing form, gets a QCOW2 layer), or with -Flat a converted
/// copy. The result is written under a temporary name and renamed into place only when complete and
/// flushed; an interrupted run leaves the image byte-identical and publishes nothing, and the next run
/// removes its temporary file.</para>
/// <para>What is written is planned first and shown by -WhatIf: each package is staged in
/// %SystemRoot%\ImageOps\Drivers; a boot-start storage driver gets its service (boot start), its .sys in
/// System32\drivers and, for the hardware ids its INF declares, DriverDatabase entries with a well-formed
/// package label (Windows 8 and later) or CriticalDeviceDatabase entries (Windows 7), so the image boots
/// on that controller; the staging folder is added to DevicePath; and the ImageOpsFirstBoot service runs a
/// PowerShell script at first boot that installs every staged INF with pnputil, at most three attempts
/// each before the package is quarantined, never restarting Windows, removing the temporary boot
/// registration once the real driver is installed, and logging one JSON object per line to
/// %SystemRoot%\ImageOps\FirstBoot\log.jsonl (Get-ImageDriver reads it offline).</para>
/// <para>Pre-flight findings are written as warnings, or stop the injection: a dirty hive whose logs do not
/// replay, a Windows volume that was not shut down cleanly, a package for another architecture, a
/// boot-start storage driver without a catalog on 64-bit Windows (-ForceUnsigned overrides), and Group
/// Policy setting the PowerShell execution policy to AllSigned (-Force starts the installer from a script
/// block, which that policy does not govern). Pending reboots and device-installation policies are
/// warnings.</para>
/// <para>-Method Dism (Windows hosts, VHD and VHDX: native attach and the DISM API) is not yet exercised
/// on Windows and is not in this build; -Method Auto uses the offline-registry method everywhere.</para>
/// </remarks>
/// <example>
/// <code>Add-ImageDriver -Path .\gold.vhdx -DestinationPath .\gold-virtio.vhdx -Driver D:\virtio-win\viostor\w11\amd64</code>
/// <para>Injects the VirtIO storage driver into a new VHDX layer over the gold image.</para>
/// </example>
/// <example>
/// <code>Add-ImageDriver .\gold.qcow2 .\latitude.qcow2 -Model 'Latitude 7440' -Manufacturer 'Dell Inc.' -WhatIf</code>
/// <para>Shows the plan for a model's driver set without writing anything.</para>
/// </example>
/// <example>
/// <code>Add-ImageDriver .\gold.img .\deploy.vhdx -Profile 'Latitude 7440' -Flat -Format Vhdx</code>
/// <para>Writes a flat VHDX copy with the profile's drivers in it.</para>
/// </example>
/// <seealso cref="GetImageDriverCommand"/>
/// <seealso cref="RemoveImageDriverCommand"/>
/// <seealso cref="ResolveDriverSetCommand"/>
[Cmdlet(VerbsCommon.Add, "ImageDriver", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByDriver)]
[OutputType(typeof(InjectionResult))]
public sealed class AddImageDriverCommand : ImageOpsCmdlet
{
    private const string ByDriver = "ByDriver";
    private const string ByProfile = "ByProfile";
    private const string ByModel = "ByModel";

    /// <summary>
    /// <para>The image: the top of its chain. It is opened read-only and never written. Files piped from
    /// Get-ChildItem bind through their PSPath property.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "ImagePath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <para>The result: a new differencing layer over the image, or with -Flat a flat copy.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>
    /// <para>Driver packages on this computer: INF files, or folders searched (with subfolders) for INFs.
    /// A named INF that does not suit the image stops the injection; an INF found in a folder that does not
    /// suit it (another architecture or Windows version) is skipped.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByDriver)]
    [Parameter(ParameterSetName = ByProfile)]
    [Parameter(ParameterSetName = ByModel)]
    [ValidateNotNullOrEmpty]
    public string[] Driver { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>Packages of the driver library, by id or unique id prefix (Get-DriverPackage lists them).</para>
    /// </summary>
    [Parameter(ParameterSetName = ByDriver)]
    [Parameter(ParameterSetName = ByProfile)]
    [Parameter(ParameterSetName = ByModel)]
    [ValidateNotNullOrEmpty]
    public string[] DriverPackage { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>A driver profile: the injected packages are the driver set of the model the profile's selector
    /// names, as Resolve-DriverSet resolves it for the image's Windows version and architecture.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByProfile)]
    [ValidateNotNullOrEmpty]
    public string? Profile { get; set; }

    /// <summary>
    /// <para>A hardware model (Win32_ComputerSystem.Model): its driver set is injected.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByModel)]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    /// <summary>
    /// <para>With -Model: the computer manufacturer.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByModel)]
    public string? Manufacturer { get; set; }

    /// <summary>
    /// <para>Writes a flat copy of the whole chain with the drivers in it, instead of a layer.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Flat { get; set; }

    /// <summary>
    /// <para>The format of a flat copy: Raw, Vhd, Vhdx, Qcow2 or Vmdk (default: the image's).</para>
    /// </summary>
    [Parameter]
    public DiskFormat? Format { get; set; }

    /// <summary>
    /// <para>Auto (default), OfflineRegistry or Dism. Dism (Windows, VHD/VHDX) is not yet exercised on
    /// Windows and not in this build.</para>
    /// </summary>
    [Parameter]
    public InjectionMethod Method { get; set; } = InjectionMethod.Auto;

    /// <summary>
    /// <para>Registers boot-start storage drivers that have no catalog file on 64-bit Windows, which
    /// refuses to load unsigned boot drivers unless the image is test-signed.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter ForceUnsigned { get; set; }

    /// <summary>
    /// <para>Replaces an existing destination (once the new one is complete), and where Group Policy in the
    /// image sets the PowerShell execution policy to AllSigned, starts the first-boot installer from a
    /// script block, which that policy does not govern.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// <para>More folders the image's parent (backing) images may be opened from.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? ParentSearchPath { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var request = new DriverInjectionRequest
        {
            ImagePath = ResolveNewFileSystemPath(Path),
            DestinationPath = ResolveNewFileSystemPath(DestinationPath),
            Output = Flat ? InjectionOutput.Flat : InjectionOutput.Layer,
            FlatFormat = Format,
            DriverPaths = Driver.Select(ResolveNewFileSystemPath).ToArray(),
            PackageIds = DriverPackage,
            Profile = Profile,
            Model = Model is null ? null : new HardwareModel(Manufacturer, Model),
            ForceUnsigned = ForceUnsigned,
            Force = Force,
            Overwrite = Force,
            Method = Method,
            ParentSearchPaths = (ParentSearchPath ?? Array.Empty<string>()).Select(ResolveNewFileSystemPath).ToArray(),
        };
        var library = request.PackageIds.Count > 0 || Profile is not null || Model is not null ? OpenLibrary() : null;
        var service = new DriverInjectionService(library);

        // The plan is read-only and is what -WhatIf shows, so it is built before ShouldProcess; applying it is the one change.
        if (!TryInvoke(request.ImagePath, context => service.PlanAdd(request, context), out var plan))
        {
            return;
        }

        foreach (var finding in plan.Findings.Where(f => f.Severity == InjectionSeverity.Warning))
        {
            WriteWarning(finding.Id + ": " + finding.Message);
        }

        if (!ShouldProcess(plan.ToString(), $"Inject {plan.Packages.Length} driver package(s) into a new {plan.ResultFormat} {(Flat ? "copy" : "layer")} '{plan.DestinationPath}'?", "Add-ImageDriver"))
        {
            return;
        }

        if (TryInvoke(plan.DestinationPath, context => service.Apply(plan, context), out var result))
        {
            WriteObject(result);
        }
    }
}
