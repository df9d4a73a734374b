using System;
using System.Linq;
using ImageOps.Engine.Inventory;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;

namespace ImageOps.Engine.Tests.Inventory;

/// <summary>The diff rules on inventories built by hand: matching, ordering of versions, what is and is not a change.</summary>
public sealed class InventoryComparerTests
{
    private static readonly Guid Net = new("4d36e972-e325-11ce-bfc1-08002be10318");

    private static InstalledDriver Driver(string original, string published, string provider, string version, DateTime date, string className = "Net", params string[] ids) => new()
    {
        OriginalName = original,
        PublishedName = published,
        Provider = provider,
        Version = version,
        Date = date,
        ClassName = className,
        ClassGuid = className == "Net" ? Net : null,
        Origin = published.StartsWith("oem", StringComparison.Ordinal) ? DriverOrigin.ThirdParty : DriverOrigin.Inbox,
        HardwareIds = ids,
    };

    private static ImageInventory Image(string path, string build = "26100.2314", int ubr = 2314, params InstalledDriver[] drivers) => new()
    {
        Path = path,
        BootMode = BootMode.Uefi,
        Disk = new InventoryDisk
        {
            Format = DiskFormat.Vhdx,
            CapacityBytes = 64L << 30,
            PartitionScheme = PartitionScheme.Gpt,
            Partitions = new[]
            {
                new InventoryPartition { Number = 1, Kind = PartitionKind.EfiSystem, SizeBytes = 100L << 20, FileSystem = "FAT32" },
                new InventoryPartition { Number = 3, Kind = PartitionKind.BasicData, SizeBytes = 60L << 30, FileSystem = "NTFS", Label = "Windows", HoldsWindows = true },
            },
        },
        Installations = new[]
        {
            new WindowsInstallation
            {
                PartitionNumber = 3,
                ProductName = "Windows 10 Enterprise",
                EditionId = "Enterprise",
                DisplayVersion = "24H2",
                ReleaseId = "2009",
                Version = "10.0",
                BuildNumber = 26100,
                Ubr = ubr,
                Build = build,
                InstallationType = "Client",
                Architecture = WindowsArchitecture.Amd64,
                Drivers = drivers,
            },
        },
    };

    [Fact]
    public void An_inventory_equals_itself()
    {
        var a = Image("a", drivers: Driver("netkvm.inf", "oem0.inf", "Red Hat, Inc.", "1.0.0.0", new DateTime(2024, 1, 1)));
        var result = InventoryComparer.Compare(a, a);
        Assert.True(result.Identical);
        Assert.Empty(result.Changes);
        Assert.Equal("No changes.", result.Summary);
    }

    [Fact]
    public void The_monthly_update_shows_the_build_and_each_driver_added_removed_and_updated()
    {
        var a = Image("a", "26100.2314", 2314,
            Driver("netkvm.inf", "oem0.inf", "Red Hat, Inc.", "100.95.104.26200", new DateTime(2024, 8, 12)),
            Driver("e1d68x64.inf", "oem1.inf", "Intel", "12.19.2.45", new DateTime(2023, 11, 2)),
            Driver("storahci.inf", "storahci.inf", "Microsoft", "10.0.26100.1", new DateTime(2006, 6, 21), "SCSIAdapter"));
        var b = Image("b", "26100.2605", 2605,
            Driver("netkvm.inf", "oem3.inf", "Red Hat, Inc.", "100.95.104.26500", new DateTime(2024, 10, 1)),
            Driver("vioscsi.inf", "oem2.inf", "Red Hat, Inc.", "100.95.104.26500", new DateTime(2024, 9, 20), "SCSIAdapter"),
            Driver("storahci.inf", "storahci.inf", "Microsoft", "10.0.26100.1", new DateTime(2006, 6, 21), "SCSIAdapter"));

        var result = InventoryComparer.Compare(a, b);
        Assert.False(result.Identical);
        Assert.Equal((1, 1, 1), (result.DriversAdded, result.DriversRemoved, result.DriversChanged));
        Assert.Equal("Build 26100.2314 -> 26100.2605; drivers: 1 added, 1 removed, 1 changed.", result.Summary);

        var build = Assert.Single(result.Changes, c => c.Category == InventoryChangeCategory.Windows);
        Assert.Equal((ChangeKind.Updated, "Build", "26100.2314", "26100.2605", 3), (build.Change, build.Subject, build.ReferenceValue, build.DifferenceValue, build.PartitionNumber!.Value));

        var drivers = result.Changes.Where(c => c.Category == InventoryChangeCategory.Driver).ToList();
        Assert.Equal(new[] { ("e1d68x64.inf", ChangeKind.Removed), ("netkvm.inf", ChangeKind.Updated), ("vioscsi.inf", ChangeKind.Added) }, drivers.Select(c => (c.Subject, c.Change)));
        var netkvm = drivers[1];
        Assert.Equal("Version, Date", netkvm.Property);
        Assert.Equal("100.95.104.26200, 2024-08-12", netkvm.ReferenceValue);
        Assert.Equal("100.95.104.26500, 2024-10-01", netkvm.DifferenceValue);
        Assert.Equal(("oem0.inf", "oem3.inf"), (netkvm.ReferenceDriver!.PublishedName, netkvm.DifferenceDriver!.PublishedName));
        Assert.Contains("Intel", drivers[0].ReferenceValue);
        Assert.Null(drivers[2].ReferenceDriver);
    }

    [Fact]
    public void Renumbered_published_names_are_not_a_change()
    {
        var a = Image("a", drivers: Driver("netkvm.inf", "oem0.inf", "Red Hat, Inc.", "1.0.0.0", new DateTime(2024, 1, 1)));
        var b = Image("b", drivers: Driver("netkvm.inf", "oem7.inf", "Red Hat, Inc.", "1.0.0.0", new DateTime(2024, 1, 1)));
        Assert.True(InventoryComparer.Compare(a, b).Identical);
    }

    [Fact]
    public void An_older_version_is_a_downgrade_and_a_later_date_of_the_same_version_an_update()
    {
        var a = Image("a", drivers: new[]
        {
            Driver("a.inf", "oem0.inf", "X", "2.0.0.0", new DateTime(2024, 1, 1)),
            Driver("b.inf", "oem1.inf", "X", "1.0.0.0", new DateTime(2024, 1, 1)),
            Driver("c.inf", "oem2.inf", "X", "1.0.0.0", new DateTime(2024, 1, 1), "Net", "PCI\\A"),
        });
        var b = Image("b", drivers: new[]
        {
            Driver("a.inf", "oem0.inf", "X", "1.9.0.0", new DateTime(2024, 2, 1)),
            Driver("b.inf", "oem1.inf", "X", "1.0.0.0", new DateTime(2024, 3, 1)),
            Driver("c.inf", "oem2.inf", "X", "1.0.0.0", new DateTime(2024, 1, 1), "Net", "PCI\\A", "PCI\\B"),
        });
        var changes = InventoryComparer.Compare(a, b).Changes;
        Assert.Equal(new[] { ChangeKind.Downgraded, ChangeKind.Updated, ChangeKind.Changed }, changes.Select(c => c.Change));
        Assert.Equal("HardwareIds", changes[2].Property);
        Assert.Equal("2 IDs (+1 -0)", changes[2].DifferenceValue);
    }

    [Fact]
    public void A_new_provider_for_the_same_inf_is_a_change_not_a_removal_and_an_addition()
    {
        var a = Image("a", drivers: Driver("display.inf", "oem0.inf", "Old Corp", "1.0.0.0", new DateTime(2024, 1, 1), "Display"));
        var b = Image("b", drivers: Driver("display.inf", "oem0.inf", "New Corp", "1.0.0.0", new DateTime(2024, 1, 1), "Display"));
        var change = Assert.Single(InventoryComparer.Compare(a, b).Changes);
        Assert.Equal((ChangeKind.Changed, "Provider", "Old Corp", "New Corp"), (change.Change, change.Property, change.ReferenceValue, change.DifferenceValue));
    }

    [Fact]
    public void Two_versions_of_one_inf_pair_unchanged_with_unchanged_and_the_rest_in_version_order()
    {
        var a = Image("a", drivers: new[]
        {
            Driver("net.inf", "oem0.inf", "X", "1.0.0.0", new DateTime(2024, 1, 1)),
            Driver("net.inf", "oem1.inf", "X", "2.0.0.0", new DateTime(2024, 2, 1)),
        });
        var b = Image("b", drivers: new[]
        {
            Driver("net.inf", "oem4.inf", "X", "3.0.0.0", new DateTime(2024, 3, 1)),
            Driver("net.inf", "oem5.inf", "X", "2.0.0.0", new DateTime(2024, 2, 1)),
        });
        var change = Assert.Single(InventoryComparer.Compare(a, b).Changes);
        Assert.Equal((ChangeKind.Updated, "1.0.0.0, 2024-01-01", "3.0.0.0, 2024-03-01"), (change.Change, change.ReferenceValue, change.DifferenceValue));
    }

    [Fact]
    public void Edition_display_version_partitions_disk_and_boot_mode_changes_are_reported()
    {
        var a = Image("a");
        var b = Image("b");
        b.Installations[0].EditionId = "Professional";
        b.Installations[0].DisplayVersion = "25H2";
        b.Disk.Format = DiskFormat.Qcow2;
        b.Disk.CapacityBytes = 128L << 30;
        b.Disk.Partitions[1].SizeBytes = 120L << 30;
        b.Disk.Partitions = b.Disk.Partitions.Append(new InventoryPartition { Number = 4, Kind = PartitionKind.WindowsRecovery, SizeBytes = 1L << 30 }).ToArray();
        b.BootMode = BootMode.Bios;

        var changes = InventoryComparer.Compare(a, b).Changes;
        Assert.Contains(changes, c => c.Category == InventoryChangeCategory.Disk && c.Property == "Format" && c.DifferenceValue == "Qcow2");
        Assert.Contains(changes, c => c.Category == InventoryChangeCategory.Disk && c.Property == "CapacityBytes" && c.DifferenceValue!.Contains("128.0 GiB"));
        Assert.Contains(changes, c => c.Category == InventoryChangeCategory.Partition && c.Subject == "#3" && c.Property == "SizeBytes");
        Assert.Contains(changes, c => c.Category == InventoryChangeCategory.Partition && c.Subject == "#4" && c.Change == ChangeKind.Added);
        Assert.Contains(changes, c => c.Category == InventoryChangeCategory.BootMode && c.Change == ChangeKind.Changed);
        Assert.Contains(changes, c => c.Subject == "EditionId" && c.Change == ChangeKind.Changed && c.DifferenceValue == "Professional");
        Assert.Contains(changes, c => c.Subject == "DisplayVersion" && c.Change == ChangeKind.Updated);
        Assert.DoesNotContain(changes, c => c.Subject == "ReleaseId");
    }

    [Fact]
    public void An_installation_on_another_partition_still_pairs_when_each_image_has_one()
    {
        var a = Image("a");
        var b = Image("b");
        b.Installations[0].PartitionNumber = 2;
        Assert.DoesNotContain(InventoryComparer.Compare(a, b).Changes, c => c.Category == InventoryChangeCategory.Windows);

        b = Image("b");
        b.Installations = b.Installations.Append(new WindowsInstallation { PartitionNumber = 5, ProductName = "Windows 10 Pro", Build = "19045.1" }).ToArray();
        var added = Assert.Single(InventoryComparer.Compare(a, b).Changes, c => c.Category == InventoryChangeCategory.Windows);
        Assert.Equal((ChangeKind.Added, "Windows on partition 5"), (added.Change, added.Subject));
    }

    [Fact]
    public void A_lower_build_is_a_downgrade()
    {
        var change = Assert.Single(InventoryComparer.Compare(Image("a", "26100.2605", 2605), Image("b", "26100.2314", 2314)).Changes);
        Assert.Equal(ChangeKind.Downgraded, change.Change);
    }
}
