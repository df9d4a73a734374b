using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.Cli.Commands.Disk;

/// <summary><c>imageops disk convert SRC DST --format F</c> — Convert-DiskFile.</summary>
internal static class DiskConvertVerb
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "The disk to convert (the top of its chain)." };
        var destination = new Argument<string>("destination") { Description = "The file to write." };
        var format = new Option<DiskFormat?>("--format", "-f") { Description = "Output format: raw, vhd, vhdx, qcow2 or vmdk (required unless --profile chooses it)." };
        var sourceFormat = new Option<DiskFormat?>("--source-format") { Description = "The source's format, when detection from content should be skipped." };
        var variant = new Option<DiskVariant?>("--variant") { Description = "fixed or dynamic output (default: dynamic; fixed for the azure profile)." };
        var compress = new Option<bool>("--compress", "-c") { Description = "Compress the output (qcow2, streamOptimized vmdk)." };
        var profile = new Option<TargetProfile>("--profile") { Description = "Target platform rules: default, azure (fixed VHD, whole MiB) or esxi (streamOptimized VMDK v3).", DefaultValueFactory = _ => TargetProfile.Default };
        var backing = new Option<string?>("--backing") { Description = "Convert only the top layer, as a differencing disk over this image." };
        var blockSize = DiskOptions.BlockSize();
        var subformat = DiskOptions.Subformat();
        var workers = new Option<int?>("--workers") { Description = "Reader and compressor threads (default: one per core, at most 8)." };
        var force = new Option<bool>("--force") { Description = "Replace an existing destination once the new image is complete." };
        var durable = new Option<bool>("--durable") { Description = "Flush the new image to the device before it appears (survives power loss); replacing an existing image always does." };
        var roots = DiskOptions.ParentSearchPath();
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("convert", "Convert a disk (flattening its chain) into another format; only data is copied.")
        {
            source, destination, format, sourceFormat, variant, compress, profile, backing, blockSize, subformat, workers, force, durable, roots, whatIf,
        };
        VerbAction.Set(command, session =>
        {
            var from = CliPaths.Full(session.Parse.GetRequiredValue(source));
            var to = CliPaths.Full(session.Parse.GetRequiredValue(destination));
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf("Convert", $"'{from}' to '{to}'");
                return ExitCodes.Success;
            }

            var request = new ConversionRequest
            {
                SourcePath = from,
                SourceFormat = session.Parse.GetValue(sourceFormat),
                DestinationPath = to,
                Format = session.Parse.GetValue(format),
                Variant = session.Parse.GetValue(variant),
                Compress = session.Parse.GetValue(compress),
                Profile = session.Parse.GetValue(profile),
                BackingPath = session.Parse.GetValue(backing) is { } b ? CliPaths.Full(b) : null,
                ClusterSizeBytes = session.Parse.GetValue(blockSize),
                Subformat = session.Parse.GetValue(subformat),
                Workers = session.Parse.GetValue(workers),
                Overwrite = session.Parse.GetValue(force),
                Durable = session.Parse.GetValue(durable),
                ParentSearchPaths = CliPaths.All(session.Parse.GetValue(roots)),
            };
            var result = session.WithProgress(context => new DiskFileService().Convert(request, context));
            session.Result(result, console => DiskViews.Conversion(console, result));
            return ExitCodes.Success;
        });
        return command;
    }
}
