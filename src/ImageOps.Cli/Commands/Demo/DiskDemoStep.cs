using System.IO;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;

namespace ImageOps.Cli.Commands.Demo;

/// <summary>
/// Demo chapter 2: virtual disks — a partitioned disk, converted between formats (compressed),
/// verified, checked, measured, and given a differencing child whose chain is inspected.
/// </summary>
internal sealed class DiskDemoStep : IDemoStep
{
    public string Title => "Virtual disks: convert, verify, check, and differencing chains";

    public void Run(DemoContext demo)
    {
        var disks = new DiskFileService();
        var context = demo.Session.Context();
        Directory.CreateDirectory(demo.PathOf("disks"));
        var raw = demo.PathOf("disks", "gold.img");
        disks.Create(new NewDiskRequest { Path = raw, Format = DiskFormat.Raw, Variant = DiskVariant.Fixed, SizeBytes = 256L << 20 }, context);
        using (var disk = DiskFormats.Open(raw, new DiskOpenOptions { Writable = true }))
        {
            PartitionTableWriter.WriteGpt(disk, new[]
            {
                new PartitionSpec { Kind = PartitionKind.EfiSystem, SizeBytes = 32L << 20, Name = "EFI system partition" },
                new PartitionSpec { Kind = PartitionKind.MicrosoftReserved, SizeBytes = 16L << 20, Name = "Microsoft reserved partition" },
                new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = 0, Name = "Basic data partition" },
            });

            // Some content: text that compresses, in the data partition.
            var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(System.Linq.Enumerable.Repeat("ImageOps demo data: one gold image per OS. ", 24000)));
            disk.Write(64L << 20, text);
        }

        var info = disks.GetInfo(raw, context: context);
        demo.Say($"Made a 256 MiB GPT disk (EFI, MSR, basic data) holding {ByteSize.Format(info.AllocatedBytes)}  (New-DiskFile)");

        var qcow2 = demo.PathOf("disks", "gold.qcow2");
        var converted = disks.Convert(new ConversionRequest { SourcePath = raw, DestinationPath = qcow2, Format = DiskFormat.Qcow2, Compress = true }, context);
        demo.Say($"Converted it to a compressed QCOW2 of {ByteSize.Format(converted.FileSizeBytes)} in {converted.Duration.TotalSeconds:F2} s  (imageops disk convert ... --format qcow2 --compress)");

        var same = disks.Compare(raw, qcow2, context: context);
        demo.Say($"Compared the two across formats: identical = {same.Identical}  (Compare-DiskFile)");

        var check = disks.Check(qcow2, context: context);
        demo.Say($"Checked the QCOW2's metadata: {check.Status}  (imageops disk check: exit 0 clean, 2 corrupt, 3 leaks)");

        var measure = disks.Measure(raw, DiskFormat.Qcow2, context: context);
        demo.Say($"Measured an uncompressed QCOW2 before writing it: {ByteSize.Format(measure.RequiredBytes)} required  (Measure-DiskFile)");

        var child = demo.PathOf("disks", "desktop-01.qcow2");
        disks.Create(new NewDiskRequest { Path = child, Format = DiskFormat.Qcow2, ParentPath = qcow2 }, context);
        var chain = disks.GetInfo(child, context: context);
        demo.Say($"Made a linked clone: {Path.GetFileName(child)} over {Path.GetFileName(qcow2)} (chain of {chain.Chain.Length}, parent link {chain.Chain[0].ParentLink})");
    }
}
