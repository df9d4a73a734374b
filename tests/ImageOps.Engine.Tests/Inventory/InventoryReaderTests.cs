using System;
using System.Linq;
using ImageOps.Engine.Disks;
using ImageOps.Engine.Inventory;
using ImageOps.Engine.Samples;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;

namespace ImageOps.Engine.Tests.Inventory;

/// <summary>The inventory of synthetic images in every layout the fixture builds, and of the problems it reports instead of failing.</summary>
[Collection(InventoryCollection.Name)]
public sealed class InventoryReaderTests
{
    private readonly InventoryImages _images;
    private readonly ImageInventoryService _service = new();

    public InventoryReaderTests(InventoryImages images)
    {
        _images = images;
    }

    [SkippableFact]
    public void A_windows_11_uefi_vhdx_reports_disk_boot_mode_version_and_architecture()
    {
        var inventory = _service.GetInventory(_images.Win11);
        Assert.Equal(_images.Win11, inventory.Path);
        Assert.Equal(DiskFormat.Vhdx, inventory.Disk.Format);
        Assert.Equal(512L << 20, inventory.Disk.CapacityBytes);
        Assert.Equal(PartitionScheme.Gpt, inventory.Disk.PartitionScheme);
        Assert.NotNull(inventory.Disk.DiskGuid);
        Assert.Equal(new[] { PartitionKind.EfiSystem, PartitionKind.MicrosoftReserved, PartitionKind.BasicData }, inventory.Disk.Partitions.Select(p => p.Kind));
        var windowsPartition = inventory.Disk.Partitions[2];
        Assert.Equal(("NTFS", "Windows", true), (windowsPartition.FileSystem, windowsPartition.Label, windowsPartition.HoldsWindows));
        Assert.False(inventory.Disk.Partitions[0].HoldsWindows);
        Assert.Equal(BootMode.Uefi, inventory.BootMode);
        Assert.Contains("EFI system partition (#1)", inventory.BootModeReason);
        Assert.Empty(inventory.Problems);

        var windows = Assert.Single(inventory.Installations);
        Assert.Equal(3, windows.PartitionNumber);
        Assert.Equal("Windows 10 Pro", windows.ProductName);
        Assert.Equal("Windows 11 Pro", windows.OperatingSystem);
        Assert.Equal("Professional", windows.EditionId);
        Assert.Equal("24H2", windows.DisplayVersion);
        Assert.Equal("2009", windows.ReleaseId);
        Assert.Equal("10.0", windows.Version);
        Assert.Equal((26100, 2314, "26100.2314"), (windows.BuildNumber!.Value, windows.Ubr!.Value, windows.Build));
        Assert.Equal("Client", windows.InstallationType);
        Assert.Equal(WindowsArchitecture.Amd64, windows.Architecture);
        Assert.Equal("PROCESSOR_ARCHITECTURE", windows.ArchitectureSource);
        Assert.True(windows.HasSysWow64);
        Assert.Equal("ControlSet001", windows.CurrentControlSet);
        Assert.True(windows.HasDriverDatabase);
        Assert.Equal((HiveState.Clean, HiveState.Clean), (windows.SystemHive, windows.SoftwareHive));
        Assert.False(windows.VolumeDirty);
    }

    [SkippableFact]
    public void Drivers_come_from_the_driver_database_with_provider_class_version_ids_and_services()
    {
        var windows = _service.GetInventory(_images.Win11).Installations[0];
        Assert.Equal(5, windows.Drivers.Length);
        Assert.All(windows.Drivers, d => Assert.Equal(DriverSource.DriverDatabase, d.Source));
        Assert.Equal(new[] { "oem0.inf", "oem1.inf" }, windows.Drivers.Where(d => d.Origin == DriverOrigin.ThirdParty).Select(d => d.PublishedName).OrderBy(n => n));

        var netkvm = windows.Drivers.Single(d => d.PublishedName == "oem0.inf");
        Assert.Equal("netkvm.inf", netkvm.OriginalName);
        Assert.Equal("Red Hat, Inc.", netkvm.Provider);
        Assert.Equal("Net", netkvm.ClassName);
        Assert.Equal(SampleDrivers.Net, netkvm.ClassGuid);
        Assert.Equal("100.95.104.26200", netkvm.Version);
        Assert.Equal(new DateTime(2024, 8, 12), netkvm.Date);
        Assert.StartsWith("netkvm.inf_amd64_", netkvm.DriverStoreFolder);
        Assert.Equal(new[] { @"PCI\VEN_1AF4&DEV_1000", @"PCI\VEN_1AF4&DEV_1041" }, netkvm.HardwareIds.OrderBy(i => i, StringComparer.Ordinal));
        Assert.Equal(new[] { "netkvm" }, netkvm.Services);
        Assert.False(netkvm.BootCritical);

        var storahci = windows.Drivers.Single(d => d.PublishedName == "storahci.inf");
        Assert.Equal((DriverOrigin.Inbox, "Microsoft", "SCSIAdapter", true), (storahci.Origin, storahci.Provider, storahci.ClassName, storahci.BootCritical));
        Assert.Equal("10.0.26100.1", storahci.Version);
    }

    [SkippableFact]
    public void A_windows_7_bios_qcow2_without_a_driver_database_lists_the_inf_folder()
    {
        var inventory = _service.GetInventory(_images.Win7);
        Assert.Equal(DiskFormat.Qcow2, inventory.Disk.Format);
        Assert.Equal(PartitionScheme.Mbr, inventory.Disk.PartitionScheme);
        Assert.Equal(BootMode.Bios, inventory.BootMode);
        Assert.Contains("active partition (#1)", inventory.BootModeReason);
        Assert.Equal("System Reserved", inventory.Disk.Partitions[0].Label);
        Assert.False(inventory.Disk.Partitions[0].HoldsWindows);
        Assert.Empty(inventory.Problems);

        var windows = Assert.Single(inventory.Installations);
        Assert.Equal(2, windows.PartitionNumber);
        Assert.Equal("Windows 7 Professional", windows.OperatingSystem);
        Assert.Equal("6.1", windows.Version);
        Assert.Equal("7601.24214", windows.Build);
        Assert.Null(windows.DisplayVersion);
        Assert.False(windows.HasDriverDatabase);
        Assert.Equal(WindowsArchitecture.Amd64, windows.Architecture);

        Assert.Equal(5, windows.Drivers.Length);
        Assert.All(windows.Drivers, d => Assert.Equal(DriverSource.InfFolder, d.Source));
        var netkvm = windows.Drivers.Single(d => d.PublishedName == "oem0.inf");
        Assert.Equal(("netkvm.inf", DriverOrigin.ThirdParty, "Red Hat, Inc.", "Net"), (netkvm.OriginalName, netkvm.Origin, netkvm.Provider, netkvm.ClassName));
        Assert.StartsWith("netkvm.inf_amd64_", netkvm.DriverStoreFolder);
        Assert.Equal("100.95.104.26200", netkvm.Version);
        Assert.Equal(new DateTime(2024, 8, 12), netkvm.Date);
        Assert.Contains(@"PCI\VEN_1AF4&DEV_1041", netkvm.HardwareIds);
        Assert.Equal(new[] { "netkvm" }, netkvm.Services);

        // Boot-critical storage before Windows 8: boot start and the CriticalDeviceDatabase.
        var storahci = windows.Drivers.Single(d => d.PublishedName == "storahci.inf");
        Assert.True(storahci.BootCritical);
        Assert.Equal(("storahci.inf", DriverOrigin.Inbox), (storahci.OriginalName, storahci.Origin));
    }

    [SkippableFact]
    public void A_32_bit_raw_image_reads_as_x86_without_SysWOW64_and_its_drivers_from_the_x86_models()
    {
        var inventory = _service.GetInventory(_images.Win10X86);
        Assert.Equal(DiskFormat.Raw, inventory.Disk.Format);
        Assert.Equal(BootMode.Bios, inventory.BootMode);
        Assert.Empty(inventory.Problems);
        var windows = inventory.Installations.Single();
        Assert.Equal((WindowsArchitecture.X86, false), (windows.Architecture, windows.HasSysWow64));
        Assert.Equal(("Windows 10 Enterprise", "Enterprise", "22H2", "19045.5011"), (windows.OperatingSystem, windows.EditionId, windows.DisplayVersion, windows.Build));
        Assert.All(windows.Drivers, d => Assert.Contains("_x86_", d.DriverStoreFolder));
    }

    [SkippableFact]
    public void A_differencing_child_is_read_through_its_chain()
    {
        var inventory = _service.GetInventory(_images.NewerUbr);
        Assert.Equal(DiskVariant.Differencing, inventory.Disk.Variant);
        Assert.Equal(new[] { _images.NewerUbr, _images.Win11 }, inventory.Disk.Chain);
        var windows = inventory.Installations.Single();
        Assert.Equal("26100.2400", windows.Build);
        Assert.Equal(5, windows.Drivers.Length);
        Assert.Equal("26100.2314", _service.GetInventory(_images.Win11).Installations[0].Build);
    }

    [SkippableFact]
    public void Store_only_packages_are_staged_missing_database_facts_come_from_the_store_inf_and_an_architecture_mismatch_is_reported()
    {
        var inventory = _service.GetInventory(_images.Staged);
        var windows = inventory.Installations.Single();
        Assert.Equal(6, windows.Drivers.Length);

        var staged = windows.Drivers.Single(d => d.Source == DriverSource.DriverStore);
        Assert.Equal(("viostor.inf", "viostor.inf", DriverOrigin.ThirdParty), (staged.PublishedName, staged.OriginalName, staged.Origin));
        Assert.Equal(("Red Hat, Inc.", "SCSIAdapter", "100.95.104.26400"), (staged.Provider, staged.ClassName, staged.Version));
        Assert.Equal(new DateTime(2024, 9, 1), staged.Date);
        Assert.Equal(new[] { @"PCI\VEN_1AF4&DEV_1001&REV_00" }, staged.HardwareIds);
        Assert.Empty(staged.Services);

        var intel = windows.Drivers.Single(d => d.PublishedName == "oem1.inf");
        Assert.Equal(("e1d68x64.inf", "Intel", "Net", "12.19.2.45"), (intel.OriginalName, intel.Provider, intel.ClassName, intel.Version));
        Assert.Equal(new DateTime(2023, 11, 2), intel.Date);
        Assert.Equal(SampleDrivers.Net, intel.ClassGuid);
        Assert.Equal(new[] { @"PCI\VEN_8086&DEV_15B8" }, intel.HardwareIds);

        Assert.Equal((WindowsArchitecture.X86, true), (windows.Architecture, windows.HasSysWow64));
        var mismatch = Assert.Single(inventory.Problems);
        Assert.Equal((ProblemSeverity.Warning, "ArchitectureMismatch", WindowsPaths.SysWow64Folder), (mismatch.Severity, mismatch.Id, mismatch.Path));
    }

    [SkippableFact]
    public void A_dirty_system_hive_is_recovered_from_its_log_in_memory()
    {
        var inventory = _service.GetInventory(_images.DirtyWithLog);
        var windows = inventory.Installations.Single();
        Assert.Equal(HiveState.Recovered, windows.SystemHive);
        Assert.Equal(InventoryImages.ReplayedProvider, windows.Drivers.Single(d => d.PublishedName == "oem0.inf").Provider);
        var problem = Assert.Single(inventory.Problems);
        Assert.Equal((ProblemSeverity.Information, "HiveRecovered", 3, WindowsPaths.SystemHive), (problem.Severity, problem.Id, problem.PartitionNumber, problem.Path));
        Assert.Contains("LOG1", problem.Message);
    }

    [SkippableFact]
    public void A_dirty_system_hive_without_logs_is_read_as_it_is_and_reported()
    {
        var inventory = _service.GetInventory(_images.DirtyWithoutLog);
        var windows = inventory.Installations.Single();
        Assert.Equal(HiveState.Dirty, windows.SystemHive);
        Assert.Equal("Red Hat, Inc.", windows.Drivers.Single(d => d.PublishedName == "oem0.inf").Provider);
        Assert.Equal(WindowsArchitecture.Amd64, windows.Architecture);
        var problem = Assert.Single(inventory.Problems);
        Assert.Equal((ProblemSeverity.Warning, "HiveDirty"), (problem.Severity, problem.Id));
        Assert.Contains("sequence numbers differ", problem.Message);
    }

    [SkippableFact]
    public void Values_of_the_wrong_type_are_warnings_and_the_facts_fall_back()
    {
        var inventory = _service.GetInventory(_images.WrongTypes);
        var windows = inventory.Installations.Single();
        Assert.Null(windows.Ubr);
        Assert.Equal("26100", windows.Build);
        Assert.Equal("6.3", windows.Version);
        Assert.Null(windows.CurrentControlSet);
        Assert.Equal((WindowsArchitecture.Amd64, "BuildLabEx"), (windows.Architecture, windows.ArchitectureSource));
        Assert.Equal(5, windows.Drivers.Length);
        Assert.All(windows.Drivers, d => Assert.Empty(d.Services));
        Assert.Equal(new[] { "HiveValueInvalid", "HiveValueInvalid", "ControlSetNotFound" }, inventory.Problems.Select(p => p.Id));
        Assert.All(inventory.Problems, p => Assert.Equal(ProblemSeverity.Warning, p.Severity));
        Assert.Contains(@"CurrentVersion\CurrentMajorVersionNumber", inventory.Problems[0].Message);
        Assert.Contains(@"CurrentVersion\UBR", inventory.Problems[1].Message);
        Assert.Contains("ControlSet007", inventory.Problems[2].Message);
    }

    [SkippableFact]
    public void A_damaged_software_hive_is_reported_and_the_system_hive_still_read()
    {
        var inventory = _service.GetInventory(_images.DamagedHive);
        var windows = inventory.Installations.Single();
        Assert.Equal(HiveState.Unreadable, windows.SoftwareHive);
        Assert.Null(windows.ProductName);
        Assert.Null(windows.Build);
        Assert.Equal(WindowsArchitecture.Amd64, windows.Architecture);
        Assert.Equal(5, windows.Drivers.Length);
        var problem = Assert.Single(inventory.Problems);
        Assert.Equal((ProblemSeverity.Error, "HiveUnreadable", WindowsPaths.SoftwareHive), (problem.Severity, problem.Id, problem.Path));
        Assert.Contains("SOFTWARE", problem.Message);
    }

    [SkippableFact]
    public void A_damaged_volume_is_a_reported_problem_not_an_exception()
    {
        var inventory = _service.GetInventory(_images.DamagedVolume);
        Assert.Empty(inventory.Installations);
        Assert.Equal(BootMode.Uefi, inventory.BootMode);
        Assert.Equal(3, inventory.Disk.Partitions.Length);
        Assert.Equal("NTFS", inventory.Disk.Partitions[2].FileSystem);
        var unreadable = Assert.Single(inventory.Problems, p => p.Id == "VolumeUnreadable");
        Assert.Equal((ProblemSeverity.Error, 3), (unreadable.Severity, unreadable.PartitionNumber!.Value));
        Assert.Contains(inventory.Problems, p => p.Id == "WindowsNotFound");
    }

    [SkippableFact]
    public void A_disk_with_an_ntfs_volume_but_no_windows_has_no_installation()
    {
        var inventory = _service.GetInventory(_images.NoWindows);
        Assert.Empty(inventory.Installations);
        Assert.Equal(BootMode.Unknown, inventory.BootMode);
        Assert.Contains("without an EFI system partition", inventory.BootModeReason);
        var data = Assert.Single(inventory.Disk.Partitions);
        Assert.Equal(("NTFS", "Data", false), (data.FileSystem, data.Label, data.HoldsWindows));
        var problem = Assert.Single(inventory.Problems);
        Assert.Equal((ProblemSeverity.Information, "WindowsNotFound"), (problem.Severity, problem.Id));
    }

    [SkippableFact]
    public void A_blank_disk_has_no_partition_table_and_an_unknown_boot_mode()
    {
        var inventory = _service.GetInventory(_images.Blank);
        Assert.Equal(PartitionScheme.None, inventory.Disk.PartitionScheme);
        Assert.Empty(inventory.Disk.Partitions);
        Assert.Equal((BootMode.Unknown, "The disk has no partition table."), (inventory.BootMode, inventory.BootModeReason));
        Assert.Empty(inventory.Installations);
    }

    [SkippableFact]
    public void A_missing_file_is_a_typed_error()
    {
        var error = Assert.Throws<ImageOpsException>(() => _service.GetInventory(_images.Folder.Combine("none.vhdx")));
        Assert.Equal(("DiskFileNotFound", ErrorKind.ObjectNotFound), (error.ErrorId, error.Kind));
    }

    [SkippableFact]
    public void A_child_whose_parent_is_missing_is_a_typed_error()
    {
        using var folder = new ImageOps.Tests.TempFolder("orphan");
        var child = folder.Combine("orphan.vhdx");
        System.IO.File.Copy(_images.NewerUbr, child);
        var error = Assert.Throws<ImageOpsException>(() => _service.GetInventory(child));
        Assert.Equal("ParentNotFound", error.ErrorId);
    }

    [SkippableFact]
    public void The_reader_without_drivers_gives_version_and_architecture_and_an_open_volume_for_injection()
    {
        using var disk = new DiskOpener().Open(_images.Win11);
        var scan = WindowsInventoryReader.Read(disk, new WindowsInventoryOptions { IncludeDrivers = false });
        var volume = Assert.Single(scan.Volumes);
        Assert.Equal(3, volume.Partition!.Number);
        Assert.Equal(PartitionKind.BasicData, volume.Partition.Kind);
        Assert.Empty(volume.Installation.Drivers);
        Assert.Equal(("26100.2314", WindowsArchitecture.Amd64, Formats.Inf.InfArchitecture.Amd64), (volume.Installation.Build, volume.Installation.Architecture, volume.Installation.ToInfArchitecture()));
        Assert.True(volume.Volume.Exists(WindowsPaths.SystemHive));
        Assert.Same(volume.Installation, scan.Inventory.Installations[0]);
    }

    [SkippableFact]
    public void Cancellation_is_observed()
    {
        using var cancel = new System.Threading.CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => _service.GetInventory(_images.Win11, context: new OperationContext(cancellation: cancel.Token)));
    }

    [SkippableFact]
    public void The_inventory_serializes_to_json_with_enum_names()
    {
        var json = Newtonsoft.Json.Linq.JObject.Parse(ImageOps.Engine.Storage.JsonConventions.Serialize(_service.GetInventory(_images.Win11)));
        Assert.Equal("Uefi", json["bootMode"]!.ToString());
        Assert.Equal("Amd64", json["installations"]![0]!["architecture"]!.ToString());
        Assert.Equal("26100.2314", json["installations"]![0]!["build"]!.ToString());
        Assert.Equal("ThirdParty", json["installations"]![0]!["drivers"]!.First(d => d["publishedName"]!.ToString() == "oem0.inf")["origin"]!.ToString());
    }

    [SkippableFact]
    public void The_diff_of_two_monthly_images_shows_the_build_and_the_driver_changes()
    {
        var result = _service.Compare(_images.Win11, _images.NextMonth);
        Assert.False(result.Identical);
        Assert.Equal((_images.Win11, _images.NextMonth), (result.ReferencePath, result.DifferencePath));
        Assert.Equal((1, 1, 1), (result.DriversAdded, result.DriversRemoved, result.DriversChanged));
        Assert.Contains(result.Changes, c => c.Category == InventoryChangeCategory.Disk && c.Property == "Format" && c.ReferenceValue == "Vhdx" && c.DifferenceValue == "Vmdk");
        var build = Assert.Single(result.Changes, c => c.Category == InventoryChangeCategory.Windows);
        Assert.Equal((ChangeKind.Updated, "26100.2314", "26100.2605"), (build.Change, build.ReferenceValue, build.DifferenceValue));
        var drivers = result.Changes.Where(c => c.Category == InventoryChangeCategory.Driver).Select(c => (c.Subject, c.Change)).ToArray();
        Assert.Equal(new[] { ("e1d68x64.inf", ChangeKind.Removed), ("netkvm.inf", ChangeKind.Updated), ("vioscsi.inf", ChangeKind.Added) }, drivers);
        Assert.True(result.Changes.Single(c => c.Subject == "vioscsi.inf").DifferenceDriver!.BootCritical);
    }

    [SkippableFact]
    public void An_image_compared_with_itself_is_identical_and_a_child_differs_by_its_ubr()
    {
        Assert.True(_service.Compare(_images.Win11, _images.Win11).Identical);
        var child = _service.Compare(_images.Win11, _images.NewerUbr);
        Assert.Equal(new[] { "Variant", "Build" }, child.Changes.Select(c => c.Property));
    }
}
