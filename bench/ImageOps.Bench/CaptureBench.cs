using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.Samples;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;

namespace ImageOps.Bench;

/// <summary>
/// Issue 4's capture benchmark: NTFS volumes (8 GiB by default) filled to about 25, 50 and 75% with a
/// desktop-like mix (many small files, medium ones, fragmented large ones, deleted files whose free
/// clusters keep stale bytes; the free space past them holds stale bytes too, as a used disk's does),
/// each captured in one run by `partclone.ntfs -c` (its own format), by a full `qemu-img convert -O vhdx`
/// (every sector), and by `imageops disk capture --format vhdx` with and without `--used-only`. Prints
/// time and output size and the ratios the issue sets goals for. Volumes are built once and reused
/// (bench/out/capture/vol-NN.raw); every run reads warm (the volume is read once before its runs).
/// </summary>
internal sealed class CaptureBench
{
    private const string Marker = "capture-bench-volume v1";
    private readonly string _work;
    private readonly long _size;
    private readonly int[] _fills;
    private readonly int _repeat;
    private readonly bool _prepareOnly;

    public CaptureBench(string work, string[] args)
    {
        _work = work;
        _size = (long)(double.Parse(Option(args, "--size-gib") ?? "8", CultureInfo.InvariantCulture) * (1L << 30)) / (1 << 20) * (1 << 20);
        _fills = (Option(args, "--fills") ?? "25,50,75").Split(',').Select(f => int.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        _repeat = int.Parse(Option(args, "--repeat") ?? "1", CultureInfo.InvariantCulture);
        _prepareOnly = args.Contains("--prepare-only");
    }

    public int Run()
    {
        if (!File.Exists(Repo.Cli))
        {
            Console.Error.WriteLine($"Publish the CLI first ({Repo.Cli}); bench/run does it.");
            return 2;
        }

        foreach (var tool in new[] { "partclone.ntfs", "qemu-img", "mkntfs" })
        {
            if (Which(tool) is null)
            {
                Console.Error.WriteLine($"'{tool}' is not installed (apt-get install partclone qemu-utils ntfs-3g).");
                return 2;
            }
        }

        if (_prepareOnly)
        {
            foreach (var fill in _fills)
            {
                Console.WriteLine($"{Prepare(fill)}: {UsedShare(Prepare(fill)):F1}% of clusters in use");
            }

            return 0;
        }

        var rows = new List<Row>();
        foreach (var fill in _fills)
        {
            var volume = Prepare(fill);
            var row = new Row(fill, UsedShare(volume));
            WarmUp(volume);
            for (var r = 0; r < _repeat; r++)
            {
                row.Partclone.Add(Time(out var pcSize, "partclone.ntfs", "-c", "-s", volume, "-o", Output("out.pc"), "-L", Output("partclone.log")));
                row.PartcloneSize = pcSize;
                row.Full.Add(Time(out var fullSize, "qemu-img", "convert", "-f", "raw", "-O", "vhdx", volume, Output("out-full.vhdx")));
                row.FullSize = fullSize;
                row.Used.Add(Time(out var usedSize, "dotnet", Repo.Cli, "disk", "capture", volume, Output("out-used.vhdx"), "--format", "vhdx", "--used-only"));
                row.UsedSize = usedSize;
                Verify("out-used.vhdx", null);
                row.UsedApparentSize = new FileInfo(Output("out-used.vhdx")).Length;
                row.UsedDurable.Add(Time(out _, "dotnet", Repo.Cli, "disk", "capture", volume, Output("out-used.vhdx"), "--format", "vhdx", "--used-only", "--durable"));
                row.All.Add(Time(out var allSize, "dotnet", Repo.Cli, "disk", "capture", volume, Output("out-all.vhdx"), "--format", "vhdx"));
                row.AllSize = allSize;
                Verify("out-all.vhdx", volume);
                Cleanup();
            }

            rows.Add(row);
            Console.WriteLine($"  {fill}% ({row.UsedPercent:F0}% used): partclone {row.Partclone.Min():F2} s, qemu-img full {row.Full.Min():F2} s, ImageOps used-only {row.Used.Min():F2} s (--durable {row.UsedDurable.Min():F2} s), every sector {row.All.Min():F2} s (outputs checked)");
        }

        Print(rows);
        return 0;
    }

    /// <summary>Builds (or reuses) the volume of one fullness: stale bytes everywhere, mkntfs, then files through libntfs-3g.</summary>
    private string Prepare(int fill)
    {
        var path = Path.Combine(_work, $"vol-{fill:D2}.raw");
        var stamp = path + ".ok";
        var expected = $"{Marker} size={_size} fill={fill}";
        if (File.Exists(path) && File.Exists(stamp) && File.ReadAllText(stamp) == expected)
        {
            return path;
        }

        File.Delete(stamp);
        File.Delete(path);
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"Building a {Format(_size)} NTFS volume filled to {fill}% in {path} (once; reused by later runs) ...");
        WriteStale(path, _size);
        Run("mkntfs", "-F", "-Q", "-q", "-c", "4096", "-L", "BENCH", path);
        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true, Format = DiskFormat.Raw }))
        using (var volume = Ntfs3gVolume.Open(disk, 0, disk.Capacity))
        {
            var target = _size * fill / 100;
            var result = SampleVolumeFiller.Fill(volume, new VolumeFillOptions
            {
                TargetBytes = target,
                LargeFileBytes = 256L << 20,
                DeletedBytes = _size / 20,
                Seed = 4000 + fill,
            });
            Console.WriteLine($"  {result.Files.Count} files, {Format(result.KeptBytes)} kept, {result.DeletedFiles} files ({Format(result.DeletedBytes)}) deleted, in {clock.Elapsed.TotalSeconds:F0} s");
        }

        File.WriteAllText(stamp, expected);
        return path;
    }

    /// <summary>Fills the file with non-zero bytes: the free space of a used disk is not zeros, and a full copy must read and write it.</summary>
    private static void WriteStale(string path, long size)
    {
        var block = new byte[4 << 20];
        new Random(1).NextBytes(block);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        for (long at = 0; at < size; at += block.Length)
        {
            BitConverter.TryWriteBytes(block.AsSpan(0, 8), at);
            file.Write(block, 0, (int)Math.Min(block.Length, size - at));
        }
    }

    private static double UsedShare(string volume)
    {
        using var disk = DiskFormats.Open(volume, new DiskOpenOptions { Format = DiskFormat.Raw });
        using var ntfs = NtfsVolume.Open(disk, 0, disk.Capacity);
        var bitmap = ntfs.GetClusterBitmap();
        return 100.0 * bitmap.AllocatedClusters / bitmap.ClusterCount;
    }

    /// <summary>Reads the volume once, untimed, so every tool reads it from the page cache alike.</summary>
    private static void WarmUp(string volume)
    {
        var buffer = new byte[4 << 20];
        using var file = new FileStream(volume, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        while (file.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    private double Time(out long outputSize, string tool, params string[] args)
    {
        var output = args.FirstOrDefault(a => a.StartsWith(_work, StringComparison.Ordinal) && (a.EndsWith(".pc", StringComparison.Ordinal) || a.EndsWith(".vhdx", StringComparison.Ordinal)))!;
        File.Delete(output);
        Quiesce();
        var run = TimedRun.Of(tool, args).EnsureSuccess(tool + " " + string.Join(' ', args));
        outputSize = OnDisk(output);
        return run.Wall.TotalSeconds;
    }

    /// <summary>qemu-img check of an ImageOps output; for an every-sector capture also qemu-img compare with the volume.</summary>
    private void Verify(string name, string? volume)
    {
        var path = Output(name);
        var check = TimedRun.Of("qemu-img", new[] { "check", "-f", "vhdx", path });
        if (check.ExitCode != 0)
        {
            throw new InvalidOperationException($"qemu-img check rejected {name} ({check.ExitCode}): {check.Out}{check.Err}");
        }

        if (volume is not null)
        {
            var compare = TimedRun.Of("qemu-img", new[] { "compare", "-f", "raw", "-F", "vhdx", volume, path });
            if (compare.ExitCode != 0)
            {
                throw new InvalidOperationException($"qemu-img compare found {name} different from the volume: {compare.Out}{compare.Err}");
            }
        }
    }

    private void Cleanup()
    {
        foreach (var name in new[] { "out.pc", "out-full.vhdx", "out-used.vhdx", "out-all.vhdx", "partclone.log" })
        {
            File.Delete(Output(name));
        }
    }

    private string Output(string name) => Path.Combine(_work, name);

    /// <summary>Writes back what earlier runs left dirty, outside the timing (as the disk suite does).</summary>
    private static void Quiesce()
    {
        TimedRun.Of("sync", Array.Empty<string>());
        System.Threading.Thread.Sleep(500);
    }

    /// <summary>Bytes the file takes on the device (du): a dynamic VHDX reserves whole blocks but leaves what it never wrote as holes.</summary>
    private static long OnDisk(string path)
    {
        var du = TimedRun.Of("du", new[] { "-B1", path }).EnsureSuccess("du");
        return long.Parse(du.Out.Split('\t')[0], CultureInfo.InvariantCulture);
    }

    private static void Run(string tool, params string[] args) => TimedRun.Of(tool, args).EnsureSuccess(tool);

    private static string? Which(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Append("/usr/sbin").Append("/sbin")
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private void Print(List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"Capture of a {Format(_size)} NTFS volume, {Environment.ProcessorCount} cores, best of {_repeat}, warm page cache; sizes are what the output takes on disk (du)");
        Console.WriteLine($"{"fill",-11}{"partclone",16}{"qemu-img full",16}{"used-only",16}{"--durable",10}{"every sector",16}{"used/pc",9}{"durable/pc",11}{"used/full",10}");
        foreach (var row in rows)
        {
            var used = row.Used.Min();
            var pc = row.Partclone.Min();
            Console.WriteLine(
                $"{row.Fill + "% (" + row.UsedPercent.ToString("F0", CultureInfo.InvariantCulture) + "%)",-11}" +
                $"{Cell(pc, row.PartcloneSize),16}{Cell(row.Full.Min(), row.FullSize),16}{Cell(used, row.UsedSize),16}{row.UsedDurable.Min(),9:F2}s{Cell(row.All.Min(), row.AllSize),16}" +
                $"{used / pc,8:F2}x{row.UsedDurable.Min() / pc,10:F2}x{used / row.Full.Min(),9:F2}x");
        }

        Console.WriteLine("fill: target (share of clusters in use per $Bitmap). used-only / every sector: imageops disk capture --format vhdx [--used-only]; --durable: the same");
        Console.WriteLine("used-only capture flushed to the device before it appears, as partclone syncs its image before it exits. Apparent size of the used-only VHDX");
        Console.WriteLine("(whole 32 MiB blocks reserved, unwritten parts left as holes): " + string.Join(", ", rows.Select(r => $"{r.Fill}%: {r.UsedApparentSize / (double)(1L << 30):F2}G")) + ".");
        Console.WriteLine("Goals: used/pc <= 1.20x (ImageOps used-only time / partclone.ntfs -c time); used/full < 1.00x whenever under 60% full (/ qemu-img convert -O vhdx time).");
    }

    private static string Cell(double seconds, long bytes) => $"{seconds:F2}s {bytes / (double)(1L << 30):F2}G";

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string Format(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB";

    private sealed class Row
    {
        public Row(int fill, double usedPercent)
        {
            Fill = fill;
            UsedPercent = usedPercent;
        }

        public int Fill { get; }

        public double UsedPercent { get; }

        public List<double> Partclone { get; } = new();

        public List<double> Full { get; } = new();

        public List<double> Used { get; } = new();

        public List<double> All { get; } = new();

        public List<double> UsedDurable { get; } = new();

        public long UsedApparentSize { get; set; }

        public long PartcloneSize { get; set; }

        public long FullSize { get; set; }

        public long UsedSize { get; set; }

        public long AllSize { get; set; }
    }
}
