using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ImageOps.Bench;

/// <summary>
/// Issue 3's benchmark: an 8 GiB virtual image holding about 2 GiB of scattered data (half random,
/// half compressible), converted raw→VHDX, raw→QCOW2, VHDX→QCOW2, QCOW2→VHD and VMDK→VHDX, plus
/// compressed QCOW2 — each by `qemu-img convert` (default, and `-W -m 16`) and by `imageops disk
/// convert`, in one run, with ImageOps' peak memory. Every ImageOps output is verified with
/// `qemu-img compare` (not timed).
/// </summary>
internal sealed class DiskConversionBench
{
    private readonly string _work;
    private readonly long _virtual;
    private readonly long _data;
    private readonly int _repeat;

    public DiskConversionBench(string work, string[] args)
    {
        _work = work;
        _virtual = Gib(Option(args, "--size-gib") ?? "8");
        _data = Gib(Option(args, "--data-gib") ?? "2");
        _repeat = int.Parse(Option(args, "--repeat") ?? "1", CultureInfo.InvariantCulture);
    }

    public int Run()
    {
        if (!File.Exists(Repo.Cli))
        {
            Console.Error.WriteLine($"Publish the CLI first ({Repo.Cli}); bench/run does it.");
            return 2;
        }

        var raw = Path.Combine(_work, "source.raw");
        Console.WriteLine($"Preparing {Format(_virtual)} virtual / {Format(_data)} data source images in {_work} ...");
        SourceImage.Create(raw, _virtual, _data);
        var sources = new Dictionary<string, (string Path, string QemuFormat)>
        {
            ["raw"] = (raw, "raw"),
            ["vhdx"] = (Make(raw, "source.vhdx", "vhdx"), "vhdx"),
            ["qcow2"] = (Make(raw, "source.qcow2", "qcow2"), "qcow2"),
            ["vmdk"] = (Make(raw, "source.vmdk", "vmdk"), "vmdk"),
        };

        var cases = new[]
        {
            new Case("raw -> VHDX", "raw", "vhdx", "vhdx", false),
            new Case("raw -> QCOW2", "raw", "qcow2", "qcow2", false),
            new Case("VHDX -> QCOW2", "vhdx", "qcow2", "qcow2", false),
            new Case("QCOW2 -> VHD", "qcow2", "vpc", "vhd", false),
            new Case("VMDK -> VHDX", "vmdk", "vhdx", "vhdx", false),
            new Case("raw -> QCOW2 compressed", "raw", "qcow2", "qcow2", true),
        };

        var rows = new List<Row>();
        foreach (var c in cases)
        {
            var (source, sourceFormat) = sources[c.Source];
            var row = new Row(c.Name);
            for (var r = 0; r < _repeat; r++)
            {
                row.QemuDefault.Add(Qemu(source, sourceFormat, c, tuned: false, durable: false));
                row.QemuTuned.Add(Qemu(source, sourceFormat, c, tuned: true, durable: false));
                var (time, peak, size) = ImageOps(source, sourceFormat, c, durable: false);
                row.ImageOps.Add(time);
                row.PeakRss = Math.Max(row.PeakRss, peak);
                row.ImageOpsSize = size;
                row.QemuDurable.Add(Qemu(source, sourceFormat, c, tuned: false, durable: true));
                row.ImageOpsDurable.Add(ImageOps(source, sourceFormat, c, durable: true).Seconds);
            }

            rows.Add(row);
            Console.WriteLine($"  {c.Name}: qemu-img {row.QemuDefault.Min():F2} s, -W -m 16 {row.QemuTuned.Min():F2} s, ImageOps {row.ImageOps.Min():F2} s; durable: qemu-img -t writeback {row.QemuDurable.Min():F2} s, ImageOps --durable {row.ImageOpsDurable.Min():F2} s (outputs verified equal)");
        }

        Print(rows);
        return 0;
    }

    private string Make(string raw, string name, string format)
    {
        var path = Path.Combine(_work, name);
        File.Delete(path);
        TimedRun.Of("qemu-img", new[] { "convert", "-f", "raw", "-O", format, raw, path }).EnsureSuccess("qemu-img convert (preparing " + name + ")");
        return path;
    }

    private double Qemu(string source, string sourceFormat, Case c, bool tuned, bool durable)
    {
        var output = Path.Combine(_work, "out-qemu." + c.Extension);
        File.Delete(output);
        Quiesce();
        var args = new List<string> { "convert", "-f", sourceFormat, "-O", c.QemuTarget };
        if (durable)
        {
            // qemu-img convert writes its output with cache=unsafe (no flush) unless told otherwise.
            args.AddRange(new[] { "-t", "writeback" });
        }

        if (tuned)
        {
            args.AddRange(new[] { "-W", "-m", "16" });
        }

        if (c.Compress)
        {
            args.Add("-c");
        }

        if (c.QemuTarget == "vpc")
        {
            // Keep the exact virtual size, as ImageOps does, instead of rounding to CHS geometry.
            args.AddRange(new[] { "-o", "force_size=on" });
        }

        args.Add(source);
        args.Add(output);
        var run = TimedRun.Of("qemu-img", args).EnsureSuccess("qemu-img convert");
        File.Delete(output);
        return run.Wall.TotalSeconds;
    }

    private (double Seconds, long PeakRss, long Size) ImageOps(string source, string sourceFormat, Case c, bool durable)
    {
        var output = Path.Combine(_work, "out-imageops." + c.Extension);
        File.Delete(output);
        Quiesce();
        var args = new List<string> { Repo.Cli, "disk", "convert", source, output, "--format", c.Extension == "vhd" ? "vhd" : c.QemuTarget };
        if (c.Compress)
        {
            args.Add("--compress");
        }

        if (durable)
        {
            args.Add("--durable");
        }

        var run = TimedRun.Of("dotnet", args, new Dictionary<string, string> { ["IMAGEOPS_STATS"] = "1" }).EnsureSuccess("imageops disk convert");
        var size = new FileInfo(output).Length;
        var compare = TimedRun.Of("qemu-img", new[] { "compare", "-f", sourceFormat, "-F", c.QemuTarget, source, output });
        if (compare.ExitCode != 0)
        {
            throw new InvalidOperationException($"qemu-img compare found the ImageOps output of '{c.Name}' different from its source: {compare.Out}{compare.Err}");
        }

        var check = TimedRun.Of("qemu-img", new[] { "check", "-f", c.QemuTarget, output });
        if (check.ExitCode != 0 && check.ExitCode != 63)
        {
            throw new InvalidOperationException($"qemu-img check rejected the ImageOps output of '{c.Name}' ({check.ExitCode}): {check.Out}{check.Err}");
        }

        File.Delete(output);
        return (run.Wall.TotalSeconds, run.PeakRssBytes ?? -1, size);
    }

    /// <summary>
    /// Writes back what earlier runs left dirty, outside the timing, so no run pays for another's
    /// writeback (the sources stay in the page cache: every run reads warm).
    /// </summary>
    private static void Quiesce()
    {
        TimedRun.Of("sync", Array.Empty<string>());
        System.Threading.Thread.Sleep(500);
    }

    private void Print(List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"Disk conversion, {Format(_virtual)} virtual, {Format(_data)} data, {Environment.ProcessorCount} cores, best of {_repeat}; ratio = qemu-img time / ImageOps time (higher is better for ImageOps)");
        Console.WriteLine($"{"conversion",-26}{"qemu-img",10}{"-W -m 16",10}{"ImageOps",10}{"vs default",12}{"vs -W -m16",12}{"durable q/I",14}{"ratio",8}{"peak RSS",11}");
        foreach (var row in rows)
        {
            var mine = row.ImageOps.Min();
            var durable = $"{row.QemuDurable.Min():F1}/{row.ImageOpsDurable.Min():F1}s";
            Console.WriteLine($"{row.Name,-26}{row.QemuDefault.Min(),9:F2}s{row.QemuTuned.Min(),9:F2}s{mine,9:F2}s{row.QemuDefault.Min() / mine,11:F2}x{row.QemuTuned.Min() / mine,11:F2}x{durable,14}{row.QemuDurable.Min() / row.ImageOpsDurable.Min(),7:F2}x{row.PeakRss / 1048576.0,9:F0} MiB");
        }

        Console.WriteLine("durable q/I: qemu-img -t writeback / ImageOps --durable, both flushing the output to the device before returning.");

        Console.WriteLine();
        Console.WriteLine("Goals: >= 1.5x qemu-img default, >= 1.0x -W -m 16, >= 1.8x for compressed output, peak memory < 256 MiB.");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static long Gib(string value) => (long)(double.Parse(value, CultureInfo.InvariantCulture) * 1024 * 1024 * 1024);

    private static string Format(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB";

    private sealed record Case(string Name, string Source, string QemuTarget, string Extension, bool Compress);

    private sealed class Row
    {
        public Row(string name) => Name = name;

        public string Name { get; }

        public List<double> QemuDefault { get; } = new();

        public List<double> QemuTuned { get; } = new();

        public List<double> ImageOps { get; } = new();

        public List<double> QemuDurable { get; } = new();

        public List<double> ImageOpsDurable { get; } = new();

        public long PeakRss { get; set; }

        public long ImageOpsSize { get; set; }
    }
}
