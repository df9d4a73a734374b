using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Disks;

namespace ImageOps.Cli.Commands.Disk;

/// <summary><c>imageops disk resize PATH --size-bytes N [--shrink]</c> — Resize-DiskFile.</summary>
internal static class DiskResizeVerb
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The disk file." };
        var size = new Option<long>("--size-bytes") { Description = "The new virtual size in bytes.", Required = true };
        var shrink = new Option<bool>("--shrink") { Description = "Allow a smaller size, discarding everything past the new end." };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("resize", "Change a disk's virtual size.") { path, size, shrink, whatIf };
        VerbAction.Set(command, session =>
        {
            var file = CliPaths.Full(session.Parse.GetRequiredValue(path));
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf($"Resize to {session.Parse.GetValue(size)} bytes", file);
                return ExitCodes.Success;
            }

            var info = new DiskFileService().Resize(file, session.Parse.GetValue(size), session.Parse.GetValue(shrink), session.Context());
            session.Result(info, console => DiskViews.Info(console, info));
            return ExitCodes.Success;
        });
        return command;
    }
}
