using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ImageOps.Engine.Samples;
using ImageOps.Formats.Disks;

namespace ImageOps.Bench;

/// <summary>
/// The injection benchmark (issue 6, item 6): a set of driver packages (default 30, laid out as a
/// virtio-win tree, <c>&lt;driver&gt;/w11/amd64/</c>, the VirtIO storage driver among them) injected into a
/// synthetic Windows 11 image of 8 GiB, by <c>imageops image add-driver</c> (a new QCOW2 layer over the raw
/// image) and by <c>virt-customize --inject-virtio-win</c> (into a QCOW2 overlay of the same image, since it
/// writes in place), each as a whole process, wall-clock, best of the runs. libguestfs runs its appliance
/// under TCG here (<c>LIBGUESTFS_BACKEND_SETTINGS=force_tcg</c>: KVM is present but unusable). Where
/// libguestfs cannot run, ImageOps' figures are printed with the reason.
/// </summary>
/// <remarks>
/// The two do not write the same thing: virt-customize copies the files matching the guest into
/// Windows\Drivers\VirtIO and registers the block driver (injection-facts.md §4.7); ImageOps stages every
/// package, registers every boot-start storage driver, appends DevicePath and adds the first-boot installer
/// (a superset). The figure compares the tools' cost for a model's driver set, not identical outputs.
/// </remarks>
internal sealed class InjectionBench
{
    private readonly string _work;
    private readonly long _size;
    private readonly int _packages;
    private readonly int _repeat;
    private readonly bool _keep;

    public InjectionBench(string work, string[] args)
    {
        _work = Path.GetFullPath(work);
        _size = (long)(double.Parse(Option(args, "--size-gib") ?? "8", CultureInfo.InvariantCulture) * (1L << 30));
        _packages = int.Parse(Option(args, "--packages") ?? "30", CultureInfo.InvariantCulture);
        _repeat = int.Parse(Option(args, "--repeat") ?? "3", CultureInfo.InvariantCulture);
        _keep = Array.IndexOf(args, "--keep") >= 0;
    }

    public int Run()
    {
        Directory.CreateDirectory(_work);
        foreach (var stale in Directory.GetFileSystemEntries(_work))
        {
            if (Directory.Exists(stale))
            {
                Directory.Delete(stale, recursive: true);
            }
            else
            {
                File.Delete(stale);
            }
        }

        Console.WriteLine($"ImageOps injection benchmark — {Environment.ProcessorCount} CPU(s), .NET {Environment.Version}, work folder {_work}");
        var image = Path.Combine(_work, "win11.img");
        var build = System.Diagnostics.Stopwatch.StartNew();
        SyntheticWindowsImage.Create(image, new WindowsImageSpec { Format = DiskFormat.Raw, SizeBytes = _size });
        var tree = Path.Combine(_work, "virtio-win");
        var drivers = SampleInjectionDrivers.Set(_packages - 1);
        drivers.Insert(0, SampleInjectionDrivers.VirtioStorage());
        long bytes = 0;
        foreach (var driver in drivers)
        {
            var inf = SampleInjectionDrivers.Write(Path.Combine(tree, driver.Service, "w11", "amd64"), driver, binaryBytes: 1 << 20);
            bytes += Directory.GetFiles(Path.GetDirectoryName(inf)!).Sum(f => new FileInfo(f).Length);
        }

        Console.WriteLine($"Prepared a {Format(_size)} synthetic Windows 11 image and {drivers.Count} packages ({Format(bytes)}) in {build.Elapsed.TotalSeconds:F1} s.");

        var ours = new List<double>();
        var layer = Path.Combine(_work, "imageops-layer.qcow2");
        for (var i = 0; i < _repeat; i++)
        {
            File.Delete(layer);
            var run = TimedRun.Of("dotnet", new[] { Repo.Cli, "image", "add-driver", image, "--driver", tree, "--output", layer, "--json" }).EnsureSuccess("imageops image add-driver");
            ours.Add(run.Wall.TotalSeconds);
        }

        var check = TimedRun.Of("qemu-img", new[] { "check", "-f", "qcow2", layer });
        Console.WriteLine($"  ImageOps: {string.Join(", ", ours.Select(s => s.ToString("F2", CultureInfo.InvariantCulture) + " s"))} (layer {Format(new FileInfo(layer).Length)}, qemu-img check exit {check.ExitCode})");

        var (theirs, reason) = VirtCustomize(image, tree);
        Console.WriteLine();
        Console.WriteLine($"Driver injection, {drivers.Count} packages into a {Format(_size)} image, {Environment.ProcessorCount} cores, best of {_repeat}; ratio = virt-customize time / ImageOps time (higher is better for ImageOps)");
        Console.WriteLine($"{"tool",-44}{"best",10}");
        Console.WriteLine($"{"imageops image add-driver (QCOW2 layer)",-44}{ours.Min(),9:F2}s");
        if (theirs.Count > 0)
        {
            Console.WriteLine($"{"virt-customize --inject-virtio-win (TCG)",-44}{theirs.Min(),9:F2}s");
            Console.WriteLine($"ratio: {theirs.Min() / ours.Min():F2}x");
        }
        else
        {
            Console.WriteLine($"virt-customize: not run — {reason}");
        }

        if (!_keep)
        {
            Directory.Delete(_work, recursive: true);
        }

        return 0;
    }

    private (List<double> Times, string? Reason) VirtCustomize(string image, string tree)
    {
        var times = new List<double>();
        if (Find("virt-customize") is null)
        {
            return (times, "virt-customize is not installed (apt-get install libguestfs-tools linux-image-amd64)");
        }

        var environment = new Dictionary<string, string> { ["LIBGUESTFS_BACKEND"] = "direct", ["LIBGUESTFS_BACKEND_SETTINGS"] = "force_tcg" };
        var overlay = Path.Combine(_work, "virt-customize-overlay.qcow2");
        for (var i = 0; i < _repeat; i++)
        {
            File.Delete(overlay);
            TimedRun.Of("qemu-img", new[] { "create", "-q", "-f", "qcow2", "-F", "raw", "-b", image, overlay }).EnsureSuccess("qemu-img create (overlay)");
            var run = TimedRun.Of("virt-customize", new[] { "-a", overlay, "--format", "qcow2", "--no-network", "--inject-virtio-win", tree }, environment);
            if (run.ExitCode != 0)
            {
                var tail = string.Join(" | ", (run.Err + run.Out).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(3));
                return (times, $"virt-customize failed (exit {run.ExitCode}): {tail}");
            }

            times.Add(run.Wall.TotalSeconds);
            Console.WriteLine($"  virt-customize run {i + 1}: {run.Wall.TotalSeconds:F2} s");
        }

        return (times, null);
    }

    private static string? Find(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Format(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):F1} GiB" : $"{bytes / (double)(1L << 20):F1} MiB";
}
