using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Registry;

/// <summary>
/// The edits offline driver injection makes (shared/injection-facts.md §4.2-4.4), built as one plan on
/// SYSTEM and SOFTWARE hives shaped like Windows', applied, saved and read back by hivex value for value.
/// </summary>
public class InjectionEditsTests
{
    private const string ScsiAdapterClass = "{4D36E97B-E325-11CE-BFC1-08002BE10318}";
    private const string Label = "guestor.inf_amd64_0000000000000000";
    private static readonly string[] PciIds = { "VEN_1AF4&DEV_1001&REV_00", "VEN_1AF4&DEV_1042&REV_01" };

    private static readonly byte[] PackageVersion = new byte[] { 0x00, 0xff, 0x09, 0x00, 0, 0, 0, 0, 0x7b, 0xe9, 0x36, 0x4d, 0x25, 0xe3, 0xce, 0x11, 0xbf, 0xc1, 0x08, 0x00, 0x2b, 0xe1, 0x03, 0x18 }
        .Concat(new byte[24]).ToArray();

    [Fact]
    public void The_current_control_set_comes_from_Select_Current()
    {
        var system = RegistryTestHives.Empty().With(plan => plan.SetDWord("Select", "Current", 2).CreateKey("ControlSet002"));
        Assert.Equal("ControlSet002", SystemHive.CurrentControlSet(system));
        Assert.False(SystemHive.HasDriverDatabase(system));
        Assert.Null(SystemHive.CurrentControlSet(RegistryTestHives.Empty()));

        var dangling = RegistryTestHives.Empty().With(plan => plan.SetDWord("Select", "Current", 3));
        Assert.Equal("HiveValueMismatch", Assert.Throws<ImageOpsException>(() => SystemHive.CurrentControlSet(dangling)).ErrorId);
        var wrongType = RegistryTestHives.Empty().With(plan => plan.SetString("Select", "Current", "1"));
        Assert.Equal("HiveValueMismatch", Assert.Throws<ImageOpsException>(() => SystemHive.CurrentControlSet(wrongType)).ErrorId);
    }

    [SkippableFact]
    public void Windows_8_and_later_boot_stub_lands_value_for_value_in_the_driver_database()
    {
        External.Tool("hivexregedit");
        using var folder = new TempFolder("regf-inject");
        var path = folder.Combine("SYSTEM");
        WindowsLikeSystem(driverDatabase: true).Save(path);

        var system = RegistryHive.OpenFile(path);
        var ccs = SystemHive.CurrentControlSet(system)!;
        Assert.True(SystemHive.HasDriverDatabase(system));
        var plan = new RegistryEditPlan();
        var expected = new Dictionary<string, RegValues>(StringComparer.Ordinal);
        void Expect(string key, string name, RegistryValueType type, byte[] data)
        {
            var path2 = "\\" + key;
            if (!expected.TryGetValue(path2, out var values))
            {
                expected[path2] = values = new RegValues();
            }

            values[name] = ((uint)type, data);
        }

        AddService(plan, ccs, "viostor", Expect);
        plan.SetMultiString(@"DriverDatabase\DriverInfFiles\guestor.inf", string.Empty, new[] { Label })
            .SetString(@"DriverDatabase\DriverInfFiles\guestor.inf", "Active", Label)
            .SetMultiString(@"DriverDatabase\DriverInfFiles\guestor.inf", "Configurations", new[] { "guestor_conf" })
            .SetBinary($@"DriverDatabase\DriverPackages\{Label}", "Version", PackageVersion)
            .SetDWord($@"DriverDatabase\DriverPackages\{Label}\Configurations\guestor_conf", "ConfigFlags", 0)
            .SetString($@"DriverDatabase\DriverPackages\{Label}\Configurations\guestor_conf", "Service", "viostor");
        Expect(@"DriverDatabase\DriverInfFiles\guestor.inf", string.Empty, RegistryValueType.MultiString, RegistryData.MultiString(new[] { Label }));
        Expect(@"DriverDatabase\DriverInfFiles\guestor.inf", "Active", RegistryValueType.String, RegistryData.String(Label));
        Expect(@"DriverDatabase\DriverInfFiles\guestor.inf", "Configurations", RegistryValueType.MultiString, RegistryData.MultiString(new[] { "guestor_conf" }));
        Expect($@"DriverDatabase\DriverPackages\{Label}", "Version", RegistryValueType.Binary, PackageVersion);
        Expect($@"DriverDatabase\DriverPackages\{Label}\Configurations\guestor_conf", "ConfigFlags", RegistryValueType.DWord, RegistryData.DWord(0));
        Expect($@"DriverDatabase\DriverPackages\{Label}\Configurations\guestor_conf", "Service", RegistryValueType.String, RegistryData.String("viostor"));
        foreach (var id in PciIds)
        {
            plan.SetBinary($@"DriverDatabase\DeviceIds\PCI\{id}", "guestor.inf", new byte[] { 0x01, 0xff, 0x00, 0x00 })
                .SetString($@"DriverDatabase\DriverPackages\{Label}\Descriptors\PCI\{id}", "Configuration", "guestor_conf");
            Expect($@"DriverDatabase\DeviceIds\PCI\{id}", "guestor.inf", RegistryValueType.Binary, new byte[] { 0x01, 0xff, 0x00, 0x00 });
            Expect($@"DriverDatabase\DriverPackages\{Label}\Descriptors\PCI\{id}", "Configuration", RegistryValueType.String, RegistryData.String("guestor_conf"));
        }

        // §4.3: disable the Parallels storage filter where present, keep the rest of LowerFilters.
        var filters = system.OpenKey($@"{ccs}\Control\Class\{{4d36e967-e325-11ce-bfc1-08002be10318}}").GetValue("LowerFilters")!;
        plan.SetMultiString(filters.Key.Path, "LowerFilters", filters.GetMultiString().Where(f => f != "prl_strg"));
        Expect(filters.Key.Path, "LowerFilters", RegistryValueType.MultiString, RegistryData.MultiString(new[] { "partmgr" }));
        plan.SetDWord($@"{ccs}\Services\rhelscsi", "Start", 4);
        Expect($@"{ccs}\Services\rhelscsi", "Start", RegistryValueType.DWord, RegistryData.DWord(4));

        var results = system.Apply(plan);
        Assert.Equal(RegistryEditOutcome.Changed, results.Single(r => r.Edit.ValueName == "LowerFilters").Outcome);
        Assert.Equal(RegistryEditOutcome.Changed, results.Single(r => r.Edit.KeyPath.EndsWith("rhelscsi", StringComparison.Ordinal)).Outcome);
        Assert.All(results.Where(r => r.Edit.KeyPath.Contains("DriverPackages", StringComparison.Ordinal)), r => Assert.Equal(RegistryEditOutcome.Created, r.Outcome));
        system.Save(path, new RegistryHiveSaveOptions { KeepBackup = true });

        var exported = Hivex.Export(path);
        foreach (var (key, values) in expected)
        {
            Assert.True(exported.ContainsKey(key), "hivex does not see " + key);
            foreach (var (name, (type, data)) in values)
            {
                Assert.True(exported[key].TryGetValue(name, out var seen), $"hivex does not see {key} [{name}]");
                Assert.Equal(type, seen.Type);
                Assert.Equal(data, seen.Data);
            }
        }

        // Everything else is as it was.
        var untouched = Hivex.Export(path + ".bak");
        foreach (var (key, values) in untouched.Where(k => !expected.ContainsKey(k.Key)))
        {
            Hivex.AssertSame(new Dictionary<string, RegValues> { [key] = values }, new Dictionary<string, RegValues> { [key] = exported[key] });
        }

        RegistryTestHives.AssertConsistent(RegistryHive.OpenFile(path));
        Assert.Equal("0", Hivex.Get(path, $@"\{ccs}\Services\viostor", "Start"));
        Assert.Equal(@"system32\drivers\viostor.sys", Hivex.Get(path, $@"\{ccs}\Services\viostor", "ImagePath"));
    }

    [SkippableFact]
    public void Pre_Windows_8_boot_stub_lands_in_the_critical_device_database()
    {
        External.Tool("hivexregedit");
        using var folder = new TempFolder("regf-inject-cdd");
        var path = folder.Combine("SYSTEM");
        WindowsLikeSystem(driverDatabase: false).Save(path);
        var system = RegistryHive.OpenFile(path);
        var ccs = SystemHive.CurrentControlSet(system)!;
        Assert.False(SystemHive.HasDriverDatabase(system));

        var plan = new RegistryEditPlan();
        AddService(plan, ccs, "viostor", (_, _, _, _) => { });
        foreach (var id in PciIds)
        {
            plan.SetString($@"{ccs}\Control\CriticalDeviceDatabase\PCI#{id}", "Service", "viostor")
                .SetString($@"{ccs}\Control\CriticalDeviceDatabase\PCI#{id}", "ClassGUID", ScsiAdapterClass);
        }

        system.Apply(plan);
        system.Save(path);
        var exported = Hivex.Export(path);
        foreach (var id in PciIds)
        {
            var values = exported[$@"\{ccs}\Control\CriticalDeviceDatabase\PCI#{id}"];
            Assert.Equal((uint)RegistryValueType.String, values["Service"].Type);
            Assert.Equal(RegistryData.String("viostor"), values["Service"].Data);
            Assert.Equal(RegistryData.String(ScsiAdapterClass), values["ClassGUID"].Data);
        }
    }

    [SkippableFact]
    public void DevicePath_is_appended_to_keeping_its_type()
    {
        External.Tool("hivexget");
        using var folder = new TempFolder("regf-devicepath");
        var path = folder.Combine("SOFTWARE");
        const string Version = @"Microsoft\Windows\CurrentVersion";
        RegistryTestHives.Empty().With(plan => plan
            .SetExpandString(Version, "DevicePath", @"%SystemRoot%\inf")
            .SetString(@"Microsoft\Windows NT\CurrentVersion", "ProductName", "Windows 10 Pro")).Save(path);

        var software = RegistryHive.OpenFile(path);
        var devicePath = software.OpenKey(Version).GetValue("DevicePath")!;
        const string Staging = @"%SystemRoot%\Drivers\VirtIO";
        Assert.DoesNotContain(Staging, devicePath.GetString(), StringComparison.OrdinalIgnoreCase);
        var results = software.Apply(new RegistryEditPlan().SetValue(Version, "DevicePath", devicePath.Type, RegistryData.String(devicePath.GetString() + ";" + Staging)));
        Assert.Equal(RegistryEditOutcome.Changed, results[0].Outcome);
        software.Save(path);

        Assert.Equal(@"%SystemRoot%\inf;%SystemRoot%\Drivers\VirtIO", Hivex.Get(path, @"\Microsoft\Windows\CurrentVersion", "DevicePath"));
        var reread = RegistryHive.OpenFile(path).OpenKey(Version).GetValue("DevicePath")!;
        Assert.Equal(RegistryValueType.ExpandString, reread.Type);
        Assert.Equal(RegistryData.String(@"%SystemRoot%\inf;%SystemRoot%\Drivers\VirtIO"), reread.GetData());
    }

    private static void AddService(RegistryEditPlan plan, string ccs, string driver, Action<string, string, RegistryValueType, byte[]> expect)
    {
        var key = $@"{ccs}\Services\{driver}";
        plan.SetDWord(key, "Type", 1).SetDWord(key, "Start", 0).SetString(key, "Group", "SCSI miniport").SetDWord(key, "ErrorControl", 1)
            .SetExpandString(key, "ImagePath", $@"system32\drivers\{driver}.sys");
        expect(key, "Type", RegistryValueType.DWord, RegistryData.DWord(1));
        expect(key, "Start", RegistryValueType.DWord, RegistryData.DWord(0));
        expect(key, "Group", RegistryValueType.String, RegistryData.String("SCSI miniport"));
        expect(key, "ErrorControl", RegistryValueType.DWord, RegistryData.DWord(1));
        expect(key, "ImagePath", RegistryValueType.ExpandString, RegistryData.String($@"system32\drivers\{driver}.sys"));
    }

    /// <summary>A SYSTEM hive shaped like Windows': Select, two control sets, services, classes, and (Windows 8+) a driver database.</summary>
    private static RegistryHive WindowsLikeSystem(bool driverDatabase)
    {
        var hive = RegistryHive.Create(new RegistryHiveCreateOptions { RootName = "CMI-CreateHive{2A7FB991-7BBE-4F9D-B91E-7CB51D4737F5}", FileName = @"\SystemRoot\System32\Config\SYSTEM", Clock = () => RegistryTestHives.Now });
        return hive.With(plan =>
        {
            plan.SetDWord("Select", "Current", 1).SetDWord("Select", "Default", 1).SetDWord("Select", "LastKnownGood", 2).SetDWord("Select", "Failed", 0);
            foreach (var set in new[] { "ControlSet001", "ControlSet002" })
            {
                foreach (var service in new[] { "ACPI", "disk", "storahci", "stornvme", "rhelscsi", "Tcpip", "volmgr" })
                {
                    plan.SetDWord($@"{set}\Services\{service}", "Start", 3).SetExpandString($@"{set}\Services\{service}", "ImagePath", $@"System32\drivers\{service}.sys");
                }

                plan.SetMultiString($@"{set}\Control\Class\{{4d36e967-e325-11ce-bfc1-08002be10318}}", "LowerFilters", new[] { "partmgr", "prl_strg" })
                    .SetString($@"{set}\Control\Class\{{4d36e97b-e325-11ce-bfc1-08002be10318}}", "Class", "SCSIAdapter")
                    .SetDWord($@"{set}\Control\CrashControl", "AutoReboot", 1);
            }

            if (driverDatabase)
            {
                plan.SetBinary(@"DriverDatabase\DeviceIds\PCI\VEN_8086&DEV_2922", "ahci.inf", new byte[] { 0x01, 0xff, 0x00, 0x00 })
                    .SetMultiString(@"DriverDatabase\DriverInfFiles\ahci.inf", string.Empty, new[] { "ahci.inf_amd64_1234567890abcdef" })
                    .SetString(@"DriverDatabase\DriverPackages\ahci.inf_amd64_1234567890abcdef", "Provider", "Microsoft");
            }
            else
            {
                plan.SetString(@"ControlSet001\Control\CriticalDeviceDatabase\pci#ven_8086&dev_2922", "Service", "msahci");
            }
        });
    }
}
