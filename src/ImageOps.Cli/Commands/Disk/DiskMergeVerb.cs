using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Disk;

/// <summary><c>imageops disk merge CHILD [--keep-child]</c> — Merge-DiskFile.</summary>
internal static class DiskMergeVerb
{
    public static Command Create()
    {
        var path = new Argument<string>("child") { Description = "The differencing disk to merge into its parent." };
        var keep = new Option<bool>("--keep-child") { Description = "Keep the differencing disk after merging (it no longer matches its parent)." };
        var roots = DiskOptions.ParentSearchPath();
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("merge", "Commit a differencing disk into its parent, then delete it (unless --keep-child).") { path, keep, roots, whatIf };
        VerbAction.Set(command, session =>
        {
            var file = CliPaths.Full(session.Parse.GetRequiredValue(path));
            var keepChild = session.Parse.GetValue(keep);
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf(keepChild ? "Merge into its parent" : "Merge into its parent and delete it", file);
                return ExitCodes.Success;
            }

            var result = session.WithProgress(context => DiskOptions.Service(session, roots).Merge(file, keepChild, context));
            session.Result(result, console => DiskViews.Merge(console, result));
            return ExitCodes.Success;
        });
        return command;
    }
}
