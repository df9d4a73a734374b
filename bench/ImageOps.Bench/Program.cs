using System;
using System.IO;
using ImageOps.Bench;

// imageops-bench <suite> [--work DIR] [suite options]
// Suites print a table of ImageOps against the reference tool, run in the same session.
var suite = args.Length > 0 ? args[0] : "disks";
var work = Option(args, "--work") ?? Path.Combine(Repo.Root, "bench", "out", suite);
Directory.CreateDirectory(work);
switch (suite)
{
    case "disks":
        return new DiskConversionBench(work, args).Run();
    case "capture":
        return new CaptureBench(work, args).Run();
    case "drivers":
        return DriverBench.Run(
            count: int.TryParse(Option(args, "--count"), out var n) ? n : 10_000,
            corpus: Option(args, "--corpus"),
            work: Option(args, "--work"),
            keep: Array.IndexOf(args, "--keep") >= 0);
    case "inject":
        return new InjectionBench(work, args).Run();
    default:
        Console.Error.WriteLine($"Unknown suite '{suite}'. Suites: disks, capture, drivers, inject.");
        return 2;
}

static string? Option(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
