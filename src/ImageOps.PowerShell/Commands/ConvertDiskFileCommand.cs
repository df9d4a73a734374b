using System.IO;
using System.Management.Automation;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Converts virtual disk files between raw, VHD, VHDX, QCOW2 and VMDK, flattening chains.</summary>
/// <remarks>
/// <para>Convert-DiskFile reads a disk of any supported format — with its whole chain of parents —
/// and writes it as a new, standalone disk of the chosen format, copying only the data: unallocated
/// and all-zero ranges are never written. Several threads read and compress while one writes, and the
/// copy stops within one block when you press Ctrl+C.</para>
/// <para>-Profile applies a platform's rules: Azure writes a fixed VHD whose virtual size is rounded up
/// to a whole MiB; Esxi writes a compressed streamOptimized VMDK with header version 3, as ESXi imports
/// it. Options that contradict the profile are refused.</para>
/// <para>With -BackingPath, only the top layer of the source is converted, as a differencing disk over
/// the given image (which must hold the same content as the source's parent, for example the parent
/// converted earlier).</para>
/// <para>The output is written under a temporary name beside the destination and renamed only when
/// complete; an interrupted conversion leaves no partial image. Without -DestinationPath the new file is
/// placed beside the source, named after it with the format's extension. An existing destination is
/// refused unless -Force is given.</para>
/// </remarks>
/// <example>
/// <code>Convert-DiskFile -Path .\win11.vhdx -DestinationPath .\win11.qcow2 -Format Qcow2</code>
/// <para>Converts a VHDX into a QCOW2.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem D:\Images\*.vhdx | Convert-DiskFile -Format Qcow2 -Compress -PassThru</code>
/// <para>Converts every VHDX in a folder into a compressed QCOW2 beside it and lists the results.</para>
/// </example>
/// <example>
/// <code>Convert-DiskFile .\gold.qcow2 -DestinationPath .\upload.vhd -Profile Azure</code>
/// <para>Prepares an image for upload to Azure.</para>
/// </example>
/// <example>
/// <code>Convert-DiskFile .\desktop-01.vhdx -DestinationPath .\desktop-01.qcow2 -Format Qcow2 -BackingPath .\gold.qcow2</code>
/// <para>Converts only a linked clone's own changes, onto a gold image already converted to QCOW2.</para>
/// </example>
/// <seealso cref="MeasureDiskFileCommand"/>
/// <seealso cref="CompareDiskFileCommand"/>
/// <seealso cref="GetDiskFileCommand"/>
[Cmdlet(VerbsData.Convert, "DiskFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByPath)]
[OutputType(typeof(ConversionResult))]
public sealed class ConvertDiskFileCommand : DiskFileCmdlet
{
    /// <summary>
    /// <para>The file to write, or an existing folder to write into. Without it the new file is placed
    /// beside the source, named after it with the format's extension.</para>
    /// </summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? DestinationPath { get; set; }

    /// <summary>
    /// <para>The output format: Raw, Vhd, Vhdx, Qcow2 or Vmdk. Required unless -Profile chooses it.</para>
    /// </summary>
    [Parameter]
    public DiskFormat? Format { get; set; }

    /// <summary>
    /// <para>Fixed or Dynamic output. Dynamic by default (fixed for the Azure profile).</para>
    /// </summary>
    [Parameter]
    [ValidateSet("Fixed", "Dynamic")]
    public DiskVariant? Variant { get; set; }

    /// <summary>
    /// <para>The output's allocation unit in bytes (block, cluster or grain size); the format's
    /// default when omitted.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(512, 256 * 1024 * 1024)]
    public uint BlockSizeBytes { get; set; }

    /// <summary>
    /// <para>Compresses the output (QCOW2, or a streamOptimized VMDK).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Compress { get; set; }

    /// <summary>
    /// <para>A format-specific layout: for VMDK monolithicSparse (default) or streamOptimized; for
    /// QCOW2 v3 (default) or v2.</para>
    /// </summary>
    [Parameter]
    [ValidateSet("monolithicSparse", "streamOptimized", "v2", "v3")]
    public string? Subformat { get; set; }

    /// <summary>
    /// <para>A target platform's rules: Default, Azure (fixed VHD, size a whole number of MiB) or
    /// Esxi (compressed streamOptimized VMDK, version 3).</para>
    /// </summary>
    [Parameter]
    public TargetProfile Profile { get; set; }

    /// <summary>
    /// <para>Converts only the source's top layer, as a differencing disk over this image.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BackingPath { get; set; }

    /// <summary>
    /// <para>Flushes the new image to the device before renaming it into place, so it also survives a
    /// power loss. Without it the image is still written completely under a temporary name before it
    /// appears (safe if the process is stopped), and the operating system writes it to the device in
    /// its own time, as qemu-img convert does by default. Replacing an existing image always flushes.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Durable { get; set; }

    /// <summary>
    /// <para>Replaces an existing destination, atomically, once the new image is complete.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// <para>Returns what was converted. By default Convert-DiskFile writes nothing.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var roots = ResolvedParentSearchPaths();
        foreach (var source in DiskFiles())
        {
            var destination = Destination(source);
            var what = Force && File.Exists(destination) ? "Convert, replacing the existing image" : "Convert";
            if (!ShouldProcess($"'{source}' to '{destination}'", what))
            {
                continue;
            }

            var request = new ConversionRequest
            {
                SourcePath = source,
                DestinationPath = destination,
                Format = Format,
                Variant = Variant,
                ClusterSizeBytes = BlockSizeBytes == 0 ? null : (int)BlockSizeBytes,
                Compress = Compress,
                Subformat = Subformat,
                Profile = Profile,
                BackingPath = BackingPath is null ? null : ResolveNewFileSystemPath(BackingPath),
                Overwrite = Force,
                Durable = Durable,
                ParentSearchPaths = roots,
            };
            if (TryInvoke(source, context => Service.Convert(request, context), out var result) && PassThru)
            {
                WriteObject(result);
            }
        }
    }

    private string Destination(string source)
    {
        var format = Format ?? (Profile == TargetProfile.Azure ? DiskFormat.Vhd : Profile == TargetProfile.Esxi ? DiskFormat.Vmdk : DiskFormat.Raw);
        if (DestinationPath is null)
        {
            return DiskFileNames.ConversionTarget(source, format);
        }

        var resolved = ResolveNewFileSystemPath(DestinationPath);
        return Directory.Exists(resolved) ? DiskFileNames.ConversionTarget(source, format, resolved) : resolved;
    }
}
