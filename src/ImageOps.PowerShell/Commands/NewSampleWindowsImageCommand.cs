using System.Management.Automation;
using ImageOps.Engine.Disks;
using ImageOps.Engine.Inventory;
using ImageOps.Engine.Samples;
using ImageOps.Formats.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Creates a small synthetic Windows-like disk image to try ImageOps on.</summary>
/// <remarks>
/// <para>New-SampleWindowsImage builds a disk that looks to ImageOps (and to tools such as hivex and
/// ntfs-3g) like an offline Windows installation, without any Windows files: the partitions Windows
/// setup makes (GPT with EFI system, MSR and Windows partitions for UEFI; MBR with an active System
/// Reserved partition for BIOS), an NTFS Windows volume, SYSTEM and SOFTWARE registry hives with the
/// version values, services and device classes Windows keeps, the driver database (Windows 8 and
/// later) or the critical device database (Windows 7), and in-box and third-party driver packages in
/// Windows\INF and the driver store. Use it to try Get-ImageInventory, Compare-ImageInventory and
/// the disk cmdlets, or to reproduce a problem, without a real Windows image.</para>
/// <para>-Build sets the version values Windows records for that build (6.1 for Windows 7, 10.0 from
/// build 10240; the DisplayVersion of known builds). The image cannot boot.</para>
/// <para>Building the NTFS volume needs mkntfs and libntfs-3g, so this cmdlet runs on Linux (Debian
/// and Ubuntu: apt-get install ntfs-3g); elsewhere it fails with MkntfsNotAvailable or
/// Ntfs3gNotAvailable. An existing file is refused with DiskFileExists.</para>
/// </remarks>
/// <example>
/// <code>New-SampleWindowsImage -Path .\win11.vhdx</code>
/// <para>Creates a 512 MiB Windows 11 24H2 (build 26100.2314) x64 UEFI image as a dynamic VHDX.</para>
/// </example>
/// <example>
/// <code>New-SampleWindowsImage -Path .\win7.qcow2 -Format Qcow2 -Build 7601 -Ubr 24214 -Bios</code>
/// <para>Creates a Windows 7 SP1 BIOS image without a driver database.</para>
/// </example>
/// <example>
/// <code>New-SampleWindowsImage .\a.vhdx; New-SampleWindowsImage .\b.vhdx -Ubr 2605; Compare-ImageInventory .\a.vhdx .\b.vhdx</code>
/// <para>Makes two images a month apart and shows what changed.</para>
/// </example>
/// <seealso cref="GetImageInventoryCommand"/>
[Cmdlet(VerbsCommon.New, "SampleWindowsImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ByPath)]
[OutputType(typeof(DiskFileInfo))]
public sealed class NewSampleWindowsImageCommand : ImageOpsCmdlet
{
    private const string ByPath = "ByPath";

    /// <summary>
    /// <para>The image file to create. Relative paths are resolved against the current location.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPath)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// <para>The format of the image: Raw, Vhd, Vhdx (default), Qcow2 or Vmdk.</para>
    /// </summary>
    [Parameter]
    public DiskFormat Format { get; set; } = DiskFormat.Vhdx;

    /// <summary>
    /// <para>The Windows build: 7601 (Windows 7 SP1), 9600 (Windows 8.1), 19045 (Windows 10 22H2),
    /// 22631 (Windows 11 23H2), 26100 (Windows 11 24H2, the default).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Build { get; set; } = 26100;

    /// <summary>
    /// <para>The update build revision, which each monthly update raises (default 2314).</para>
    /// </summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Ubr { get; set; } = 2314;

    /// <summary>
    /// <para>The processor architecture: Amd64 (default), X86 or Arm64.</para>
    /// </summary>
    [Parameter]
    [ValidateSet("Amd64", "X86", "Arm64")]
    public WindowsArchitecture Architecture { get; set; } = WindowsArchitecture.Amd64;

    /// <summary>
    /// <para>Partitions the disk for BIOS (MBR, active System Reserved partition) instead of UEFI
    /// (GPT with an EFI system partition).</para>
    /// </summary>
    [Parameter]
    public SwitchParameter Bios { get; set; }

    /// <summary>
    /// <para>The EditionID recorded (default Professional).</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EditionId { get; set; }

    /// <summary>
    /// <para>The ProductName recorded (default from the build, for example "Windows 10 Pro", which
    /// Windows 11 also records).</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProductName { get; set; }

    /// <summary>
    /// <para>The virtual size in bytes, a whole number of MiB from 256 MiB (default 512 MiB). The image
    /// stays sparse.</para>
    /// </summary>
    [Parameter]
    [ValidateRange(SyntheticWindowsImage.MinSizeBytes, SyntheticWindowsImage.MaxSizeBytes)]
    public long SizeBytes { get; set; } = 512L << 20;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var path = ResolveNewFileSystemPath(Path);
        var spec = WindowsImageSpec.ForBuild(Build, Ubr).WithArchitecture(Architecture);
        spec.Format = Format;
        spec.Uefi = !Bios;
        spec.SizeBytes = SizeBytes;
        spec.EditionId = EditionId ?? spec.EditionId;
        spec.ProductName = ProductName ?? spec.ProductName;
        if (!ShouldProcess(path, $"Create a sample {spec.ProductName} {Build}.{Ubr} {Architecture} {(Bios ? "BIOS" : "UEFI")} {Format} image"))
        {
            return;
        }

        if (TryInvoke(path, context => SyntheticWindowsImage.Create(path, spec, context), out var info))
        {
            WriteObject(info);
        }
    }
}
