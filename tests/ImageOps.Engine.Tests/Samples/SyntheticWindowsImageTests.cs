using System;
using System.IO;
using System.Linq;
using ImageOps.Engine.Samples;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Partitions;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Samples;

/// <summary>The fixture builder makes images whose every layer reads back with independent and own tools.</summary>
public sealed class SyntheticWindowsImageTests : IClassFixture<SyntheticWindowsImageTests.Images>
{
    private readonly Images _images;

    public SyntheticWindowsImageTests(Images images)
    {
        _images = images;
    }

    [SkippableFact]
    public void A_uefi_image_has_the_windows_partition_layout_and_the_tree()
    {
        using var disk = DiskFormats.Open(_images.Uefi);
        Assert.Equal(DiskFormat.Vhdx, disk.Format);
        var table = PartitionTable.Read(disk);
        Assert.Equal(PartitionScheme.Gpt, table.Scheme);
        Assert.Equal(new[] { PartitionKind.EfiSystem, PartitionKind.MicrosoftReserved, PartitionKind.BasicData }, table.Partitions.Select(p => p.Kind));

        var volume = NtfsVolume.Open(disk, table.Partitions[2]);
        Assert.Equal("Windows", volume.Label);
        Assert.True(volume.Exists(@"\Windows\System32\config\SYSTEM"));
        Assert.True(volume.Exists(@"windows\inf\OEM0.INF"));
        Assert.Equal(5, volume.ListDirectory(@"Windows\System32\DriverStore\FileRepository").Count());
        var inf = System.Text.Encoding.ASCII.GetString(volume.ReadAllBytes(@"Windows\INF\oem0.inf"));
        Assert.Contains("PCI\\VEN_1AF4&DEV_1041", inf);
    }

    [SkippableFact]
    public void The_hives_hold_what_inventory_and_injection_read_and_hivex_agrees()
    {
        using var disk = DiskFormats.Open(_images.Uefi);
        var volume = NtfsVolume.Open(disk, PartitionTable.Read(disk).Partitions[2]);
        var software = RegistryHive.Open(volume.ReadAllBytes(WindowsPaths.SoftwareHive));
        var nt = software.OpenKey(WindowsPaths.CurrentVersionNt);
        Assert.Equal("Windows 10 Pro", nt.GetValue("ProductName")!.GetString());
        Assert.Equal(2314u, nt.GetValue("UBR")!.GetDWord());

        var system = RegistryHive.Open(volume.ReadAllBytes(WindowsPaths.SystemHive));
        Assert.Equal(1u, system.OpenKey("Select").GetValue("Current")!.GetDWord());
        var package = system.OpenKey(@"DriverDatabase\DriverInfFiles\oem0.inf").GetValue("Active")!.GetString();
        var version = DriverDatabaseVersion.TryDecode(system.OpenKey(@"DriverDatabase\DriverPackages\" + package).GetValue("Version")!.GetData());
        Assert.Equal(new Version(100, 95, 104, 26200), version!.Value.Version);
        Assert.Equal(new DateTime(2024, 8, 12), version.Value.Date!.Value.Date);

        // hivex reads the same values from the files.
        var file = _images.Folder.Combine("SOFTWARE");
        File.WriteAllBytes(file, volume.ReadAllBytes(WindowsPaths.SoftwareHive));
        var product = ProcessRunner.Run(External.Tool("hivexget"), TimeSpan.FromMinutes(1), file, @"\Microsoft\Windows NT\CurrentVersion", "ProductName").EnsureSuccess("hivexget");
        Assert.Equal("Windows 10 Pro", product.Out.Trim());
    }

    [SkippableFact]
    public void A_windows_7_bios_image_has_mbr_and_the_critical_device_database_instead_of_the_driver_database()
    {
        using var disk = DiskFormats.Open(_images.Bios);
        Assert.Equal(DiskFormat.Qcow2, disk.Format);
        var table = PartitionTable.Read(disk);
        Assert.Equal(PartitionScheme.Mbr, table.Scheme);
        Assert.Equal(2, table.Partitions.Count);
        Assert.True(table.Partitions[0].Active);
        var volume = NtfsVolume.Open(disk, table.Partitions[1]);
        var system = RegistryHive.Open(volume.ReadAllBytes(WindowsPaths.SystemHive));
        Assert.Null(system.GetKey("DriverDatabase"));
        Assert.NotNull(system.GetKey(@"ControlSet001\Control\CriticalDeviceDatabase\pci#cc_010601"));
        Assert.Equal("System Reserved", NtfsVolume.Open(disk, table.Partitions[0]).Label);
    }

    [SkippableFact]
    public void The_image_checks_clean_in_qemu_img()
    {
        Assert.Equal(0, QemuImg.Check(_images.Uefi, "vhdx").ExitCode);
        Assert.Equal(0, QemuImg.Check(_images.Bios, "qcow2").ExitCode);
    }

    public sealed class Images : IDisposable
    {
        public Images()
        {
            External.Tool("mkntfs");
            Folder = new TempFolder("synthetic");
            Uefi = Folder.Combine("win11.vhdx");
            SyntheticWindowsImage.Create(Uefi, new WindowsImageSpec());
            Bios = Folder.Combine("win7.qcow2");
            SyntheticWindowsImage.Create(Bios, new WindowsImageSpec
            {
                Format = DiskFormat.Qcow2,
                Uefi = false,
                ProductName = "Windows 7 Professional",
                EditionId = "Professional",
                DisplayVersion = string.Empty,
                Build = 7601,
                Ubr = 24214,
                MajorVersion = 6,
                MinorVersion = 1,
            });
        }

        public TempFolder Folder { get; }

        public string Uefi { get; }

        public string Bios { get; }

        public void Dispose() => Folder.Dispose();
    }
}
