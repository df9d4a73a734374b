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
        AddCmdExe(image);
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

        var (theirs, reason, label) = VirtCustomize(image, tree);
        Console.WriteLine();
        Console.WriteLine($"Driver injection, {drivers.Count} packages into a {Format(_size)} image, {Environment.ProcessorCount} cores, best of {_repeat}; ratio = virt-customize time / ImageOps time (higher is better for ImageOps)");
        Console.WriteLine($"{"tool",-44}{"best",10}");
        Console.WriteLine($"{"imageops image add-driver (QCOW2 layer)",-44}{ours.Min(),9:F2}s");
        if (theirs.Count > 0)
        {
            Console.WriteLine($"{label,-44}{theirs.Min(),9:F2}s");
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

    private (List<double> Times, string? Reason, string Label) VirtCustomize(string image, string tree)
    {
        var times = new List<double>();
        if (Find("virt-customize") is null)
        {
            return (times, "virt-customize is not installed (apt-get install libguestfs-tools linux-image-amd64)", string.Empty);
        }

        var environment = new Dictionary<string, string> { ["LIBGUESTFS_BACKEND"] = "direct", ["LIBGUESTFS_BACKEND_SETTINGS"] = "force_tcg" };
        var help = TimedRun.Of("virt-customize", new[] { "--help" });
        var native = help.Out.Contains("--inject-virtio-win");
        string[] stubReg = Array.Empty<string>();
        string? flat = null;
        if (!native)
        {
            // guestfs-tools before 1.52 (Debian 12 has 1.48) has no --inject-virtio-win: the same writes
            // (injection-facts.md §4.7: the files flattened into Windows\Drivers\VirtIO, viostor.sys into
            // System32\drivers, the §4.2 SYSTEM stub) are made with virt-customize --copy-in/--upload and
            // virt-win-reg --merge, each one appliance launch as --inject-virtio-win's own.
            flat = Path.Combine(_work, "flat", "VirtIO");
            Directory.CreateDirectory(flat);
            foreach (var file in Directory.GetFiles(tree, "*", SearchOption.AllDirectories))
            {
                File.Copy(file, Path.Combine(flat, Path.GetFileName(file).ToLowerInvariant()), overwrite: true);
            }

            var reg = Path.Combine(_work, "guestor.reg");
            File.WriteAllText(reg, GuestorReg());
            stubReg = new[] { reg };
            Console.WriteLine($"  {TimedRun.Of("virt-customize", new[] { "--version" }).Out.Trim()} has no --inject-virtio-win (guestfs-tools 1.52 added it): timing the same writes (injection-facts.md §4.7) with virt-customize --copy-in/--upload plus virt-win-reg --merge.");
        }

        var overlay = Path.Combine(_work, "virt-customize-overlay.qcow2");
        for (var i = 0; i < _repeat; i++)
        {
            File.Delete(overlay);
            TimedRun.Of("qemu-img", new[] { "create", "-q", "-f", "qcow2", "-F", "raw", "-b", image, overlay }).EnsureSuccess("qemu-img create (overlay)");
            var runs = new List<TimedRun>();
            if (native)
            {
                runs.Add(TimedRun.Of("virt-customize", new[] { "--format", "qcow2", "-a", overlay, "--no-network", "--inject-virtio-win", tree }, environment));
            }
            else
            {
                runs.Add(TimedRun.Of("virt-customize", new[] { "--format", "qcow2", "-a", overlay, "--no-network", "--mkdir", "/Windows/Drivers", "--copy-in", flat + ":/Windows/Drivers", "--upload", Path.Combine(flat!, "viostor.sys") + ":/Windows/System32/drivers/viostor.sys" }, environment));
                if (runs[0].ExitCode == 0)
                {
                    runs.Add(TimedRun.Of("virt-win-reg", new[] { "--merge", "--format", "qcow2", overlay, stubReg[0] }, environment));
                }
            }

            var failed = runs.FirstOrDefault(r => r.ExitCode != 0);
            if (failed is not null)
            {
                var tail = string.Join(" | ", (failed.Err + failed.Out).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(3));
                return (times, $"libguestfs failed (exit {failed.ExitCode}): {tail}", string.Empty);
            }

            var seconds = runs.Sum(r => r.Wall.TotalSeconds);
            times.Add(seconds);
            Console.WriteLine($"  virt-customize{(native ? string.Empty : " + virt-win-reg")} run {i + 1}: {seconds:F2} s");
        }

        return (times, null, native ? "virt-customize --inject-virtio-win (TCG)" : "virt-customize + virt-win-reg (TCG)");
    }

    /// <summary>The SYSTEM stub of injection-facts.md §4.2 for viostor, as virt-customize writes it (current label).</summary>
    private static string GuestorReg()
    {
        const string Label = "guestor.inf_amd64_0000000000000000";
        var text = new System.Text.StringBuilder("Windows Registry Editor Version 5.00\r\n\r\n");
        text.Append("[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\viostor]\r\n\"Type\"=dword:00000001\r\n\"Start\"=dword:00000000\r\n\"Group\"=\"SCSI miniport\"\r\n\"ErrorControl\"=dword:00000001\r\n\"ImagePath\"=hex(2):" + Hex(@"system32\drivers\viostor.sys") + "\r\n\r\n");
        text.Append("[HKEY_LOCAL_MACHINE\\SYSTEM\\DriverDatabase\\DriverInfFiles\\guestor.inf]\r\n@=hex(7):" + Hex(Label + "\0") + "\r\n\"Active\"=\"" + Label + "\"\r\n\"Configurations\"=hex(7):" + Hex("guestor_conf\0") + "\r\n\r\n");
        var ids = new[] { "VEN_1AF4&DEV_1001&REV_00", "VEN_1AF4&DEV_1042&REV_01" };
        text.Append("[HKEY_LOCAL_MACHINE\\SYSTEM\\DriverDatabase\\DeviceIds\\PCI]\r\n\r\n");
        foreach (var id in ids)
        {
            text.Append("[HKEY_LOCAL_MACHINE\\SYSTEM\\DriverDatabase\\DeviceIds\\PCI\\" + id + "]\r\n\"guestor.inf\"=hex:01,ff,00,00\r\n\r\n");
        }

        // hivex's merge creates a key only under one that exists: parents first.
        var package = "HKEY_LOCAL_MACHINE\\SYSTEM\\DriverDatabase\\DriverPackages\\" + Label;
        text.Append("[" + package + "]\r\n\"Version\"=hex:00,ff,09,00,00,00,00,00,7b,e9,36,4d,25,e3,ce,11,bf,c1,08,00,2b,e1,03,18" + string.Concat(Enumerable.Repeat(",00", 24)) + "\r\n\r\n");
        text.Append("[" + package + "\\Configurations]\r\n\r\n");
        text.Append("[" + package + "\\Configurations\\guestor_conf]\r\n\"ConfigFlags\"=dword:00000000\r\n\"Service\"=\"viostor\"\r\n\r\n");
        text.Append("[" + package + "\\Descriptors]\r\n\r\n[" + package + "\\Descriptors\\PCI]\r\n\r\n");
        foreach (var id in ids)
        {
            text.Append("[" + package + "\\Descriptors\\PCI\\" + id + "]\r\n\"Configuration\"=\"guestor_conf\"\r\n\r\n");
        }

        return text.ToString();
    }

    /// <summary>A PE32+ x64 console executable header (no code), enough for libguestfs to tell the architecture.</summary>
    private static byte[] MinimalPe()
    {
        var pe = new byte[4096];
        pe[0] = (byte)'M';
        pe[1] = (byte)'Z';
        BitConverter.GetBytes(0x80).CopyTo(pe, 0x3C);
        "PE\0\0"u8.ToArray().CopyTo(pe, 0x80);
        BitConverter.GetBytes((ushort)0x8664).CopyTo(pe, 0x84);   // Machine: AMD64
        BitConverter.GetBytes((ushort)0xF0).CopyTo(pe, 0x94);     // SizeOfOptionalHeader
        BitConverter.GetBytes((ushort)0x22).CopyTo(pe, 0x96);     // executable, large-address aware
        BitConverter.GetBytes((ushort)0x20B).CopyTo(pe, 0x98);    // PE32+
        BitConverter.GetBytes((ushort)3).CopyTo(pe, 0x98 + 68);   // Subsystem: console
        return pe;
    }

    private static string Hex(string text) => string.Join(",", System.Text.Encoding.Unicode.GetBytes(text + "\0").Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    /// <summary>
    /// libguestfs recognises a Windows root only with <c>System32\cmd.exe</c> in it (inspect-fs-windows.c),
    /// which the synthetic image does not have: a placeholder is added, as a real image has the file.
    /// </summary>
    private static void AddCmdExe(string rawImage)
    {
        using var disk = DiskFormats.Open(rawImage, new DiskOpenOptions { Writable = true });
        var partition = ImageOps.Formats.Partitions.PartitionTable.Read(disk).Partitions.Last();
        using (var volume = ImageOps.Engine.OfflineVolumes.Ntfs3gVolume.Open(disk, partition))
        {
            ImageOps.Engine.OfflineVolumes.OfflineVolumeExtensions.WriteAllBytes(volume, @"Windows\System32\cmd.exe", MinimalPe());
            volume.Flush();
        }

        disk.Flush();
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
