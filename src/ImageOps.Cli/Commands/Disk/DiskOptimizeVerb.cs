using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Disk;

/// <summary><c>imageops disk optimize PATH</c> — Optimize-DiskFile.</summary>
internal static class DiskOptimizeVerb
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The disk file." };
        var roots = DiskOptions.ParentSearchPath();
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("optimize", "Reclaim the space of zero and unused blocks by rewriting the disk (replaced atomically).") { path, roots, whatIf };
        VerbAction.Set(command, session =>
        {
            var file = CliPaths.Full(session.Parse.GetRequiredValue(path));
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf("Compact disk (rewrite without zero blocks)", file);
                return ExitCodes.Success;
            }

            var result = session.WithProgress(context => DiskOptions.Service(session, roots).Optimize(file, context));
            session.Result(result, console => DiskViews.Optimize(console, result));
            return ExitCodes.Success;
        });
        return command;
    }
}
