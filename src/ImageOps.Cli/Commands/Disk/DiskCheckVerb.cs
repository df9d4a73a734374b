using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Formats.Disks;

namespace ImageOps.Cli.Commands.Disk;

/// <summary>
/// <c>imageops disk check PATH [--repair]</c> — Test-DiskFile. Exit codes are qemu-img check's: 0 clean,
/// 2 corruptions, 3 leaks only, 63 not supported; 1 when the check could not run.
/// </summary>
internal static class DiskCheckVerb
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The disk file." };
        var repair = new Option<bool>("--repair", "-r") { Description = "Repair leaks and the corruptions that can be fixed safely." };
        var format = DiskOptions.Format();
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("check", "Check a disk's metadata for corruptions and leaks (exit 0 clean, 2 corrupt, 3 leaks, 63 not supported).") { path, repair, format, whatIf };
        VerbAction.Set(command, session =>
        {
            var file = CliPaths.Full(session.Parse.GetRequiredValue(path));
            var fix = session.Parse.GetValue(repair);
            if (fix && session.Parse.GetValue(whatIf))
            {
                session.WhatIf("Repair disk metadata", file);
                return ExitCodes.Success;
            }

            var result = new ImageOps.Engine.Disks.DiskFileService().Check(file, fix, session.Parse.GetValue(format), session.Context());
            session.Result(result, console => DiskViews.Check(console, result));
            return (int)result.Status;
        });
        return command;
    }
}
