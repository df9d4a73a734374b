using System;
using System.IO;
using System.Linq;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;
using ImageOps.Formats.Inf;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Drivers;

/// <summary>
/// Profiles and resolution, on the field failures users of OSD, ConfigMgr and MDT report
/// (injection-facts.md): a model missing from the rules, the wrong pack chosen, a pack's storage driver
/// breaking boot, and a curated folder that must win over the OEM pack.
/// </summary>
public sealed class DriverResolutionTests : IDisposable
{
    internal const string Nic = "PCI\\VEN_8086&DEV_15F3&SUBSYS_0C6F1028";
    internal const string Storage = "PCI\\VEN_8086&DEV_A0D3&SUBSYS_0C6F1028";
    internal const string Audio = "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_10280C6F";
    internal const string Sensor = "ACPI\\INT3472";

    private static readonly HardwareModel Latitude = new("Dell Inc.", "Latitude 7440", "0C6F", "0XW4R1");
    private static readonly DriverPlatform Win11 = new(InfArchitecture.Amd64, new Version(10, 0, 22631));

    private readonly TempFolder _dir = new("resolve");
    private readonly ImageLibrary _library;
    private int _n;

    public DriverResolutionTests()
    {
        _library = ImageLibrary.Open(_dir.Combine("library"));
    }

    public void Dispose() => _dir.Dispose();

    private DriverLibrary Drivers => _library.Drivers;

    private string Add(TestInf inf, params string[] groups)
    {
        var item = Assert.Single(Drivers.Packages.Add(new DriverImportRequest { Path = inf.WriteTo(_dir.Combine("p" + _n++)), Groups = groups }).Items);
        Assert.True(item.Status == DriverImportStatus.Added, item.Error?.Message);
        return item.Package!.Id;
    }

    private static TestInf Inf(string name, string date, string cls = "Net", string guid = TestInf.NetClassGuid, int start = 3)
        => new() { Name = name + ".inf", CatalogFile = name + ".cat", DriverVer = date + ",1.0.0.0", Class = cls, ClassGuid = guid, StartType = start, Service = name };

    /// <summary>The Dell pack (NIC, storage, audio, and a chipset INF that also lists the NIC), a curated NIC, and profiles.</summary>
    private (string OemNic, string OemStorage, string OemAudio, string OemChipset, string CuratedNic) Scenario(bool chipsetAlsoDrivesNic = false)
    {
        var oemNic = Add(Inf("e1d_oem", "06/01/2024").Model("NTamd64", Nic), "Dell-7440");
        var oemStorage = Add(Inf("iastor_oem", "06/01/2024", "SCSIAdapter", TestInf.ScsiClassGuid, start: 0).Model("NTamd64", Storage), "Dell-7440");
        var oemAudio = Add(Inf("rtk_oem", "06/01/2024", "MEDIA", "{4d36e96c-e325-11ce-bfc1-08002be10318}").Model("NTamd64", Audio), "Dell-7440");
        var chipset = Inf("chipset_oem", "07/01/2024", "System", "{4d36e97d-e325-11ce-bfc1-08002be10318}").Model("NTamd64", Sensor);
        if (chipsetAlsoDrivesNic)
        {
            chipset.Model("NTamd64", Nic);
        }

        var oemChipset = Add(chipset, "Dell-7440");
        var curatedNic = Add(Inf("e1d_curated", "01/01/2023").Model("NTamd64", Nic), "Curated");
        Drivers.Profiles.Create("Latitude 7440", new DriverProfileRules
        {
            Manufacturer = "Dell*",
            Model = "Latitude 7440",
            Groups = { "Dell-7440" },
            CuratedGroups = { "Curated" },
            ExcludeClasses = { "SCSIAdapter" },
            ExcludeClassesFromGroups = { "Dell-7440" },
        });
        return (oemNic, oemStorage, oemAudio, oemChipset, curatedNic);
    }

    private DriverSet Resolve(HardwareModel model, params DeviceIdentity[] devices)
        => Drivers.Resolve(new DriverSetRequest { Model = model, Platform = Win11, Devices = devices.Length == 0 ? null : devices });

    [Fact]
    public void A_model_no_profile_covers_is_reported_as_not_covered()
    {
        Scenario();
        var set = Resolve(new HardwareModel("HP", "EliteBook 840 G10"));
        Assert.Equal(DriverSetStatus.NoProfile, set.Status);
        Assert.Empty(set.Packages);
        Assert.Contains("No driver profile applies", set.Summary);
    }

    [Fact]
    public void The_curated_driver_wins_over_a_newer_oem_one_and_the_pack_s_storage_driver_is_excluded()
    {
        var ids = Scenario();
        var set = Resolve(Latitude);
        Assert.Equal(DriverSetStatus.Resolved, set.Status);
        Assert.Equal(new[] { "Latitude 7440" }, set.Profiles);
        Assert.Equal(new[] { ids.OemChipset, ids.CuratedNic, ids.OemAudio }.OrderBy(i => i), set.Packages.Select(p => p.PackageId).OrderBy(i => i));

        var curated = set.Packages.Single(p => p.PackageId == ids.CuratedNic);
        Assert.Equal(DriverSourceTier.Curated, curated.Tier);
        Assert.Contains("curated group 'Curated'", curated.Source);
        Assert.Equal(new[] { Nic }, curated.ChosenFor);

        var storage = set.Excluded.Single(e => e.PackageId == ids.OemStorage);
        Assert.Equal("excluded by profile 'Latitude 7440': class SCSIAdapter is excluded from group 'Dell-7440'", storage.Reason);
        var oemNic = set.Excluded.Single(e => e.PackageId == ids.OemNic);
        Assert.Contains("another package is chosen for every hardware id it lists", oemNic.Reason);
        Assert.Contains("e1d_curated.inf", oemNic.Reason);

        // What an injection step needs: ids and the store paths of every file.
        Assert.All(set.Packages, p => Assert.True(File.Exists(p.InfStorePath)));
        Assert.All(set.Packages.SelectMany(p => p.Files), f => Assert.True(File.Exists(f.StorePath)));
        Assert.Empty(set.Warnings);
    }

    [Fact]
    public void With_devices_the_set_is_exactly_what_they_need_and_windows_own_pick_is_checked()
    {
        var ids = Scenario(chipsetAlsoDrivesNic: true);
        var devices = new[]
        {
            new DeviceIdentity(new[] { Nic, "PCI\\VEN_8086&DEV_15F3" }, new[] { "PCI\\CC_020000" }, "Intel Ethernet", setupClass: "Net"),
            new DeviceIdentity(new[] { Storage }, null, "Intel RST VMD", setupClass: "SCSIAdapter"),
            new DeviceIdentity(new[] { Audio }, null, "Realtek Audio", setupClass: "MEDIA"),
            new DeviceIdentity(new[] { Sensor }, null, "Camera sensor", setupClass: "System"),
            new DeviceIdentity(new[] { "USB\\VID_0BDA&PID_5520" }, null, "Webcam", setupClass: "Camera"),
        };
        var set = Resolve(Latitude, devices);

        Assert.Equal(new[] { ids.OemChipset, ids.CuratedNic, ids.OemAudio }.OrderBy(i => i), set.Packages.Select(p => p.PackageId).OrderBy(i => i));
        var nic = set.Devices[0];
        Assert.Equal(DeviceCoverage.Covered, nic.Coverage);
        Assert.Equal(ids.CuratedNic, nic.PackageId);
        Assert.Equal(DriverSourceTier.Curated, nic.Tier);
        Assert.Contains("wins over Windows' own pick chipset_oem.inf", nic.Reason);

        // The chipset INF is injected for the sensor, and Windows ranks its newer NIC entry above the curated one.
        Assert.True(nic.DiffersFromCurated);
        Assert.Equal(ids.OemChipset, nic.WindowsChoiceId);
        Assert.Contains(set.Warnings, w => w.Contains("Windows would rank chipset_oem.inf"));

        Assert.Equal(DeviceCoverage.NoDriver, set.Devices[1].Coverage);
        Assert.Equal(DeviceCoverage.NoDriver, set.Devices[4].Coverage);
        Assert.Equal("No package in the library lists any of the device's ids.", set.Devices[4].Reason);
        Assert.Contains(set.Excluded, e => e.PackageId == ids.OemNic && e.Reason.Contains("not chosen for any of the model's 5 device(s)"));
    }

    [Fact]
    public void An_explicit_nothing_gives_no_drivers_and_stops_lower_profiles()
    {
        Scenario();
        Drivers.Profiles.Create("Baseline", new DriverProfileRules { CuratedGroups = { "Curated" } });
        Drivers.Profiles.Create("VMs", new DriverProfileRules { Manufacturer = "VMware*", NoDrivers = true });

        var vm = Resolve(new HardwareModel("VMware, Inc.", "VMware20,1"), new DeviceIdentity(new[] { Nic }, null, "vmxnet", setupClass: "Net"));
        Assert.Equal(DriverSetStatus.NoDrivers, vm.Status);
        Assert.Equal("VMs", vm.StoppedBy);
        Assert.Equal(new[] { "VMs" }, vm.Profiles);
        Assert.Empty(vm.Packages);
        Assert.Equal(DeviceCoverage.NotRequested, vm.Devices[0].Coverage);

        // Without the VMs profile the baseline would have applied.
        var other = Resolve(new HardwareModel("Lenovo", "ThinkPad T14"));
        Assert.Equal(new[] { "Baseline" }, other.Profiles);
        Assert.Single(other.Packages);
    }

    [Fact]
    public void Precedence_is_priority_then_specificity_and_exclusions_of_every_walked_profile_apply()
    {
        var ids = Scenario();
        Drivers.Profiles.Create("Baseline", new DriverProfileRules { Groups = { "Dell-7440" }, Priority = 0 });
        Drivers.Profiles.Create("No audio anywhere", new DriverProfileRules { ExcludeHardwareIds = { "HDAUDIO\\*" }, Priority = 10 });
        var set = Resolve(Latitude);
        Assert.Equal(new[] { "No audio anywhere", "Latitude 7440", "Baseline" }, set.Profiles);
        Assert.Contains(set.Excluded, e => e.PackageId == ids.OemAudio && e.Reason.Contains("matches the excluded hardware id 'HDAUDIO\\*'"));

        // The baseline brings the same pack; the model profile's class exclusion still removes its storage driver.
        Assert.DoesNotContain(set.Packages, p => p.PackageId == ids.OemStorage);
    }

    [Fact]
    public void A_storage_driver_that_is_kept_is_flagged_boot_critical()
    {
        var ids = Scenario();
        Drivers.Profiles.Update("Latitude 7440", new DriverProfileChanges { ExcludeClasses = Array.Empty<string>(), ExcludeClassesFromGroups = Array.Empty<string>() });
        var set = Resolve(Latitude);
        var storage = set.Packages.Single(p => p.PackageId == ids.OemStorage);
        Assert.True(storage.IsBootCritical);
        Assert.True(storage.IsBootStorageController);
        Assert.Equal(storage, set.Packages[0]);
    }

    [Fact]
    public void Packages_for_another_windows_version_are_left_out_with_the_reason()
    {
        Add(Inf("new_only", "01/01/2025").Model("NTamd64.10.0...26100", "PCI\\VEN_9999&DEV_0001"), "Next");
        Drivers.Profiles.Create("All", new DriverProfileRules { Groups = { "Next", "Missing-Group" }, PackageIds = { "ffffffffffffffff" } });
        var set = Resolve(Latitude);
        var excluded = Assert.Single(set.Excluded);
        Assert.Contains("no models section applies to amd64 10.0.22631", excluded.Reason);
        Assert.Contains("build 26100", excluded.Reason);
        Assert.Contains(set.Warnings, w => w.Contains("'Missing-Group', which no package"));
        Assert.Contains(set.Warnings, w => w.Contains("ffffffffffffffff, which is not in the library"));
    }
}
