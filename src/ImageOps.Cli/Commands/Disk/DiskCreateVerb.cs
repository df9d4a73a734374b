using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.Cli.Commands.Disk;

/// <summary><c>imageops disk create PATH --format F --size-bytes N [--fixed] [--parent P]</c> — New-DiskFile.</summary>
internal static class DiskCreateVerb
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The file to create." };
        var format = new Option<DiskFormat>("--format", "-f") { Description = "Format of the new disk.", Required = true };
        var size = new Option<long?>("--size-bytes") { Description = "Virtual size in bytes (a differencing disk takes its parent's size by default)." };
        var fixedSize = new Option<bool>("--fixed") { Description = "Create a fixed disk (default: dynamic)." };
        var parent = new Option<string?>("--parent") { Description = "Create a differencing disk over this parent." };
        var blockSize = DiskOptions.BlockSize();
        var logical = new Option<int>("--logical-sector-bytes") { Description = "Logical sector size: 512 or 4096.", DefaultValueFactory = _ => 512 };
        var physical = new Option<int?>("--physical-sector-bytes") { Description = "Physical sector size: 512 or 4096." };
        var subformat = DiskOptions.Subformat();
        var force = new Option<bool>("--force") { Description = "Replace an existing file." };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("create", "Create an empty fixed, dynamic or differencing disk.") { path, format, size, fixedSize, parent, blockSize, logical, physical, subformat, force, whatIf };
        VerbAction.Set(command, session =>
        {
            var target = CliPaths.Full(session.Parse.GetRequiredValue(path));
            var parentPath = session.Parse.GetValue(parent);
            var variant = parentPath is not null ? DiskVariant.Differencing : session.Parse.GetValue(fixedSize) ? DiskVariant.Fixed : DiskVariant.Dynamic;
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf($"Create {variant.ToString().ToLowerInvariant()} {session.Parse.GetValue(format)} disk", target);
                return ExitCodes.Success;
            }

            var info = new DiskFileService().Create(
                new NewDiskRequest
                {
                    Path = target,
                    Format = session.Parse.GetValue(format),
                    Variant = variant,
                    SizeBytes = session.Parse.GetValue(size),
                    ClusterSizeBytes = session.Parse.GetValue(blockSize),
                    LogicalSectorSizeBytes = session.Parse.GetValue(logical),
                    PhysicalSectorSizeBytes = session.Parse.GetValue(physical),
                    ParentPath = parentPath is null ? null : CliPaths.Full(parentPath),
                    Subformat = session.Parse.GetValue(subformat),
                    Overwrite = session.Parse.GetValue(force),
                },
                session.Context());
            session.Result(info, console => DiskViews.Info(console, info));
            return ExitCodes.Success;
        });
        return command;
    }
}
