using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Engine.Disks.Operations;

/// <summary>Checks a disk's metadata (never opening it as a disk: checking must work on images that would not open).</summary>
internal static class DiskChecker
{
    public static DiskCheckResult Check(string path, DiskFormat? declared, bool repair, OperationContext context)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new ImageOpsException("DiskFileNotFound", ErrorKind.ObjectNotFound, $"The disk file '{full}' does not exist.", full);
        }

        using var storage = FileBlockStorage.Open(full, writable: repair);
        var format = declared is { } f ? DiskFormats.Get(f) : DiskFormats.Probe(storage);
        context.Report($"Checking {Path.GetFileName(full)}", repair ? "Checking and repairing" : "Checking", 0, -1);
        var report = format.Check(storage, new DiskCheckOptions { Repair = repair });
        if (repair)
        {
            storage.Flush(durable: true);
        }

        return new DiskCheckResult
        {
            Path = full,
            Format = format.Format,
            Status = report.Status,
            Corruptions = report.Problems.Count(p => p.Kind == DiskProblemKind.Corruption),
            Leaks = report.Problems.Count(p => p.Kind == DiskProblemKind.Leak),
            Repaired = report.Problems.Count(p => p.Repaired),
            RepairRequested = repair,
            Problems = report.Problems.ToArray(),
            AllocatedClusters = report.AllocatedClusters,
            TotalClusters = report.TotalClusters,
        };
    }
}
