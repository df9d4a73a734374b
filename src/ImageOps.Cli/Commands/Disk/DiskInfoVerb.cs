using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Disk;

/// <summary><c>imageops disk info PATH</c> — Get-DiskFile.</summary>
internal static class DiskInfoVerb
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The disk file." };
        var format = DiskOptions.Format();
        var roots = DiskOptions.ParentSearchPath();
        var command = new Command("info", "Show a disk's format, size, allocation and parent chain with identity checks.") { path, format, roots };
        VerbAction.Set(command, session =>
        {
            var info = DiskOptions.Service(session, roots).GetInfo(CliPaths.Full(session.Parse.GetRequiredValue(path)), session.Parse.GetValue(format), session.Context());
            session.Result(info, console => DiskViews.Info(console, info));
            return ExitCodes.Success;
        });
        return command;
    }
}
