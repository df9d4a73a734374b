using System.Management.Automation;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Creates an empty fixed, dynamic or differencing virtual disk file in any format, or captures a disk, device or partition into one.</summary>
/// <remarks>
/// <para>New-DiskFile creates a virtual disk like Hyper-V's New-VHD, in any format ImageOps writes
/// (raw, VHD, VHDX, QCOW2, VMDK) and on any operating system. A dynamic disk grows as data is
/// written; a fixed disk has room for every byte (on file systems that support it the file is
/// sparse until written); a differencing disk stores only the changes to its parent.</para>
/// <para>The size is given in bytes and must suit the format (a multiple of 512 bytes; VHD dynamic
/// disks hold at most 2040 GiB, VHDX 64 TiB). A differencing disk takes its parent's size unless
/// -SizeBytes is given, and records the parent by relative path and identity.</para>
/// <para>With -CapturePath, New-DiskFile captures an existing disk into the new file, like DISM's
/// New-WindowsImage -CapturePath: a block device (on Linux, for example /dev/sdb), or a disk file of
/// any format with its chain of parents. Every sector is copied (all-zero ranges are not stored), or
/// with -UsedOnly only what the NTFS volumes use: their free clusters, as $Bitmap marks them, read as
/// zeros in the image, so neither their space nor the stale data of deleted files is carried.
/// Partition tables (MBR, logical partitions, both GPT copies), the NTFS boot sectors, other file
/// systems and unknown partitions are always copied by sector, and so is an NTFS volume that is
/// marked dirty or cannot be read (with a warning). With -Partition only that partition is captured,
/// as a volume image without a partition table (as partclone saves a volume); capture the whole disk
/// to keep it bootable. The copy runs on several threads and stops within one block on Ctrl+C.</para>
/// <para>The file is written under a temporary name and renamed when complete. An existing file is
/// refused unless -Force is given.</para>
/// </remarks>
/// <example>
/// <code>New-DiskFile -Path D:\Images\data.vhdx -Format Vhdx -SizeBytes 128GB</code>
/// <para>Creates a 128 GiB dynamic VHDX.</para>
/// </example>
/// <example>
/// <code>New-DiskFile -Path .\azure.vhd -Format Vhd -Fixed -SizeBytes 30GB</code>
/// <para>Creates a fixed VHD.</para>
/// </example>
/// <example>
/// <code>New-DiskFile -Path .\desktop-01.qcow2 -Format Qcow2 -ParentPath .\gold.qcow2</code>
/// <para>Creates a linked clone of a gold image.</para>
/// </example>
/// <example>
/// <code>New-DiskFile -Path D:\Images\pc-042.vhdx -Format Vhdx -CapturePath /dev/sdb -UsedOnly</code>
/// <para>Captures a whole disk, copying only the clusters its NTFS volumes use.</para>
/// </example>
/// <example>
/// <code>New-DiskFile -Path .\windows.qcow2 -Format Qcow2 -CapturePath .\gold.vhdx -Partition 3 -UsedOnly -Compress</code>
/// <para>Captures the Windows partition of a disk file as a compressed volume image.</para>
/// </example>
/// <seealso cref="GetDiskFileCommand"/>
/// <seealso cref="ConvertDiskFileCommand"/>
[Cmdlet(VerbsCommon.New, "DiskFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = DynamicSet)]
[OutputType(typeof(DiskFileInfo), ParameterSetName = new[] { DynamicSet, FixedSet, DifferencingSet })]
[OutputType(typeof(CaptureResult), ParameterSetName = new[] { CaptureSet })]
public sealed class NewDiskFileCommand : ImageOpsCmdlet
{
    private const string DynamicSet = "Dynamic";
    private const string FixedSet = "Fixed";
    private const string DifferencingSet = "Differencing";
    private const string CaptureSet = "Capture";

    /// <summary>
    /// <para>The file to create. Relative paths are resolved against the current location.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <para>The format of the new disk: Raw, Vhd, Vhdx, Qcow2 or Vmdk.</para>
    /// </summary>
    [Parameter(Mandatory = true)]
    public DiskFormat Format { get; set; }

    /// <summary>
    /// <para>The virtual size in bytes (PowerShell's 1GB, 1TB suffixes help). Required for fixed and
    /// dynamic disks; a differencing disk takes its parent's size by default.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = DynamicSet)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = FixedSet)]
    [Parameter(ParameterSetName = DifferencingSet)]
    [ValidateRange(512, ulong.MaxValue)]
    public ulong SizeBytes { get; set; }

    /// <summary>
    /// <para>Creates a dynamic disk (the default).</para>
    /// </summary>
    [Parameter(ParameterSetName = DynamicSet)]
    public SwitchParameter Dynamic { get; set; }

    /// <summary>
    /// <para>Creates a fixed disk (the default is dynamic, also for a capture).</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = FixedSet)]
    [Parameter(ParameterSetName = CaptureSet)]
    public SwitchParameter Fixed { get; set; }

    /// <summary>
    /// <para>The parent of a new differencing disk. The parent is recorded by its path relative to
    /// the new disk and by its identity.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = DifferencingSet)]
    [ValidateNotNullOrEmpty]
    public string? ParentPath { get; set; }

    /// <summary>
    /// <para>What to capture: a block device (Linux, for example /dev/sdb; always read as raw) or a disk
    /// file of any format (detected from its content; the top of its chain).</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = CaptureSet)]
    [ValidateNotNullOrEmpty]
    public string? CapturePath { get; set; }

    /// <summary>
    /// <para>Captures only this partition (as Get-Partition numbers it: GPT entries from 1, MBR primaries
    /// 1-4, logical partitions from 5), as a volume image without a partition table.</para>
    /// </summary>
    [Parameter(ParameterSetName = CaptureSet)]
    [ValidateRange(1, 16384)]
    public int Partition { get; set; }

    /// <summary>
    /// <para>Copies only the clusters the NTFS volumes use, per their $Bitmap; free clusters read as
    /// zeros in the image. Everything else is copied by sector.</para>
    /// </summary>
    [Parameter(ParameterSetName = CaptureSet)]
    public SwitchParameter UsedOnly { get; set; }

    /// <summary>
    /// <para>Compresses the captured image (QCOW2, or a streamOptimized VMDK).</para>
    /// </summary>
    [Parameter(ParameterSetName = CaptureSet)]
    public SwitchParameter Compress { get; set; }

    /// <summary>
    /// <para>Flushes the captured image to the device before renaming it into place, so it also
    /// survives a power loss.</para>
    /// </summary>
    [Parameter(ParameterSetName = CaptureSet)]
    public SwitchParameter Durable { get; set; }

    /// <summary>
    /// <para>More folders in which the parents of a captured disk file may be opened, besides its own folder.</para>
    /// </summary>
    [Parameter(ParameterSetName = CaptureSet)]
    [ValidateNotNullOrEmpty]
    public string[]? ParentSearchPath { get; set; }

    /// <summary>
    /// <para>The allocation unit in bytes: the block size of VHD and VHDX, the cluster size of
    /// QCOW2, the grain size of VMDK. Omit it for the format's default.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(512, 256 * 1024 * 1024)]
    public uint BlockSizeBytes { get; set; }

    /// <summary>
    /// <para>The logical sector size, 512 (default) or 4096 where the format allows it (VHDX).</para>
    /// </summary>
    [Parameter(ParameterSetName = DynamicSet)]
    [Parameter(ParameterSetName = FixedSet)]
    [Parameter(ParameterSetName = DifferencingSet)]
    [ValidateSet("512", "4096")]
    public uint LogicalSectorSizeBytes { get; set; } = 512;

    /// <summary>
    /// <para>The physical sector size reported to guests, 512 or 4096, where the format records one.</para>
    /// </summary>
    [Parameter(ParameterSetName = DynamicSet)]
    [Parameter(ParameterSetName = FixedSet)]
    [Parameter(ParameterSetName = DifferencingSet)]
    [ValidateSet("512", "4096")]
    public uint PhysicalSectorSizeBytes { get; set; }

    /// <summary>
    /// <para>A format-specific layout: for VMDK monolithicSparse (default) or streamOptimized; for
    /// QCOW2 v3 (default) or v2.</para>
    /// </summary>
    [Parameter]
    [ValidateSet("monolithicSparse", "streamOptimized", "v2", "v3")]
    public string? Subformat { get; set; }

    /// <summary>
    /// <para>Replaces an existing file (once the new one is complete).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var path = ResolveNewFileSystemPath(Path);
        if (ParameterSetName == CaptureSet)
        {
            Capture(path);
            return;
        }

        var variant = ParameterSetName switch
        {
            FixedSet => DiskVariant.Fixed,
            DifferencingSet => DiskVariant.Differencing,
            _ => DiskVariant.Dynamic,
        };
        if (!ShouldProcess(path, $"Create {variant.ToString().ToLowerInvariant()} {Format} disk{(Force ? " (replacing any existing file)" : string.Empty)}"))
        {
            return;
        }

        var request = new NewDiskRequest
        {
            Path = path,
            Format = Format,
            Variant = variant,
            SizeBytes = MyInvocation.BoundParameters.ContainsKey(nameof(SizeBytes)) ? checked((long)SizeBytes) : null,
            ClusterSizeBytes = BlockSizeBytes == 0 ? null : (int)BlockSizeBytes,
            LogicalSectorSizeBytes = (int)LogicalSectorSizeBytes,
            PhysicalSectorSizeBytes = PhysicalSectorSizeBytes == 0 ? null : (int)PhysicalSectorSizeBytes,
            ParentPath = ParentPath is null ? null : ResolveNewFileSystemPath(ParentPath),
            Subformat = Subformat,
            Overwrite = Force,
        };
        if (TryInvoke(path, context => new DiskFileService().Create(request, context), out var info))
        {
            WriteObject(info);
        }
    }

    private void Capture(string path)
    {
        var source = ResolveNewFileSystemPath(CapturePath!);
        var what = $"Capture {(UsedOnly ? "the used clusters" : "every sector")} of '{source}'{(Partition > 0 ? $" partition {Partition}" : string.Empty)}{(Force ? " (replacing any existing file)" : string.Empty)}";
        if (!ShouldProcess(path, what))
        {
            return;
        }

        var request = new CaptureRequest
        {
            SourcePath = source,
            PartitionNumber = Partition > 0 ? Partition : null,
            UsedOnly = UsedOnly,
            DestinationPath = path,
            Format = Format,
            Variant = Fixed ? DiskVariant.Fixed : DiskVariant.Dynamic,
            ClusterSizeBytes = BlockSizeBytes == 0 ? null : (int)BlockSizeBytes,
            Compress = Compress,
            Subformat = Subformat,
            Durable = Durable,
            Overwrite = Force,
            ParentSearchPaths = System.Array.ConvertAll(ParentSearchPath ?? System.Array.Empty<string>(), ResolveNewFileSystemPath),
        };
        if (TryInvoke(source, context => new DiskFileService().Capture(request, context), out var result))
        {
            WriteObject(result);
        }
    }
}
