using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using ImageOps.Engine.Disks;
using ImageOps.Engine.Injection;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Injection;

/// <summary>
/// Issue 6 item 5: injection into every format and into chains, checked with independent tools —
/// files by ImageOps' NTFS reader and by ntfs-3g's ntfscat/ntfsls, every registry value by hivex,
/// the layer by qemu-img check — and the image's SHA-256 unchanged.
/// </summary>
[Collection(InjectionCollection.Name)]
public sealed class InjectionVerificationTests
{
    private const string Label = "imageops_viostor.inf_amd64_0000000000000000";
    private const string Configuration = "imageops_viostor_conf";
    private static readonly string[] PciIds = { @"PCI\VEN_1AF4&DEV_1001&REV_00", @"PCI\VEN_1AF4&DEV_1042&REV_01" };

    private readonly InjectionFixture _fixture;

    public InjectionVerificationTests(InjectionFixture fixture) => _fixture = fixture;

    public static TheoryData<DiskFormat> Formats => new() { DiskFormat.Raw, DiskFormat.Vhd, DiskFormat.Vhdx, DiskFormat.Qcow2, DiskFormat.Vmdk };

    [SkippableTheory]
    [MemberData(nameof(Formats))]
    public void Injects_into_every_format_and_independent_tools_read_it_back(DiskFormat format)
    {
        var folder = _fixture.NewFolder("fmt-" + format);
        var image = _fixture.CopyImage(_fixture.Images[format], folder);
        var before = InjectionFixture.Sha256(image);
        var expectedFormat = format == DiskFormat.Raw ? DiskFormat.Qcow2 : format;
        var destination = Path.Combine(folder, "result." + expectedFormat.ToString().ToLowerInvariant());

        var result = new DriverInjectionService().Add(new DriverInjectionRequest { ImagePath = image, DestinationPath = destination, DriverPaths = new[] { _fixture.StorageInf, _fixture.NicInf } });

        Assert.Equal(before, InjectionFixture.Sha256(image));
        Assert.Equal(expectedFormat, result.Format);
        Assert.Equal(new[] { destination, image }, result.Chain);
        Assert.Empty(Directory.GetFiles(folder, ".*.tmp"));
        using (var disk = new DiskOpener().Open(destination))
        {
            Assert.Equal(expectedFormat, disk.Format);
            Assert.Equal(DiskVariant.Differencing, disk.Variant);
        }

        if (expectedFormat is DiskFormat.Qcow2 or DiskFormat.Vmdk)
        {
            // qemu-img check has no VHD (vpc) support and qemu opens no VHDX differencing disk; those
            // layers are checked by reading them back below (and flat VHDX copies by qemu-img).
            Assert.Equal(0, QemuImg.Check(destination, QemuName(expectedFormat)).ExitCode);
        }

        VerifyFiles(destination, result.Plan, folder);
        VerifySystemHive(destination, result.Plan, folder, driverDatabase: true);
        VerifySoftwareHive(destination, result.Plan, folder);
    }

    [SkippableFact]
    public void Injects_into_a_differencing_chain_without_touching_any_layer_of_it()
    {
        var folder = _fixture.NewFolder("chain");
        var gold = _fixture.CopyImage(_fixture.Images[DiskFormat.Vhdx], folder);
        var child = Path.Combine(folder, "desktop.vhdx");
        new DiskFileService().Create(new NewDiskRequest { Path = child, Format = DiskFormat.Vhdx, ParentPath = gold });
        var goldHash = InjectionFixture.Sha256(gold);
        var childHash = InjectionFixture.Sha256(child);

        var first = new DriverInjectionService().Add(new DriverInjectionRequest { ImagePath = child, DestinationPath = Path.Combine(folder, "storage.vhdx"), DriverPaths = new[] { _fixture.StorageInf } });
        var second = new DriverInjectionService().Add(new DriverInjectionRequest { ImagePath = first.DestinationPath, DestinationPath = Path.Combine(folder, "network.vhdx"), DriverPaths = new[] { _fixture.NicInf } });

        Assert.Equal(goldHash, InjectionFixture.Sha256(gold));
        Assert.Equal(childHash, InjectionFixture.Sha256(child));
        Assert.Equal(4, second.Chain.Length);

        // Both injections are in the manifest and the script; the first's boot stub survives the second.
        var manifest = InjectionManifest.Parse(InjectionFixture.ReadFile(second.DestinationPath, InjectionLayout.ManifestPath), "test");
        Assert.Equal(new[] { "viostor.inf", "vionet.inf" }, manifest.Packages.Select(p => p.Name));
        var script = Encoding.ASCII.GetString(InjectionFixture.ReadFile(second.DestinationPath, InjectionLayout.ScriptPath)!);
        Assert.Contains(manifest.Packages[0].Folder, script);
        Assert.Contains(manifest.Packages[1].Folder, script);
        VerifySystemHive(second.DestinationPath, first.Plan, folder, driverDatabase: true);
        var software = RegistryHive.Open(InjectionFixture.ReadFile(second.DestinationPath, WindowsPaths.SoftwareHive)!);
        Assert.Equal(@"%SystemRoot%\inf;%SystemRoot%\ImageOps\Drivers", software.OpenKey(WindowsPaths.CurrentVersion).GetValue("DevicePath")!.GetString());
    }

    [SkippableFact]
    public void Windows_7_gets_critical_device_database_entries_and_no_driver_database()
    {
        var folder = _fixture.NewFolder("win7");
        var image = _fixture.CopyImage(_fixture.Win7Raw, folder);
        var result = new DriverInjectionService().Add(new DriverInjectionRequest { ImagePath = image, DestinationPath = Path.Combine(folder, "result.qcow2"), DriverPaths = new[] { _fixture.StorageInf } });

        Assert.Equal("CriticalDeviceDatabase", result.Packages[0].BootStub!.Database);
        Assert.Equal("pnputil -i -a <inf>", result.Plan.FirstBoot!.PnputilCommand);
        var hive = Extract(result.DestinationPath, WindowsPaths.SystemHive, folder, "SYSTEM");
        var values = RegExport.Export(hive);
        foreach (var id in PciIds)
        {
            var key = @"ControlSet001\Control\CriticalDeviceDatabase\" + id.Replace('\\', '#');
            AssertString(values, key, "Service", "viostor");
            AssertString(values, key, "ClassGUID", "{4D36E97B-E325-11CE-BFC1-08002BE10318}");
        }

        AssertDword(values, @"ControlSet001\Services\viostor", "Start", 0);
        Assert.DoesNotContain(values.Keys, k => k.Key.StartsWith("DriverDatabase", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(0, QemuImg.Check(result.DestinationPath, "qcow2").ExitCode);
    }

    [SkippableFact]
    public void A_flat_copy_holds_the_drivers_and_has_no_parent()
    {
        var folder = _fixture.NewFolder("flat");
        var image = _fixture.CopyImage(_fixture.Images[DiskFormat.Qcow2], folder);
        var before = InjectionFixture.Sha256(image);
        var destination = Path.Combine(folder, "flat.vhdx");
        var result = new DriverInjectionService().Add(new DriverInjectionRequest { ImagePath = image, DestinationPath = destination, Output = InjectionOutput.Flat, FlatFormat = DiskFormat.Vhdx, DriverPaths = new[] { _fixture.StorageInf } });

        Assert.Equal(before, InjectionFixture.Sha256(image));
        Assert.Equal(new[] { destination }, result.Chain);
        using (var disk = new DiskOpener().Open(destination))
        {
            Assert.Null(disk.Parent);
            Assert.Equal(DiskFormat.Vhdx, disk.Format);
        }

        Assert.Equal(0, QemuImg.Check(destination, "vhdx").ExitCode);
        Assert.Empty(Directory.GetFiles(folder, "*.layer*"));
        Assert.Empty(Directory.GetFiles(folder, ".*.tmp"));
        VerifyFiles(destination, result.Plan, folder);
        VerifySystemHive(destination, result.Plan, folder, driverDatabase: true);
    }

    private void VerifyFiles(string image, InjectionPlan plan, string folder)
    {
        var partition = InjectionFixture.ExtractWindowsPartition(image, Path.Combine(folder, "windows-" + Guid.NewGuid().ToString("N").Substring(0, 6) + ".ntfs"), Path.GetDirectoryName(plan.ImagePath)!);
        var ntfscat = External.Tool("ntfscat");
        foreach (var file in plan.Files.Where(f => f.Action == PlannedFileAction.Write && f.Sha256 is not null))
        {
            var ours = InjectionFixture.ReadFile(image, file.Path, Path.GetDirectoryName(plan.ImagePath)!);
            Assert.NotNull(ours);
            Assert.Equal(file.Sha256, Injection.DriverPackageSourcesHash(ours!));

            var extracted = Path.Combine(folder, "cat-" + Guid.NewGuid().ToString("N"));
            var run = ProcessRunner.Run("/bin/sh", TimeSpan.FromMinutes(1), "-c", $"'{ntfscat}' '{partition}' '/{file.Path.Replace('\\', '/')}' > '{extracted}'").EnsureSuccess("ntfscat " + file.Path);
            Assert.Equal(file.Sha256, InjectionFixture.Sha256(extracted).ToLowerInvariant());
            File.Delete(extracted);
        }

        var listing = ProcessRunner.Run(External.Tool("ntfsls"), TimeSpan.FromMinutes(1), "-p", "/Windows/ImageOps/Drivers", partition).EnsureSuccess("ntfsls");
        foreach (var package in plan.Packages)
        {
            Assert.Contains(package.Folder.Substring(package.Folder.LastIndexOf('\\') + 1), listing.Out);
        }

        File.Delete(partition);
    }

    private static void VerifySystemHive(string image, InjectionPlan plan, string folder, bool driverDatabase)
    {
        var values = RegExport.Export(Extract(image, WindowsPaths.SystemHive, folder, "SYSTEM"));
        VerifyPlanned(values, plan, "SYSTEM");

        // injection-facts.md §4.2, value for value.
        var service = @"ControlSet001\Services\viostor";
        AssertDword(values, service, "Type", 1);
        AssertDword(values, service, "Start", 0);
        AssertString(values, service, "Group", "SCSI miniport");
        AssertDword(values, service, "ErrorControl", 1);
        AssertValue(Get(values, service, "ImagePath"), 2, Utf16(@"system32\drivers\viostor.sys"));
        if (driverDatabase)
        {
            Assert.Matches(new Regex(@"^[a-z0-9_.-]+\.inf_(amd64|x86|arm64)_[0-9a-f]{16}$"), Label);
            var inf = @"DriverDatabase\DriverInfFiles\imageops_viostor.inf";
            AssertValue(Get(values, inf, string.Empty), 7, Multi(Label));
            AssertString(values, inf, "Active", Label);
            AssertValue(Get(values, inf, "Configurations"), 7, Multi(Configuration));
            foreach (var id in PciIds)
            {
                AssertValue(Get(values, @"DriverDatabase\DeviceIds\" + id, "imageops_viostor.inf"), 3, new byte[] { 0x01, 0xFF, 0x00, 0x00 });
                AssertString(values, $@"DriverDatabase\DriverPackages\{Label}\Descriptors\{id}", "Configuration", Configuration);
            }

            var version = new byte[48];
            new byte[] { 0x00, 0xFF, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7B, 0xE9, 0x36, 0x4D, 0x25, 0xE3, 0xCE, 0x11, 0xBF, 0xC1, 0x08, 0x00, 0x2B, 0xE1, 0x03, 0x18 }.CopyTo(version, 0);
            AssertValue(Get(values, @"DriverDatabase\DriverPackages\" + Label, "Version"), 3, version);
            AssertDword(values, $@"DriverDatabase\DriverPackages\{Label}\Configurations\{Configuration}", "ConfigFlags", 0);
            AssertString(values, $@"DriverDatabase\DriverPackages\{Label}\Configurations\{Configuration}", "Service", "viostor");
        }

        // The first-boot service (injection-facts.md §4.5 shape; ImagePath REG_EXPAND_SZ for %SystemRoot%).
        var firstBoot = @"ControlSet001\Services\ImageOpsFirstBoot";
        AssertDword(values, firstBoot, "Type", 0x10);
        AssertDword(values, firstBoot, "Start", 2);
        AssertDword(values, firstBoot, "ErrorControl", 1);
        AssertString(values, firstBoot, "ObjectName", "LocalSystem");
        Assert.Equal(2, Get(values, firstBoot, "ImagePath").Type);
    }

    private static void VerifySoftwareHive(string image, InjectionPlan plan, string folder)
    {
        var values = RegExport.Export(Extract(image, WindowsPaths.SoftwareHive, folder, "SOFTWARE"));
        VerifyPlanned(values, plan, "SOFTWARE");
        AssertValue(Get(values, WindowsPaths.CurrentVersion, "DevicePath"), 2, Utf16(@"%SystemRoot%\inf;%SystemRoot%\ImageOps\Drivers"));
    }

    /// <summary>Every value the plan sets in <paramref name="hive"/> is there, same type and bytes.</summary>
    private static void VerifyPlanned(System.Collections.Generic.Dictionary<(string Key, string Value), (int Type, byte[] Data)> values, InjectionPlan plan, string hive)
    {
        var edits = plan.HiveEdits[hive].Edits.Where(e => e.Kind == RegistryEditKind.SetValue).ToList();
        Assert.NotEmpty(edits);
        foreach (var edit in edits)
        {
            Assert.True(values.TryGetValue((edit.KeyPath, edit.ValueName!), out var found), $"hivex does not find {hive}\\{edit.KeyPath} [{edit.ValueName}]");
            Assert.Equal((int)edit.Type, found.Type);
            Assert.Equal(edit.Data, found.Data);
        }
    }

    internal static string Extract(string image, string hivePath, string folder, string name)
    {
        var file = Path.Combine(folder, name + "-" + Guid.NewGuid().ToString("N").Substring(0, 6));
        File.WriteAllBytes(file, InjectionFixture.ReadFile(image, hivePath, folder)!);
        return file;
    }

    private static (int Type, byte[] Data) Get(System.Collections.Generic.Dictionary<(string Key, string Value), (int Type, byte[] Data)> values, string key, string name)
    {
        Assert.True(values.TryGetValue((key, name), out var value), $"hivex does not find {key} [{name}]");
        return value;
    }

    private static void AssertDword(System.Collections.Generic.Dictionary<(string Key, string Value), (int Type, byte[] Data)> values, string key, string name, uint expected)
        => AssertValue(Get(values, key, name), 4, BitConverter.GetBytes(expected));

    private static void AssertString(System.Collections.Generic.Dictionary<(string Key, string Value), (int Type, byte[] Data)> values, string key, string name, string expected)
        => AssertValue(Get(values, key, name), 1, Utf16(expected));

    private static void AssertValue((int Type, byte[] Data) actual, int type, byte[] data)
    {
        Assert.Equal(type, actual.Type);
        Assert.Equal(data, actual.Data);
    }

    private static byte[] Utf16(string text) => Encoding.Unicode.GetBytes(text + "\0");

    private static byte[] Multi(string text) => Encoding.Unicode.GetBytes(text + "\0\0");

    internal static string QemuName(DiskFormat format) => format switch
    {
        DiskFormat.Vhd => "vpc",
        _ => format.ToString().ToLowerInvariant(),
    };
}

internal static class Injection
{
    public static string DriverPackageSourcesHash(byte[] content) => Engine.Injection.DriverPackageSources.HashBytes(content);
}
