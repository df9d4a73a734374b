using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;
using ImageOps.Engine.Storage;
using ImageOps.Formats.Inf;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Drivers;

public sealed class DriverPackageCatalogTests : IDisposable
{
    private readonly TempFolder _dir = new("drivers");
    private readonly ImageLibrary _library;

    public DriverPackageCatalogTests()
    {
        _library = ImageLibrary.Open(_dir.Combine("library"));
    }

    private DriverPackageCatalog Packages => _library.Drivers.Packages;

    public void Dispose() => _dir.Dispose();

    internal static TestInf Nic(string name = "nic.inf", string version = "01/15/2024,2.0.0.0") => new TestInf { Name = name, DriverVer = version, CatalogFile = Path.GetFileNameWithoutExtension(name) + ".cat" }
        .Model("NTamd64", "PCI\\VEN_8086&DEV_15F3&SUBSYS_00008086", "PCI\\VEN_8086&DEV_15F3")
        .Model("NTamd64.10.0...22000", "PCI\\VEN_8086&DEV_125C");

    private static TestInf Storage() => new TestInf { Name = "stor.inf", Class = "SCSIAdapter", ClassGuid = TestInf.ScsiClassGuid, Service = "contstor", StartType = 0, CatalogFile = "stor.cat" }
        .Model("NTamd64", "PCI\\VEN_1AF4&DEV_1042");

    private string[] Ids(DriverImportResult result) => result.Items.Where(i => i.Package is not null).Select(i => i.Package!.Id).ToArray();

    [Fact]
    public void A_folder_becomes_one_package_per_inf_with_its_metadata()
    {
        var root = _dir.Combine("pack");
        Nic().WriteTo(Path.Combine(root, "net"));
        var stor = Storage();
        stor.Files.Clear();
        stor.Files.Add("amd64/stor.sys");
        stor.WriteTo(Path.Combine(root, "storage"));

        var result = Packages.Add(new DriverImportRequest { Path = root, Groups = new[] { "Dell-7440" } });

        Assert.Equal(new[] { "net/nic.inf", "storage/stor.inf" }, result.Items.Select(i => i.InfPath));
        Assert.All(result.Items, i => Assert.Equal(DriverImportStatus.Added, i.Status));
        var nic = result.Items[0].Package!;
        Assert.Equal("nic.inf", nic.Name);
        Assert.Equal("Contoso", nic.Provider);
        Assert.Equal("Net", nic.Class);
        Assert.Equal("2.0.0.0", nic.Version);
        Assert.Equal(new DateTime(2024, 1, 15), nic.Date);
        Assert.Equal(new[] { InfArchitecture.Amd64 }, nic.Architectures);
        Assert.Equal(new[] { "NTamd64", "NTamd64.10.0...22000" }, nic.OsTargets);
        Assert.Equal(new[] { "PCI\\VEN_8086&DEV_15F3&SUBSYS_00008086", "PCI\\VEN_8086&DEV_125C" }, nic.HardwareIds);
        Assert.True(nic.CatalogPresent);
        Assert.False(nic.IsBootCritical);
        Assert.Equal(new[] { "Dell-7440" }, nic.Groups);
        Assert.Equal(new[] { "drv.sys", "nic.cat", "nic.inf" }, nic.Files.Select(f => f.Path).OrderBy(p => p, StringComparer.Ordinal));
        Assert.Equal(16, nic.Id.Length);

        var storage = result.Items[1].Package!;
        Assert.True(storage.IsBootCritical);
        Assert.True(storage.IsBootStorageController);
        Assert.Contains("amd64/stor.sys", storage.Files.Select(f => f.Path));
        Assert.All(storage.Files, f => Assert.True(File.Exists(f.StorePath)));
    }

    [Fact]
    public void Shared_files_are_stored_once_and_a_package_is_imported_once()
    {
        var shared = Encoding.ASCII.GetBytes(new string('c', 5000));
        var a = Nic("a.inf");
        a.Files.Add("coinst.dll");
        a.Contents["coinst.dll"] = shared;
        var b = Nic("b.inf");
        b.Files.Add("coinst.dll");
        b.Contents["coinst.dll"] = shared;
        a.WriteTo(_dir.Combine("pack", "a"));
        b.WriteTo(_dir.Combine("pack", "b"));

        var first = Packages.Add(new DriverImportRequest { Path = _dir.Combine("pack") });
        var objects = Directory.GetFiles(Path.Combine(_library.Drivers.RootPath, "objects"), "*", SearchOption.AllDirectories);
        Assert.Equal(7, objects.Length); // 2 INFs + 2 catalogs + 2 different drv.sys + 1 shared coinst.dll
        Assert.Equal(7, first.ObjectsStored);

        var again = Packages.Add(new DriverImportRequest { Path = _dir.Combine("pack"), Groups = new[] { "Curated" } });
        Assert.All(again.Items, i => Assert.Equal(DriverImportStatus.AlreadyPresent, i.Status));
        Assert.Equal(0, again.ObjectsStored);
        Assert.Equal(Ids(first), Ids(again));
        Assert.All(Packages.Find().Packages, p => Assert.Equal(new[] { "Curated" }, p.Groups));
    }

    [Fact]
    public void An_inf_whose_files_are_missing_is_refused_with_the_list_and_the_others_are_imported()
    {
        Nic().WriteTo(_dir.Combine("pack", "good"));
        var broken = Nic("broken.inf");
        broken.Files.Add("amd64/helper.dll");
        broken.WriteTo(_dir.Combine("pack", "broken"));
        File.Delete(_dir.Combine("pack", "broken", "amd64", "helper.dll"));
        File.Delete(_dir.Combine("pack", "broken", "broken.cat"));

        var result = Packages.Add(new DriverImportRequest { Path = _dir.Combine("pack") });

        var refused = result.Items.Single(i => i.Status == DriverImportStatus.Refused);
        var error = Assert.IsType<DriverPackageRefusedException>(refused.Error);
        Assert.Equal(ErrorIds.DriverPackageFilesMissing, error.ErrorId);
        Assert.Equal(new[] { "amd64/helper.dll", "broken.cat" }, error.Details.OrderBy(d => d, StringComparer.Ordinal));
        Assert.Contains("amd64/helper.dll", error.Message);
        Assert.Equal(DriverImportStatus.Added, result.Items.Single(i => i.InfPath == "good/nic.inf").Status);
        Assert.Single(Packages.Find().Packages);
    }

    [Fact]
    public void Architectures_whose_files_the_pack_lacks_can_be_left_out_explicitly()
    {
        var inf = Nic().Model("NTx86", "PCI\\VEN_8086&DEV_15F3");
        inf.Files.Clear();
        inf.Files.Add("drv.sys");
        inf.Extra.Add("[SourceDisksFiles.x86]\r\ndrv32.sys = 1");
        inf.WriteTo(_dir.Combine("pack"));

        var all = Packages.Add(new DriverImportRequest { Path = _dir.Combine("pack") });
        var error = Assert.IsType<DriverPackageRefusedException>(Assert.Single(all.Items).Error);
        Assert.Equal(ErrorIds.DriverPackageFilesMissing, error.ErrorId);
        Assert.Contains("drv32.sys", error.Details);
        Assert.Contains("-Architecture", error.Message);

        var amd64 = Packages.Add(new DriverImportRequest { Path = _dir.Combine("pack"), Architectures = new[] { InfArchitecture.Amd64 } });
        var package = Assert.Single(amd64.Items).Package!;
        Assert.Equal(new[] { InfArchitecture.Amd64 }, package.Architectures);
    }

    [Theory]
    [InlineData("1 = %Disk%,,,..\\outside", "'..' would leave")]
    [InlineData("1 = %Disk%,,,C:\\Windows", "drive")]
    [InlineData("1 = %Disk%,,,\\\\server\\share", "UNC")]
    public void A_reference_outside_the_package_is_refused(string diskLine, string why)
    {
        var inf = Nic();
        var text = inf.Text().Replace("1 = %Disk%,,,", "REPLACED").Replace("REPLACED", diskLine);
        Directory.CreateDirectory(_dir.Combine("pack"));
        File.WriteAllText(_dir.Combine("pack", "nic.inf"), text);
        var result = Packages.Add(new DriverImportRequest { Path = _dir.Combine("pack") });
        var error = Assert.IsType<DriverPackageRefusedException>(Assert.Single(result.Items).Error);
        Assert.Equal(ErrorIds.DriverPackageReferenceRefused, error.ErrorId);
        Assert.Contains(why, error.Message);
        Assert.Empty(Packages.Find().Packages);
    }

    [Fact]
    public void A_file_that_is_not_a_driver_inf_is_refused()
    {
        Directory.CreateDirectory(_dir.Combine("pack"));
        File.WriteAllText(_dir.Combine("pack", "autorun.inf"), "[AutoRun]\r\nopen=setup.exe\r\n");
        var error = Assert.Single(Packages.Add(new DriverImportRequest { Path = _dir.Combine("pack") }).Items).Error!;
        Assert.Equal(ErrorIds.DriverInfInvalid, error.ErrorId);
    }

    [Fact]
    public void Sources_that_are_not_drivers_are_refused_as_a_whole()
    {
        Assert.Equal(ErrorIds.DriverPackageSourceNotFound, Assert.Throws<ObjectNotFoundException>(() => Packages.Add(new DriverImportRequest { Path = _dir.Combine("nope") })).ErrorId);
        Directory.CreateDirectory(_dir.Combine("empty"));
        Assert.Equal(ErrorIds.DriverPackageNoInf, Assert.Throws<InvalidRequestException>(() => Packages.Add(new DriverImportRequest { Path = _dir.Combine("empty") })).ErrorId);
        File.WriteAllText(_dir.Combine("notes.txt"), "hello");
        Assert.Equal(ErrorIds.DriverPackageSourceUnsupported, Assert.Throws<InvalidRequestException>(() => Packages.Add(new DriverImportRequest { Path = _dir.Combine("notes.txt") })).ErrorId);
        Assert.Equal(ErrorIds.InvalidArgument, Assert.Throws<InvalidRequestException>(() => Packages.Add(new DriverImportRequest { Path = _dir.Path, Groups = new[] { "bad/group" } })).ErrorId);
    }

    [Fact]
    public void Export_restores_the_original_layout_byte_for_byte()
    {
        var inf = Nic();
        inf.Files.Clear();
        inf.Files.Add("x64/Drv.SYS");
        inf.Files.Add("x64/firmware/fw.bin");
        inf.Contents["x64/firmware/fw.bin"] = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
        var source = _dir.Combine("pack");
        inf.WriteTo(source);

        // The INF spells a file in another case than the disk: the export keeps the disk's spelling.
        File.WriteAllText(Path.Combine(source, "nic.inf"), File.ReadAllText(Path.Combine(source, "nic.inf")).Replace("Drv.SYS", "drv.sys"));

        var package = Assert.Single(Packages.Add(new DriverImportRequest { Path = Path.Combine(source, "nic.inf") }).Items).Package!;
        var export = Packages.Export(package.Id, _dir.Combine("out"), force: false);

        Assert.Equal(Path.Combine(_dir.Combine("out"), "nic_" + package.Id), export.Path);
        var original = Directory.GetFiles(source, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(source, f)).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var exported = Directory.GetFiles(export.Path, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(export.Path, f)).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.Equal(original, exported);
        foreach (var file in original)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, file)), File.ReadAllBytes(Path.Combine(export.Path, file)));
        }

        Assert.Equal(ErrorIds.DriverExportTargetExists, Assert.Throws<ObjectExistsException>(() => Packages.Export(package.Id, _dir.Combine("out"), force: false)).ErrorId);
        Assert.Equal(export.FileCount, Packages.Export(package.Id, _dir.Combine("out"), force: true).FileCount);
    }

    [Fact]
    public void Export_refuses_a_damaged_store_object()
    {
        var package = Assert.Single(Packages.Add(new DriverImportRequest { Path = Nic().WriteTo(_dir.Combine("pack")) }).Items).Package!;
        var sys = package.Files.Single(f => f.Path == "drv.sys");
        var bytes = File.ReadAllBytes(sys.StorePath);
        bytes[3] ^= 1;
        File.WriteAllBytes(sys.StorePath, bytes);
        var error = Assert.Throws<ImageOpsException>(() => Packages.Export(package.Id, _dir.Combine("out"), force: false));
        Assert.Equal(ErrorIds.DriverStoreObjectCorrupt, error.ErrorId);
        File.Delete(sys.StorePath);
        Assert.Equal(ErrorIds.DriverStoreObjectMissing, Assert.Throws<ImageOpsException>(() => Packages.Export(package.Id, _dir.Combine("out2"), force: false)).ErrorId);
    }

    [Fact]
    public void Remove_deletes_only_contents_no_other_package_needs_and_respects_profiles()
    {
        var shared = Encoding.ASCII.GetBytes("shared coinstaller");
        var a = Nic("a.inf");
        a.Files.Add("co.dll");
        a.Contents["co.dll"] = shared;
        var b = Nic("b.inf");
        b.Files.Add("co.dll");
        b.Contents["co.dll"] = shared;
        var ida = Packages.Add(new DriverImportRequest { Path = a.WriteTo(_dir.Combine("a")), Groups = new[] { "OEM" } }).Items[0].Package!;
        var idb = Packages.Add(new DriverImportRequest { Path = b.WriteTo(_dir.Combine("b")) }).Items[0].Package!;
        _library.Drivers.Profiles.Create("Lab", new DriverProfileRules { Model = "Lab*", Groups = { "OEM" } });

        var inUse = Assert.Throws<InvalidStateException>(() => Packages.Remove(ida.Id, force: false));
        Assert.Equal(ErrorIds.DriverPackageInUse, inUse.ErrorId);
        Assert.Contains("'Lab'", inUse.Message);

        var removed = Packages.Remove(ida.Id.Substring(0, 8), force: true);
        Assert.Equal(new[] { "Lab" }, removed.UsedByProfiles);
        Assert.Equal(3, removed.ObjectsDeleted); // a.inf, a.cat, a's drv.sys; co.dll stays for b
        Assert.True(File.Exists(idb.Files.Single(f => f.Path == "co.dll").StorePath));
        Assert.Equal(ErrorIds.DriverPackageNotFound, Assert.Throws<ObjectNotFoundException>(() => Packages.Get(ida.Id)).ErrorId);
        Assert.Equal(idb.Id, Packages.Export(idb.Id, _dir.Combine("out"), false).PackageId);
    }

    [Fact]
    public void Find_filters_by_class_provider_hardware_id_architecture_os_and_group()
    {
        Packages.Add(new DriverImportRequest { Path = Nic().WriteTo(_dir.Combine("nic")), Groups = new[] { "OEM" } });
        Packages.Add(new DriverImportRequest { Path = Storage().WriteTo(_dir.Combine("stor")), Groups = new[] { "Curated" } });
        var win11only = new TestInf { Name = "new.inf", Provider = "Fabrikam" }.Model("NTamd64.10.0...26100", "USB\\VID_1234&PID_0001");
        Packages.Add(new DriverImportRequest { Path = win11only.WriteTo(_dir.Combine("new")) });

        string[] Names(DriverPackageQuery q) => Packages.Find(q).Packages.Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "stor.inf" }, Names(new DriverPackageQuery { Class = "scsi*" }));
        Assert.Equal(new[] { "new.inf" }, Names(new DriverPackageQuery { Provider = "Fabrikam" }));
        Assert.Equal(new[] { "nic.inf" }, Names(new DriverPackageQuery { HardwareId = "PCI\\VEN_8086&DEV_15F3*" }));
        Assert.Equal(new[] { "nic.inf" }, Names(new DriverPackageQuery { HardwareId = "pci\\ven_8086&dev_15f3" }), StringComparer.Ordinal);
        Assert.Empty(Names(new DriverPackageQuery { Architecture = InfArchitecture.Arm64 }));
        Assert.Equal(new[] { "nic.inf", "stor.inf" }, Names(new DriverPackageQuery { OSVersion = new Version(10, 0, 19045) }));
        Assert.Equal(new[] { "new.inf", "nic.inf", "stor.inf" }, Names(new DriverPackageQuery { OSVersion = new Version(10, 0, 26100) }));
        Assert.Equal(new[] { "stor.inf" }, Names(new DriverPackageQuery { Group = "cur*" }));

        var byPrefix = Packages.Find(new DriverPackageQuery { Ids = new[] { Packages.Find().Packages[0].Id.Substring(0, 6), "0000000000000000" } });
        Assert.Single(byPrefix.Packages);
        Assert.Equal(ErrorIds.DriverPackageNotFound, Assert.Single(byPrefix.Errors).ErrorId);
    }

    [Fact]
    public void Concurrent_imports_of_overlapping_packs_all_land_and_share_content()
    {
        var shared = Encoding.ASCII.GetBytes(new string('s', 20_000));
        var packs = Enumerable.Range(0, 6).Select(p =>
        {
            var root = _dir.Combine("pack" + p);
            for (var i = 0; i < 4; i++)
            {
                var inf = Nic("n" + ((p + i) % 8) + ".inf");
                inf.Files.Add("common.dll");
                inf.Contents["common.dll"] = shared;
                inf.WriteTo(Path.Combine(root, "d" + i));
            }

            return root;
        }).ToArray();

        var results = new DriverImportResult[packs.Length];
        Parallel.For(0, packs.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, i =>
        {
            results[i] = ImageLibrary.Open(_library.RootPath).Drivers.Packages.Add(new DriverImportRequest { Path = packs[i], Groups = new[] { "G" + i } });
        });

        Assert.All(results.SelectMany(r => r.Items), i => Assert.NotEqual(DriverImportStatus.Refused, i.Status));
        var all = Packages.Find();
        Assert.Empty(all.Errors);
        Assert.Equal(8, all.Packages.Count);
        Assert.All(all.Packages.SelectMany(p => p.Files), f => Assert.True(File.Exists(f.StorePath), f.Path));
        Assert.Single(all.Packages.SelectMany(p => p.Files).Where(f => f.Path == "common.dll").Select(f => f.Sha256).Distinct());
    }

    [Fact]
    public async Task An_import_racing_a_removal_keeps_every_object_it_commits()
    {
        var a = Nic("a.inf");
        Packages.Add(new DriverImportRequest { Path = a.WriteTo(_dir.Combine("a")) });
        var victim = Packages.Find().Packages[0];
        var importer = Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                ImageLibrary.Open(_library.RootPath).Drivers.Packages.Add(new DriverImportRequest { Path = _dir.Combine("a") });
            }
        });
        var remover = Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                try
                {
                    ImageLibrary.Open(_library.RootPath).Drivers.Packages.Remove(victim.Id, force: false);
                }
                catch (ObjectNotFoundException)
                {
                }
            }
        });
        await Task.WhenAll(importer, remover);
        foreach (var package in Packages.Find().Packages)
        {
            Assert.All(package.Files, f => Assert.True(File.Exists(f.StorePath)));
            Packages.Export(package.Id, _dir.Combine("check"), force: true);
        }
    }

    [Fact]
    public void A_staging_folder_left_by_a_dead_process_is_swept()
    {
        var staging = Path.Combine(_library.Drivers.RootPath, ".staging", ProcessIdentity.Host + "-999999-abcdef01");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "x.sys"), "left over");
        Packages.Add(new DriverImportRequest { Path = Nic().WriteTo(_dir.Combine("pack")) });
        Assert.False(Directory.Exists(staging));
    }
}
