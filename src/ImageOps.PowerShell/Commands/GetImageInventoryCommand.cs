using System.Management.Automation;
using ImageOps.Engine.Inventory;
using ImageOps.Formats.Disks;

namespace ImageOps.PowerShell.Commands;

/// <summary>Gets what an offline disk image holds: Windows version, build, architecture, drivers and boot mode.</summary>
/// <remarks>
/// <para>Get-ImageInventory reads a virtual disk file of any supported format (raw, VHD, VHDX, QCOW2,
/// VMDK, and differencing chains of them) without mounting it, without Hyper-V or DISM, and on any
/// operating system. It finds each Windows installation on the disk (an NTFS volume holding
/// Windows\System32\config\SOFTWARE) and reports, from its registry hives: the product name and the
/// name a person expects (Windows 11 still stores "Windows 10" as its product name; OperatingSystem
/// corrects that), the edition, DisplayVersion and ReleaseId, the version, the full build with the
/// update build revision (for example 26100.2314), the installation type, the architecture (from
/// PROCESSOR_ARCHITECTURE, cross-checked with the presence of SysWOW64), and the control set in use.</para>
/// <para>Drivers lists every driver package: in-box and third-party (published as oemN.inf), with the
/// original INF name, provider, class, DriverVer date and version, hardware IDs, services and whether
/// they start at boot. From Windows 8 on they come from the SYSTEM hive's driver database and the
/// driver store; before Windows 8, from the INF folder, the services and the CriticalDeviceDatabase.
/// Packages present only in the driver store are listed with Source DriverStore.</para>
/// <para>BootMode is Uefi for a GPT disk with an EFI system partition and Bios for an MBR disk with an
/// active partition; otherwise it is Unknown and BootModeReason says why.</para>
/// <para>Nothing is written to the image. Problems met while reading (a dirty registry hive, whose
/// transaction logs are replayed in memory when they can recover it; a damaged hive or volume; a
/// value of the wrong type) are listed in Problems and written as warnings; they do not stop the
/// inventory. A file that cannot be opened as a disk is an error (for example DiskFileNotFound,
/// ImageFormatNotSupported, ParentNotFound).</para>
/// </remarks>
/// <example>
/// <code>Get-ImageInventory -Path D:\Images\win11-gold.vhdx</code>
/// <para>Shows the operating system, build, architecture, boot mode and driver counts of an image.</para>
/// </example>
/// <example>
/// <code>(Get-ImageInventory .\gold.qcow2).Installations.Drivers | Where-Object Origin -eq ThirdParty | Format-Table</code>
/// <para>Lists the third-party drivers of an image.</para>
/// </example>
/// <example>
/// <code>Get-ChildItem D:\Images\*.vhdx | Get-ImageInventory | Select-Object Path, @{ n = 'Build'; e = { $_.Installations.Build } }</code>
/// <para>Shows the build of every image in a folder.</para>
/// </example>
/// <example>
/// <code>Get-ImageInventory .\desktop-042.vhdx -ParentSearchPath \\fs01\gold | ConvertTo-Json -Depth 6</code>
/// <para>Reads a linked clone through its chain and exports the inventory as JSON.</para>
/// </example>
/// <seealso cref="CompareImageInventoryCommand"/>
/// <seealso cref="GetDiskFileCommand"/>
[Cmdlet(VerbsCommon.Get, "ImageInventory", DefaultParameterSetName = ByPath)]
[OutputType(typeof(ImageInventory))]
public sealed class GetImageInventoryCommand : DiskFileCmdlet
{
    /// <summary>
    /// <para>The format of the files, when detection should be skipped (for example a raw image whose
    /// first sector looks like another format).</para>
    /// </summary>
    [Parameter]
    public DiskFormat? Format { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var service = new ImageInventoryService(ResolvedParentSearchPaths());
        foreach (var file in DiskFiles())
        {
            if (TryInvoke(file, context => service.GetInventory(file, Format, context), out var inventory))
            {
                WriteObject(inventory);
            }
        }
    }
}
