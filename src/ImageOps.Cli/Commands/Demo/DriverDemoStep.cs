using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ImageOps.Engine.Samples;
using ImageOps.Engine.Drivers;
using ImageOps.Formats.Inf;

namespace ImageOps.Cli.Commands.Demo;

/// <summary>
/// Demo chapter: the driver library — an OEM pack as a .zip and a curated folder imported, an INF
/// inspected, a device ranked as Windows would, a profile with a curated override and an exclusion of the
/// pack's storage driver, a model resolved, a fleet checked for coverage, and a package exported back
/// byte for byte.
/// </summary>
internal sealed class DriverDemoStep : IDemoStep
{
    private const string Nic = "PCI\\VEN_8086&DEV_15F3&SUBSYS_0C6F1028";
    private const string Storage = "PCI\\VEN_8086&DEV_A0D3&SUBSYS_0C6F1028";
    private const string Audio = "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_10280C6F";
    private const string Sensor = "ACPI\\INT3472";

    public string Title => "Driver library: packages, matching, profiles and coverage";

    public void Run(DemoContext demo)
    {
        var drivers = demo.Library.Drivers;
        var context = demo.Session.Context();
        var platform = new DriverPlatform(InfArchitecture.Amd64, new System.Version(10, 0, 26100));

        // The OEM pack of a model, shipped as a .zip, and a folder of curated drivers.
        var oem = demo.PathOf("drivers", "latitude-7440-A05");
        new SampleDriverPackage("e1d.inf", "Intel", "Net", SampleDriverPackage.NetClass) { Date = "06/01/2024", Version = "12.19.2.45" }.Models("NTamd64", Nic).WriteTo(Path.Combine(oem, "Network"));
        new SampleDriverPackage("iaStorVD.inf", "Intel", "SCSIAdapter", SampleDriverPackage.ScsiClass) { Date = "06/01/2024", Version = "20.1.0.1", StartType = 0 }.Models("NTamd64.10.0...22000", Storage).WriteTo(Path.Combine(oem, "Storage"));
        new SampleDriverPackage("rtkaud.inf", "Realtek", "MEDIA", SampleDriverPackage.MediaClass) { Date = "05/20/2024", Version = "6.0.9600.1" }.Models("NTamd64", Audio).WriteTo(Path.Combine(oem, "Audio"));
        new SampleDriverPackage("chipset.inf", "Intel", "System", SampleDriverPackage.SystemClass) { Date = "07/01/2024", Version = "10.1.19.2" }.Models("NTamd64", Sensor, Nic).WriteTo(Path.Combine(oem, "Chipset"));
        var zip = demo.PathOf("drivers", "latitude-7440-A05.zip");
        ZipFile.CreateFromDirectory(oem, zip);
        var curated = demo.PathOf("drivers", "curated");
        new SampleDriverPackage("e1d.inf", "Intel", "Net", SampleDriverPackage.NetClass) { Date = "01/10/2023", Version = "12.19.1.37" }.Models("NTamd64", Nic).WriteTo(Path.Combine(curated, "e1d"));
        new SampleDriverPackage("vmdstor.inf", "Intel", "SCSIAdapter", SampleDriverPackage.ScsiClass) { Date = "03/01/2024", Version = "19.5.0.1", StartType = 0 }.Models("NTamd64", Storage).WriteTo(Path.Combine(curated, "vmdstor"));

        var inspected = DriverInfInspector.Inspect(Path.Combine(oem, "Storage", "iaStorVD.inf"), context);
        demo.Say($"Inspected iaStorVD.inf without importing it: class {inspected.Class}, models for {string.Join(", ", inspected.OsTargets)}, boot-critical storage: {inspected.Platforms.Any(p => p.IsBootStorageController)}  (imageops driver inspect PATH)");

        var pack = drivers.Packages.Add(new DriverImportRequest { Path = zip, Groups = new[] { "Dell-Latitude-7440" } }, context);
        demo.Say($"Imported {pack.Items.Count(i => i.Status == DriverImportStatus.Added)} packages from {Path.GetFileName(zip)} into group Dell-Latitude-7440  (imageops driver add PACK.zip --group ...)");
        var mine = drivers.Packages.Add(new DriverImportRequest { Path = curated, Groups = new[] { "Curated" } }, context);
        demo.Say($"Imported {mine.Items.Count} curated packages into group Curated; {pack.ObjectsStored + mine.ObjectsStored} files stored once each by SHA-256");

        var match = drivers.Match(new DeviceIdentity(new[] { Nic, "PCI\\VEN_8086&DEV_15F3" }, new[] { "PCI\\CC_020000" }, "Intel Ethernet"), platform, null, context);
        demo.Say("Windows' own ranking for the Ethernet adapter  (imageops driver match --hardware-id ...):");
        foreach (var candidate in match.Candidates)
        {
            demo.Say($"  #{candidate.Position} {candidate.InfName} {candidate.Version} {candidate.RankHex} {candidate.Date:yyyy-MM-dd}: {candidate.Reason}");
        }

        drivers.Profiles.Create("Latitude 7440", new DriverProfileRules
        {
            Manufacturer = "Dell*",
            Model = "Latitude 7440",
            Groups = { "Dell-Latitude-7440" },
            CuratedGroups = { "Curated" },
            ExcludeClasses = { "SCSIAdapter" },
            ExcludeClassesFromGroups = { "Dell-Latitude-7440" },
        }, context);
        drivers.Profiles.Create("VMs", new DriverProfileRules { Manufacturer = "VMware*", NoDrivers = true }, context);
        demo.Say("Created profile 'Latitude 7440' (OEM pack, curated drivers win, no SCSIAdapter drivers from the pack) and 'VMs' (no drivers)  (imageops profile new ...)");

        var set = drivers.Resolve(new DriverSetRequest { Model = new HardwareModel("Dell Inc.", "Latitude 7440"), Platform = platform }, context);
        demo.Say($"Resolved the Latitude 7440 on {platform}  (imageops profile resolve --manufacturer 'Dell Inc.' --model 'Latitude 7440'):");
        foreach (var package in set.Packages)
        {
            demo.Say($"  inject {package.Name} ({package.Tier}{(package.IsBootStorageController ? ", boot-critical storage" : string.Empty)}): {package.Reason}");
        }

        foreach (var left in set.Excluded)
        {
            demo.Say($"  leave out {left.Name}: {left.Reason}");
        }

        var inventory = demo.PathOf("drivers", "fleet.csv");
        var csv = new StringBuilder("ComputerName,ComputerManufacturer,ComputerModel,FriendlyName,Class,HardwareID,CompatibleID,DriverInfPath\r\n");
        foreach (var pc in new[] { "LAT-001", "LAT-002" })
        {
            csv.Append(pc).Append(",Dell Inc.,Latitude 7440,Intel Ethernet,Net,").Append(Nic).Append(",PCI\\CC_020000,oem3.inf\r\n");
            csv.Append(pc).Append(",Dell Inc.,Latitude 7440,Intel RST VMD,SCSIAdapter,").Append(Storage).Append(",PCI\\CC_010400,oem5.inf\r\n");
            csv.Append(pc).Append(",Dell Inc.,Latitude 7440,Realtek Audio,MEDIA,").Append(Audio).Append(",,oem7.inf\r\n");
            csv.Append(pc).Append(",Dell Inc.,Latitude 7440,Camera sensor,System,").Append(Sensor).Append(",,oem9.inf\r\n");
            csv.Append(pc).Append(",Dell Inc.,Latitude 7440,Integrated Webcam,Camera,USB\\VID_0BDA&PID_5520,USB\\Class_0E,usbvideo.inf\r\n");
        }

        csv.Append("HP-001,HP,EliteBook 840 G10,Intel Wi-Fi 6E,Net,PCI\\VEN_8086&DEV_51F1,,oem4.inf\r\n");
        csv.Append("VM-001,\"VMware, Inc.\",\"VMware20,1\",vmxnet3,Net,PCI\\VEN_15AD&DEV_07B0,,oem2.inf\r\n");
        File.WriteAllText(inventory, csv.ToString());
        var html = demo.PathOf("drivers", "coverage.html");
        var report = drivers.TestCoverage(inventory, platform, html, context);
        demo.Say($"Checked the fleet before deployment: {report}  (imageops driver coverage fleet.csv --html coverage.html)");
        foreach (var model in report.Models)
        {
            demo.Say($"  {model.Status,-7} {model.Model}: {(model.Problems.Length == 0 ? "every device has a driver" : model.Problems[0].Message)}");
        }

        demo.Say($"Open {html} for the models x device classes matrix.");

        var e1d = drivers.Packages.Find(new DriverPackageQuery { Group = "Curated", Class = "Net" }, context).Packages[0];
        var export = drivers.Packages.Export(e1d.Id, demo.PathOf("drivers", "export"), force: false, context);
        var identical = Directory.GetFiles(Path.Combine(curated, "e1d")).All(f => File.ReadAllBytes(f).SequenceEqual(File.ReadAllBytes(Path.Combine(export.Path, Path.GetFileName(f)))));
        demo.Say($"Exported {e1d.Name} to {export.Path}: byte-identical to the original: {identical}  (imageops driver export ID --destination DIR)");
    }
}
