using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;
using ImageOps.Tests;

namespace ImageOps.Cli.Tests;

public sealed class DriverVerbTests : System.IDisposable
{
    private const string Nic = "PCI\\VEN_8086&DEV_15F3&SUBSYS_0C6F1028";
    private const string Storage = "PCI\\VEN_8086&DEV_A0D3";
    private readonly TempFolder _dir = new("cli-drivers");

    private string Library => _dir.Combine("library");

    public void Dispose() => _dir.Dispose();

    private CliResult Run(params string[] args) => Cli.Run(new[] { "--library", Library }.Concat(args).ToArray());

    private string Pack()
    {
        var root = _dir.Combine("pack");
        new TestInf { Name = "nic.inf", CatalogFile = "nic.cat", DriverVer = "06/01/2024,2.0.0.0" }.Model("NTamd64", Nic).WriteTo(Path.Combine(root, "net"));
        new TestInf { Name = "stor.inf", CatalogFile = "stor.cat", Class = "SCSIAdapter", ClassGuid = TestInf.ScsiClassGuid, StartType = 0, Service = "stor" }.Model("NTamd64", Storage).WriteTo(Path.Combine(root, "stor"));
        return root;
    }

    [Fact]
    public void Add_list_show_export_and_remove_mirror_the_cmdlets()
    {
        var added = Run("driver", "add", Pack(), "--group", "Dell-7440", "--json");
        Assert.True(added.ExitCode == 0, added.Err);
        var items = (JArray)added.Json[0]!["items"]!;
        Assert.Equal(new[] { "Added", "Added" }, items.Select(i => i["status"]!.ToString()));
        var id = items[0]!["package"]!["id"]!.ToString();

        var list = Run("driver", "list", "--class", "SCSI*", "--json");
        Assert.Equal(0, list.ExitCode);
        var stor = Assert.Single((JArray)list.Json);
        Assert.Equal("stor.inf", stor["name"]!.ToString());
        Assert.True((bool)stor["isBootStorageController"]!);

        var show = Run("driver", "show", id.Substring(0, 8), "--json");
        Assert.Equal(id, show.Json["id"]!.ToString());
        Assert.Equal("Dell-7440", show.Json["groups"]![0]!.ToString());

        var human = Run("driver", "list");
        Assert.Contains("nic.inf", human.Out);
        Assert.Contains("storage", human.Out);

        Assert.Equal(0, Run("driver", "export", id, "--destination", _dir.Combine("out")).ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir.Combine("pack"), "net", "nic.inf")), File.ReadAllBytes(Path.Combine(_dir.Combine("out"), "nic_" + id, "nic.inf")));
        Assert.Equal("DriverExportTargetExists", Run("driver", "export", id, "--destination", _dir.Combine("out"), "--json").ErrorId);

        Assert.Equal(0, Run("driver", "remove", id, "--what-if").ExitCode);
        Assert.Equal(2, ((JArray)Run("driver", "list", "--json").Json).Count);
        var removed = Run("driver", "remove", id, "--json");
        Assert.Equal(0, removed.ExitCode);
        Assert.True((int)removed.Json["objectsDeleted"]! >= 3);
        Assert.Equal("DriverPackageNotFound", Run("driver", "show", id, "--json").ErrorId);
    }

    [Fact]
    public void A_refused_inf_is_an_item_error_with_its_id_and_exit_1()
    {
        var root = Pack();
        File.Delete(Path.Combine(root, "net", "drv.sys"));
        var result = Run("driver", "add", root, "--json");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("\"id\":\"DriverPackageFilesMissing\"", result.Err.Replace(" ", string.Empty));
        Assert.Equal(new[] { "Refused", "Added" }, ((JArray)result.Json[0]!["items"]!).Select(i => i["status"]!.ToString()));
        Assert.Equal("DriverPackageFilesMissing", result.Json[0]!["items"]![0]!["errorId"]!.ToString());
        Assert.Equal("DriverPackageSourceNotFound", JToken.Parse(Run("driver", "add", _dir.Combine("nope"), "--json").Err.Trim())["error"]!["id"]!.ToString());
    }

    [Fact]
    public void Inspect_shows_an_inf_without_importing_it()
    {
        var inf = Path.Combine(Pack(), "stor", "stor.inf");
        var result = Run("driver", "inspect", inf, "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("SCSIAdapter", result.Json["class"]!.ToString());
        Assert.Equal(Storage, result.Json["hardwareIds"]![0]!.ToString());
        Assert.True((bool)result.Json["canImport"]!);
        Assert.True((bool)result.Json["platforms"]![0]!["isBootStorageController"]!);
        Assert.Empty((JArray)Run("driver", "list", "--json").Json);
        Assert.Contains("SCSIAdapter", Run("driver", "inspect", inf).Out);
    }

    [Fact]
    public void Match_ranks_and_explains_and_exits_1_when_nothing_applies()
    {
        Run("driver", "add", Pack());
        var result = Run("driver", "match", "--hardware-id", Nic, "PCI\\VEN_8086&DEV_15F3", "--compatible-id", "PCI\\CC_020000", "--os-version", "10.0.22631", "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("nic.inf", result.Json["chosen"]!["infName"]!.ToString());
        Assert.Equal("0x00FF0000", result.Json["chosen"]!["rankHex"]!.ToString());
        Assert.Equal("10.0.22631", result.Json["platform"]!["osVersion"]!.ToString());
        Assert.Equal(1, Run("driver", "match", "--hardware-id", "PCI\\VEN_1234&DEV_0000").ExitCode);
        Assert.Equal(1, Run("driver", "match", "--hardware-id", Nic, "--architecture", "arm64").ExitCode);
        Assert.Equal("InvalidArgument", Run("driver", "match", "--hardware-id", Nic, "--architecture", "sparc", "--json").ErrorId);
    }

    [Fact]
    public void Profiles_are_created_listed_changed_resolved_and_removed()
    {
        Run("driver", "add", Pack(), "--group", "Dell-7440");
        var created = Run("profile", "new", "--name", "Latitude 7440", "--manufacturer", "Dell*", "--model", "Latitude 7440", "--group", "Dell-7440", "--exclude-class", "SCSIAdapter", "--exclude-class-from-group", "Dell-7440", "--json");
        Assert.True(created.ExitCode == 0, created.Err);
        Assert.Equal("Latitude 7440", created.Json["name"]!.ToString());
        Assert.Equal("DriverProfileNameInUse", Run("profile", "new", "--name", "latitude 7440", "--group", "X", "--json").ErrorId);
        Assert.Equal("DriverProfileInvalid", Run("profile", "new", "--name", "Bad", "--no-drivers", "--group", "X", "--json").ErrorId);

        var resolved = Run("profile", "resolve", "--manufacturer", "Dell Inc.", "--model", "Latitude 7440", "--json");
        Assert.Equal(0, resolved.ExitCode);
        Assert.Equal("Resolved", resolved.Json["status"]!.ToString());
        Assert.Equal("nic.inf", Assert.Single((JArray)resolved.Json["packages"]!)["name"]!.ToString());
        Assert.Contains("class SCSIAdapter is excluded", resolved.Json["excluded"]![0]!["reason"]!.ToString());
        Assert.True(File.Exists(resolved.Json["packages"]![0]!["infStorePath"]!.ToString()));

        var set = Run("profile", "set", "Latitude 7440", "--exclude-class", "--exclude-class-from-group", "--json");
        Assert.True(set.ExitCode == 0, set.Err);
        Assert.Empty((JArray)set.Json["rules"]!["excludeClasses"]!);
        Assert.Equal(2, ((JArray)Run("profile", "resolve", "--manufacturer", "Dell Inc.", "--model", "Latitude 7440", "--json").Json["packages"]!).Count);

        var notCovered = Run("profile", "resolve", "--manufacturer", "HP", "--model", "EliteBook", "--json");
        Assert.Equal(1, notCovered.ExitCode);
        Assert.Equal("NoProfile", notCovered.Json["status"]!.ToString());
        Assert.Contains("DriverModelNotCovered", notCovered.Err);

        Assert.Single((JArray)Run("profile", "list", "--json").Json);
        var used = ((JArray)Run("driver", "list", "--json").Json)[0]!["id"]!.ToString();
        Assert.Equal("DriverPackageInUse", Run("driver", "remove", used, "--json").ErrorId);
        Assert.Equal(0, Run("profile", "remove", "latitude 7440").ExitCode);
        Assert.Equal("DriverProfileNotFound", Run("profile", "show", "Latitude 7440", "--json").ErrorId);
    }

    [Fact]
    public void Coverage_exits_2_on_failures_and_writes_the_html()
    {
        Run("driver", "add", Pack(), "--group", "Dell-7440");
        Run("profile", "new", "--name", "Lat", "--model", "Latitude 7440", "--group", "Dell-7440");
        var csv = _dir.Combine("fleet.csv");
        File.WriteAllText(csv, "ComputerModel,Class,HardwareID\r\nLatitude 7440,Net," + Nic + "\r\nLatitude 7440,SCSIAdapter," + Storage + "\r\nEliteBook,Net,PCI\\VEN_8086&DEV_51F1\r\n");
        var html = _dir.Combine("report", "coverage.html");
        var failing = Run("driver", "coverage", csv, "--html", html, "--json");
        Assert.Equal(2, failing.ExitCode);
        Assert.Equal("Fail", failing.Json["status"]!.ToString());
        Assert.True(File.Exists(html));
        Assert.Contains("EliteBook", File.ReadAllText(html));

        File.WriteAllText(csv, "ComputerModel,Class,HardwareID\r\nLatitude 7440,Net," + Nic + "\r\nLatitude 7440,Biometric,USB\\VID_27C6&PID_63AC\r\n");
        Assert.Equal(3, Run("driver", "coverage", csv).ExitCode);
        File.WriteAllText(csv, "ComputerModel,Class,HardwareID\r\nLatitude 7440,Net," + Nic + "\r\n");
        var passing = Run("driver", "coverage", csv);
        Assert.Equal(0, passing.ExitCode);
        Assert.Contains("PASS", passing.Out);
        Assert.Equal("DriverInventoryNotFound", Run("driver", "coverage", _dir.Combine("none.csv"), "--json").ErrorId);
    }
}
