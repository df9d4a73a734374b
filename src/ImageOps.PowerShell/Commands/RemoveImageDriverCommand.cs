using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using ImageOps.Engine.Injection;
using ImageOps.Formats.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Takes driver packages that ImageOps staged out of an offline image again, into a new layer.</summary>
/// <remarks>
/// <para>Remove-ImageDriver undoes what Add-ImageDriver staged for the packages named: their files in
/// %SystemRoot%\ImageOps\Drivers, their boot registration (DriverDatabase or CriticalDeviceDatabase
/// entries, and the service and System32\drivers binary when ImageOps created them) and their entries in
/// the first-boot installer. When no staged package remains, the installer service, its script and the
/// DevicePath entry go too. In-box and installed drivers are not removed offline.</para>
/// <para>Like Add-ImageDriver it never writes the image: the result is a new differencing layer (or with
/// -Flat a flat copy), written under a temporary name and renamed into place when complete. -WhatIf shows
/// the plan. Objects from Get-ImageDriver can be piped in; all packages piped for one image go into one
/// layer.</para>
/// </remarks>
/// <example>
/// <code>Remove-ImageDriver .\gold-virtio.vhdx -Name viostor.inf -DestinationPath .\gold-novirtio.vhdx</code>
/// <para>Withdraws the staged VirtIO storage driver into a new layer.</para>
/// </example>
/// <example>
/// <code>Get-ImageDriver .\a.qcow2 -Kind Staged | Where-Object Status -eq Quarantined | Remove-ImageDriver -DestinationPath .\b.qcow2</code>
/// <para>Removes the packages the first-boot installer quarantined.</para>
/// </example>
/// <seealso cref="AddImageDriverCommand"/>
/// <seealso cref="GetImageDriverCommand"/>
[Cmdlet(VerbsCommon.Remove, "ImageDriver", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ByName)]
[OutputType(typeof(InjectionResult))]
public sealed class RemoveImageDriverCommand : ImageOpsCmdlet
{
    private const string ByName = "ByName";
    private readonly Dictionary<string, List<string>> _byImage = new(StringComparer.Ordinal);

    /// <summary>
    /// <para>The image (the top of its chain); it is never written. Objects from Get-ImageDriver bind
    /// through their ImagePath property.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = ByName)]
    [Alias("PSPath", "ImagePath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <para>The staged packages: INF names or staging folder names (wildcards allowed), or package id
    /// prefixes. Objects from Get-ImageDriver bind through their Name property.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = ByName)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>
    /// <para>The result: a new differencing layer over the image, or with -Flat a flat copy.</para>
    /// </summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>
    /// <para>Writes a flat copy of the whole chain instead of a layer.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Flat { get; set; }

    /// <summary>
    /// <para>The format of a flat copy (default: the image's).</para>
    /// </summary>
    [Parameter]
    public DiskFormat? Format { get; set; }

    /// <summary>
    /// <para>Replaces an existing destination once the new one is complete.</para>
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
        var image = ResolveNewFileSystemPath(Path);
        if (!_byImage.TryGetValue(image, out var names))
        {
            names = new List<string>();
            _byImage[image] = names;
        }

        names.AddRange(Name);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        foreach (var pair in _byImage)
        {
            var request = new DriverRemovalRequest
            {
                ImagePath = pair.Key,
                DestinationPath = ResolveNewFileSystemPath(DestinationPath),
                Output = Flat ? InjectionOutput.Flat : InjectionOutput.Layer,
                FlatFormat = Format,
                Packages = pair.Value.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
                Overwrite = Force,
                ParentSearchPaths = (ParentSearchPath ?? Array.Empty<string>()).Select(ResolveNewFileSystemPath).ToArray(),
            };
            var service = new DriverInjectionService();
            if (!TryInvoke(pair.Key, context => service.PlanRemove(request, context), out var plan))
            {
                continue;
            }

            if (!ShouldProcess(plan.ToString(), $"Remove {plan.Packages.Length} staged driver package(s) from '{pair.Key}' into '{plan.DestinationPath}'?", "Remove-ImageDriver"))
            {
                continue;
            }

            if (TryInvoke(plan.DestinationPath, context => service.Apply(plan, context), out var result))
            {
                WriteObject(result);
            }
        }

        base.EndProcessing();
    }
}
