using System.Management.Automation;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Creates an empty fixed, dynamic or differencing virtual disk file in any format.</summary>
/// <remarks>
/// <para>New-DiskFile creates a virtual disk like Hyper-V's New-VHD, in any format ImageOps writes
/// (raw, VHD, VHDX, QCOW2, VMDK) and on any operating system. A dynamic disk grows as data is
/// written; a fixed disk has room for every byte (on file systems that support it the file is
/// sparse until written); a differencing disk stores only the changes to its parent.</para>
/// <para>The size is given in bytes and must suit the format (a multiple of 512 bytes; VHD dynamic
/// disks hold at most 2040 GiB, VHDX 64 TiB). A differencing disk takes its parent's size unless
/// -SizeBytes is given, and records the parent by relative path and identity.</para>
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
/// <seealso cref="GetDiskFileCommand"/>
/// <seealso cref="ConvertDiskFileCommand"/>
[Cmdlet(VerbsCommon.New, "DiskFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = DynamicSet)]
[OutputType(typeof(DiskFileInfo))]
public sealed class NewDiskFileCommand : ImageOpsCmdlet
{
    private const string DynamicSet = "Dynamic";
    private const string FixedSet = "Fixed";
    private const string DifferencingSet = "Differencing";

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
    /// <para>Creates a fixed disk.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = FixedSet)]
    public SwitchParameter Fixed { get; set; }

    /// <summary>
    /// <para>The parent of a new differencing disk. The parent is recorded by its path relative to
    /// the new disk and by its identity.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = DifferencingSet)]
    [ValidateNotNullOrEmpty]
    public string? ParentPath { get; set; }

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
    [Parameter]
    [ValidateSet("512", "4096")]
    public uint LogicalSectorSizeBytes { get; set; } = 512;

    /// <summary>
    /// <para>The physical sector size reported to guests, 512 or 4096, where the format records one.</para>
    /// </summary>
    [Parameter]
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
}
