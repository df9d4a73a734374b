using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;
using ImageOps.Formats.Inf;
using ImageOps.Tests;
using static ImageOps.Engine.Tests.Drivers.DriverResolutionTests;

namespace ImageOps.Engine.Tests.Drivers;

public sealed class DriverCoverageTests : IDisposable
{
    private static readonly DriverPlatform Win11 = new(InfArchitecture.Amd64, new Version(10, 0, 22631));
    private readonly TempFolder _dir = new("coverage");
    private readonly ImageLibrary _library;
    private int _n;

    public DriverCoverageTests()
    {
        _library = ImageLibrary.Open(_dir.Combine("library"));
        Add(Inf("e1d_oem", "06/01/2024").Model("NTamd64", Nic), "Dell-7440");
        Add(Inf("iastor_oem", "06/01/2024", "SCSIAdapter", TestInf.ScsiClassGuid, start: 0).Model("NTamd64", DriverResolutionTests.Storage), "Dell-7440");
        Add(Inf("rtk_oem", "06/01/2024", "MEDIA").Model("NTamd64", Audio), "Dell-7440");
        Add(Inf("chipset_oem", "07/01/2024", "System").Model("NTamd64", Sensor).Model("NTamd64", Nic), "Dell-7440");
        Add(Inf("e1d_curated", "01/01/2023").Model("NTamd64", Nic), "Curated");
        Add(Inf("stor_demand", "01/01/2023", "SCSIAdapter", TestInf.ScsiClassGuid, start: 3).Model("NTamd64", "PCI\\VEN_15AD&DEV_07C0"), "Lab");
        _library.Drivers.Profiles.Create("Latitude 7440", new DriverProfileRules { Manufacturer = "Dell*", Model = "Latitude 7440", Groups = { "Dell-7440" }, CuratedGroups = { "Curated" }, ExcludeClasses = { "SCSIAdapter" }, ExcludeClassesFromGroups = { "Dell-7440" } });
        _library.Drivers.Profiles.Create("VMs", new DriverProfileRules { Manufacturer = "VMware*", NoDrivers = true });
        _library.Drivers.Profiles.Create("Lab", new DriverProfileRules { Model = "Lab Box", Groups = { "Lab" } });
    }

    public void Dispose() => _dir.Dispose();

    private void Add(TestInf inf, string group)
    {
        var item = Assert.Single(_library.Drivers.Packages.Add(new DriverImportRequest { Path = inf.WriteTo(_dir.Combine("p" + _n++)), Groups = new[] { group } }).Items);
        Assert.True(item.Status == DriverImportStatus.Added, item.Error?.Message);
    }

    private static TestInf Inf(string name, string date, string cls = "Net", string guid = TestInf.NetClassGuid, int start = 3)
        => new() { Name = name + ".inf", CatalogFile = name + ".cat", DriverVer = date + ",1.0.0.0", Class = cls, ClassGuid = guid, StartType = start, Service = name };

    internal static string Inventory()
    {
        var sb = new StringBuilder("ComputerName,ComputerManufacturer,ComputerModel,FriendlyName,Class,HardwareID,CompatibleID,DriverInfPath\r\n");
        foreach (var pc in new[] { "PC1", "PC2" })
        {
            sb.Append(pc).Append(",Dell Inc.,Latitude 7440,Intel Ethernet,Net,\"").Append(Nic).Append("\",PCI\\CC_020000,oem3.inf\r\n");
            sb.Append(pc).Append(",Dell Inc.,Latitude 7440,Intel RST VMD,SCSIAdapter,\"").Append(DriverResolutionTests.Storage).Append("\",PCI\\CC_010400,oem12.inf\r\n");
            sb.Append(pc).Append(",Dell Inc.,Latitude 7440,Realtek Audio,MEDIA,\"").Append(Audio).Append("\",,oem7.inf\r\n");
            sb.Append(pc).Append(",Dell Inc.,Latitude 7440,Camera sensor,System,").Append(Sensor).Append(",,oem9.inf\r\n");
            sb.Append(pc).Append(",Dell Inc.,Latitude 7440,Integrated Webcam,Camera,USB\\VID_0BDA&PID_5520,USB\\Class_0E,usbvideo.inf\r\n");
            sb.Append(pc).Append(",Dell Inc.,Latitude 7440,Fingerprint <reader>,Biometric,USB\\VID_27C6&PID_63AC,,oem20.inf\r\n");
        }

        sb.Append("HP1,HP,EliteBook 840 G10,Intel Wi-Fi,Net,PCI\\VEN_8086&DEV_51F1,,oem4.inf\r\n");
        sb.Append("VM1,\"VMware, Inc.\",\"VMware20,1\",vmxnet3,Net,PCI\\VEN_15AD&DEV_07B0,,oem2.inf\r\n");
        sb.Append("LAB1,Contoso,Lab Box,PVSCSI,SCSIAdapter,PCI\\VEN_15AD&DEV_07C0,,oem5.inf\r\n");
        return sb.ToString();
    }

    private DriverCoverageReport Report(string? html = null)
    {
        var path = _dir.Combine("fleet.csv");
        File.WriteAllText(path, Inventory());
        return _library.Drivers.TestCoverage(path, Win11, html);
    }

    [Fact]
    public void Coverage_reports_each_model_with_its_failures_and_warnings()
    {
        var report = Report();
        Assert.Equal(CoverageStatus.Fail, report.Status);
        Assert.Equal(4, report.Models.Length);
        Assert.Equal(new[] { "SCSIAdapter", "Net" }, report.Classes.Take(2));

        var dell = report.Models.Single(m => m.Model.Model == "Latitude 7440");
        Assert.Equal(2, dell.Computers);
        Assert.Equal(6, dell.Devices);
        Assert.Equal(CoverageStatus.Fail, dell.Status);
        var storage = dell.Problems.Single(p => p.Kind == CoverageProblemKind.BootCriticalMissing);
        Assert.Equal(CoverageStatus.Fail, storage.Severity);
        Assert.Contains("0x7B", storage.Message);
        Assert.Contains("oem12.inf", storage.Message);
        var differs = dell.Problems.Single(p => p.Kind == CoverageProblemKind.DiffersFromCurated);
        Assert.Equal("Net", differs.Class);
        Assert.Equal(CoverageStatus.Warning, dell.Problems.Single(p => p.Kind == CoverageProblemKind.NoDriver).Severity);
        Assert.Contains("Fingerprint", dell.Problems.Single(p => p.Kind == CoverageProblemKind.NoDriver).Device);
        Assert.Equal(1, dell.Inbox); // the webcam uses usbvideo.inf
        Assert.Equal(CoverageStatus.Fail, dell.Classes.Single(c => c.Class == "SCSIAdapter").Status);
        Assert.Equal(CoverageStatus.Warning, dell.Classes.Single(c => c.Class == "Net").Status);
        Assert.Equal(CoverageStatus.Pass, dell.Classes.Single(c => c.Class == "MEDIA").Status);

        var hp = report.Models.Single(m => m.Model.Manufacturer == "HP");
        Assert.Equal(CoverageProblemKind.NoProfile, hp.Problems[0].Kind);
        Assert.Equal(CoverageStatus.Fail, hp.Status);

        var vm = report.Models.Single(m => m.Model.Manufacturer == "VMware, Inc.");
        Assert.Equal(CoverageStatus.Warning, vm.Status);
        Assert.Contains("gives this model no drivers", vm.Problems.Single().Message);

        var lab = report.Models.Single(m => m.Model.Model == "Lab Box");
        Assert.Equal(CoverageProblemKind.StorageDriverNotBootStart, Assert.Single(lab.Problems).Kind);
    }

    [Fact]
    public void The_html_report_is_self_contained_and_encodes_what_it_shows()
    {
        var html = DriverCoverageHtml.Render(Report());
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Contains("Fingerprint &lt;reader&gt;", html);
        Assert.DoesNotContain("Fingerprint <reader>", html);
        Assert.Matches(new Regex("<tr data-model=\"Dell Inc. Latitude 7440\">.*data-class=\"SCSIAdapter\"", RegexOptions.Singleline), html);
    }

    [SkippableFact]
    public void Chromium_renders_the_report_with_the_matrix_coloured_by_outcome()
    {
        var chromium = External.Tool("chromium");
        var htmlPath = _dir.Combine("out", "coverage.html");
        var report = Report(htmlPath);
        Assert.Equal(htmlPath, report.HtmlPath);
        var profile = _dir.Combine("chromium-profile");
        string[] Args(params string[] extra) => new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile }.Concat(extra).ToArray();

        var dom = ProcessRunner.Run(chromium, TimeSpan.FromMinutes(2), Args("--dump-dom", new Uri(htmlPath).AbsoluteUri)).EnsureSuccess("chromium --dump-dom").Out;
        Assert.Contains("id=\"matrix\"", dom);
        Assert.Equal(4, Regex.Matches(dom, "<tr data-model=").Count);
        Assert.Contains("data-status=\"fail\" data-class=\"SCSIAdapter\"", dom);
        Assert.Contains("data-status=\"inbox\" data-class=\"Camera\"", dom);

        var png = _dir.Combine("out", "coverage.png");
        ProcessRunner.Run(chromium, TimeSpan.FromMinutes(2), Args("--screenshot=" + png, "--window-size=1400,900", "--hide-scrollbars", new Uri(htmlPath).AbsoluteUri)).EnsureSuccess("chromium --screenshot");
        if (Environment.GetEnvironmentVariable("IMAGEOPS_KEEP_RENDERING") is { Length: > 0 } keep)
        {
            File.Copy(png, keep, overwrite: true);
        }

        var pixels = PngPixels.Read(png);
        Assert.Equal(1400, pixels.Width);

        // The banner of a failing fleet is pink-red, and the matrix shows red, green, amber, blue and grey cells.
        Assert.Equal((251, 211, 211), ((int)pixels[700, 10].R, (int)pixels[700, 10].G, (int)pixels[700, 10].B));
        var seen = Enumerable.Range(0, pixels.Height / 2).SelectMany(y => Enumerable.Range(0, pixels.Width).Where(x => x % 3 == 0).Select(x => pixels[x, y])).ToHashSet();
        Assert.Contains(((byte)0xe5, (byte)0x39, (byte)0x35), seen);
        Assert.Contains(((byte)0x4c, (byte)0xaf, (byte)0x50), seen);
        Assert.Contains(((byte)0xff, (byte)0xc1, (byte)0x07), seen);
        Assert.Contains(((byte)0x90, (byte)0xca, (byte)0xf9), seen);
        Assert.Contains(((byte)0xee, (byte)0xee, (byte)0xee), seen);
    }
}
