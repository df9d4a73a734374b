using System.Globalization;
using ImageOps.Engine.Disks;
using Spectre.Console;

namespace ImageOps.Cli.Rendering;

/// <summary>Human views of disk results (the CLI's counterpart of the format.ps1xml views).</summary>
internal static class DiskViews
{
    public static void Info(IAnsiConsole console, DiskFileInfo info)
    {
        var grid = Grid();
        Row(grid, "Path", info.Path);
        Row(grid, "Format", $"{info.Format} ({info.Subformat})");
        Row(grid, "Variant", info.Variant.ToString());
        Row(grid, "Virtual size", Bytes(info.CapacityBytes));
        Row(grid, "File size", Bytes(info.FileSizeBytes));
        Row(grid, "Stored data", Bytes(info.AllocatedBytes));
        Row(grid, "Cluster size", Bytes(info.ClusterSizeBytes));
        Row(grid, "Sectors", $"{info.LogicalSectorSize} logical, {info.PhysicalSectorSize} physical");
        if (info.Identity is not null)
        {
            Row(grid, "Identity", info.Identity);
        }

        console.Write(grid);
        if (info.Chain.Length > 1 || info.ParentReference is not null)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumn("Depth").AddColumn("Format").AddColumn("Parent link").AddColumn("Path");
            foreach (var entry in info.Chain)
            {
                table.AddRow(entry.Depth.ToString(CultureInfo.InvariantCulture), entry.Format.ToString(), Markup.Escape(entry.ParentLink + (entry.ParentDetail is null ? string.Empty : ": " + entry.ParentDetail)), Markup.Escape(entry.Path));
            }

            console.Write(table);
        }
    }

    public static void Conversion(IAnsiConsole console, ConversionResult result)
        => console.WriteLine($"Wrote {result.DestinationPath}: {result.Format} {result.Subformat}, {Bytes(result.CapacityBytes)} virtual, {Bytes(result.DataBytesWritten)} of data, {Bytes(result.FileSizeBytes)} file, in {result.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s.");

    public static void Capture(IAnsiConsole console, CaptureResult result)
    {
        foreach (var volume in result.Volumes)
        {
            var name = volume.PartitionNumber is { } n ? $"Partition {n}" : "Volume";
            var fs = volume.FileSystem.Length == 0 ? "no file system" : volume.FileSystem;
            var how = volume.Method == CaptureMethod.UsedClusters ? $"{Bytes(volume.UsedBytes)} used clusters" : "every sector";
            console.WriteLine($"{name}: {fs}, {Bytes(volume.SizeBytes)}, {how}{(volume.Reason is null ? string.Empty : " (" + volume.Reason + ")")}");
        }

        var skipped = result.UsedOnly ? $", {Bytes(result.FreeBytesSkipped)} of free clusters left out" : string.Empty;
        console.WriteLine($"Captured {result.SourcePath}{(result.PartitionNumber is { } p ? $" partition {p}" : string.Empty)} to {result.DestinationPath}: {result.Format} {result.Subformat}, {Bytes(result.CapacityBytes)} virtual, {Bytes(result.DataBytesWritten)} of data{skipped}, {Bytes(result.FileSizeBytes)} file, in {result.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s.");
    }

    public static void Check(IAnsiConsole console, DiskCheckResult result)
    {
        foreach (var problem in result.Problems)
        {
            console.WriteLine(problem.ToString());
        }

        console.WriteLine(result.Status switch
        {
            Formats.Disks.DiskCheckStatus.Clean => $"No errors were found on the image ({result.Path}).",
            Formats.Disks.DiskCheckStatus.NotSupported => $"This image format has no metadata to check ({result.Format}).",
            _ => $"{result.Corruptions} corruption(s) and {result.Leaks} leak(s) found{(result.RepairRequested ? $"; {result.Repaired} repaired" : string.Empty)}.",
        });
    }

    public static void Comparison(IAnsiConsole console, DiskComparison result)
        => console.WriteLine(result.Identical
            ? "Images are identical."
            : $"Content mismatch at offset {result.FirstDifferenceOffset?.ToString(CultureInfo.InvariantCulture)}!");

    public static void Measure(IAnsiConsole console, DiskMeasureResult result)
    {
        var grid = Grid();
        Row(grid, "required size", result.RequiredBytes.ToString(CultureInfo.InvariantCulture) + " (" + Bytes(result.RequiredBytes) + ")");
        Row(grid, "fully allocated size", result.FullyAllocatedBytes.ToString(CultureInfo.InvariantCulture) + " (" + Bytes(result.FullyAllocatedBytes) + ")");
        console.Write(grid);
    }

    public static void Optimize(IAnsiConsole console, DiskOptimizeResult result)
        => console.WriteLine($"Compacted {result.Path}: {Bytes(result.FileSizeBeforeBytes)} -> {Bytes(result.FileSizeAfterBytes)} ({Bytes(result.ReclaimedBytes)} reclaimed).");

    public static void Merge(IAnsiConsole console, DiskMergeResult result)
        => console.WriteLine($"Merged {Bytes(result.BytesMerged)} from {result.ChildPath} into {result.DestinationPath}{(result.ChildRemoved ? "; the child was deleted." : ".")}");

    private static Grid Grid() => new Grid().AddColumn().AddColumn();

    private static void Row(Grid grid, string label, string value) => grid.AddRow(new Text(label), new Text(value));

    private static string Bytes(long bytes) => ByteSize.Format(bytes, CultureInfo.InvariantCulture);
}
