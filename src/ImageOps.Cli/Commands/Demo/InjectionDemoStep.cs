using System.IO;
using System.Linq;
using ImageOps.Engine.Injection;
using ImageOps.Engine.Samples;
using ImageOps.Formats.Disks;

namespace ImageOps.Cli.Commands.Demo;

/// <summary>
/// Demo chapter: offline driver injection — a synthetic Windows 11 image, the plan of injecting a VirtIO
/// storage driver and a NIC (what -WhatIf shows), the injection into a new QCOW2 layer with the image
/// untouched, and the image's drivers read back.
/// </summary>
internal sealed class InjectionDemoStep : IDemoStep
{
    public string Title => "Driver injection: plan, new layer over a gold image, drivers read back";

    public void Run(DemoContext demo)
    {
        var context = demo.Session.Context();
        var folder = demo.PathOf("injection");
        Directory.CreateDirectory(folder);
        var gold = Path.Combine(folder, "win11-gold.qcow2");
        try
        {
            SyntheticWindowsImage.Create(gold, new WindowsImageSpec { Format = DiskFormat.Qcow2, SizeBytes = 256L << 20 }, context);
        }
        catch (ImageOpsException ex) when (ex.Kind == ErrorKind.NotInstalled)
        {
            demo.Say("Skipped: building and injecting into a synthetic Windows image needs mkntfs and libntfs-3g here (" + ex.Message + ").");
            return;
        }

        var drivers = Path.Combine(folder, "drivers");
        SampleInjectionDrivers.Write(Path.Combine(drivers, "viostor"), SampleInjectionDrivers.VirtioStorage());
        SampleInjectionDrivers.Write(Path.Combine(drivers, "vionet"), SampleInjectionDrivers.Network());
        demo.Say($"Built a synthetic Windows 11 image {Path.GetFileName(gold)} and two driver packages (VirtIO storage, a NIC)");

        var service = new DriverInjectionService();
        var request = new DriverInjectionRequest { ImagePath = gold, DestinationPath = Path.Combine(folder, "win11-virtio.qcow2"), DriverPaths = new[] { drivers } };
        var plan = service.PlanAdd(request, context);
        demo.Say($"Planned  (Add-ImageDriver -WhatIf, imageops image add-driver --what-if): {plan.Summary}");
        foreach (var edit in plan.RegistryEdits.Where(e => e.Key.Contains("DeviceIds") || (e.Key.EndsWith(@"Services\viostor", System.StringComparison.Ordinal) && e.Value == "Start")))
        {
            demo.Say("    " + edit);
        }

        var result = service.Apply(plan, context);
        demo.Say($"Injected into a new layer: {string.Join(" -> ", result.Chain.Select(Path.GetFileName))}; {result.FilesWritten} file(s), {result.RegistryChanges} registry change(s); the gold image was only read");
        var staged = service.GetDrivers(result.DestinationPath, context: context).Where(d => d.Kind == ImageDriverKind.Staged).ToList();
        demo.Say($"Read back (Get-ImageDriver): {string.Join(", ", staged.Select(d => $"{d.Name} {d.Status}{(d.BootStart ? " (boot start)" : string.Empty)}"))}; the first-boot installer logs to {InjectionLayout.LogPath}");
    }
}
