using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.Cli.Commands.Disk;

/// <summary><c>imageops disk capture SRC DST --format F [--used-only] [--partition N] [--compress]</c> — New-DiskFile -CapturePath.</summary>
internal static class DiskCaptureVerb
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "What to capture: a block device (Linux, read as raw) or a disk file of any format." };
        var destination = new Argument<string>("destination") { Description = "The image to write." };
        var format = new Option<DiskFormat>("--format", "-f") { Description = "Image format: raw, vhd, vhdx, qcow2 or vmdk.", Required = true };
        var usedOnly = new Option<bool>("--used-only") { Description = "Copy only the clusters NTFS volumes use (free clusters read as zeros); partition tables and other partitions are copied by sector." };
        var partition = new Option<int?>("--partition") { Description = "Capture only this partition, as a volume image (no partition table)." };
        var sourceFormat = new Option<DiskFormat?>("--source-format") { Description = "The source file's format, when detection from content should be skipped (a device is always raw)." };
        var variant = new Option<DiskVariant?>("--variant") { Description = "fixed or dynamic output (default: dynamic)." };
        var compress = new Option<bool>("--compress", "-c") { Description = "Compress the output (qcow2, streamOptimized vmdk)." };
        var blockSize = DiskOptions.BlockSize();
        var subformat = DiskOptions.Subformat();
        var workers = new Option<int?>("--workers") { Description = "Reader and compressor threads (default: one per core, at most 8)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing destination once the new image is complete." };
        var durable = new Option<bool>("--durable") { Description = "Flush the new image to the device before it appears (survives power loss)." };
        var roots = DiskOptions.ParentSearchPath();
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("capture", "Capture a block device, a disk file or one partition into an image, every sector or (--used-only) only the clusters NTFS uses.")
        {
            source, destination, format, usedOnly, partition, sourceFormat, variant, compress, blockSize, subformat, workers, force, durable, roots, whatIf,
        };
        VerbAction.Set(command, session =>
        {
            var from = CliPaths.Full(session.Parse.GetRequiredValue(source));
            var to = CliPaths.Full(session.Parse.GetRequiredValue(destination));
            var number = session.Parse.GetValue(partition);
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf(session.Parse.GetValue(usedOnly) ? "Capture used clusters" : "Capture every sector", $"'{from}'{(number is null ? string.Empty : $" partition {number}")} to '{to}'");
                return ExitCodes.Success;
            }

            var request = new CaptureRequest
            {
                SourcePath = from,
                SourceFormat = session.Parse.GetValue(sourceFormat),
                PartitionNumber = number,
                UsedOnly = session.Parse.GetValue(usedOnly),
                DestinationPath = to,
                Format = session.Parse.GetValue(format),
                Variant = session.Parse.GetValue(variant),
                Compress = session.Parse.GetValue(compress),
                ClusterSizeBytes = session.Parse.GetValue(blockSize),
                Subformat = session.Parse.GetValue(subformat),
                Workers = session.Parse.GetValue(workers),
                Overwrite = session.Parse.GetValue(force),
                Durable = session.Parse.GetValue(durable),
                ParentSearchPaths = CliPaths.All(session.Parse.GetValue(roots)),
            };
            var result = session.WithProgress(context => new DiskFileService().Capture(request, context));
            session.Result(result, console => DiskViews.Capture(console, result));
            return ExitCodes.Success;
        });
        return command;
    }
}
