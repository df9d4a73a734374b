using System.Collections.Generic;
using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Engine.Pools;
using Spectre.Console;

namespace ImageOps.Cli.Commands.Pool;

/// <summary><c>imageops pool remove NAME [--force] [--delete-files]</c> — Remove-ImagePool.</summary>
internal static class PoolRemoveVerb
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Name of the pool to remove (wildcards allowed)." };
        var force = new Option<bool>("--force") { Description = "Remove pools that still hold images or tool images." };
        var deleteFiles = new Option<bool>("--delete-files") { Description = "Also delete the pool's files (pool.json, images, tools); otherwise the folder is kept." };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("remove", "Remove an image pool from the library; its files are kept unless --delete-files.") { name, force, deleteFiles, whatIf };
        VerbAction.Set(command, session =>
        {
            var library = session.OpenLibrary();
            var pools = PoolSelection.Select(session, library, session.Parse.GetRequiredValue(name), out var failed);
            var results = new List<PoolRemovalResult>();
            var delete = session.Parse.GetValue(deleteFiles);
            foreach (var pool in pools)
            {
                if (session.Parse.GetValue(whatIf))
                {
                    session.WhatIf(delete ? "Remove image pool from the library and DELETE its images and files" : "Remove image pool from the library (its files are kept)", $"pool '{pool.Name}' ('{pool.Path}')");
                    continue;
                }

                try
                {
                    results.Add(library.Pools.Remove(pool.Name, session.Parse.GetValue(force), delete, session.Context()));
                }
                catch (ImageOpsException ex)
                {
                    session.ItemError(ex);
                    failed = true;
                }
            }

            if (!session.Parse.GetValue(whatIf))
            {
                session.Result(results, console =>
                {
                    foreach (var r in results)
                    {
                        console.WriteLine(r.FilesDeleted ? $"Removed pool '{r.Pool.Name}' and deleted its files." : $"Removed pool '{r.Pool.Name}' from the library; its folder '{r.Pool.Path}' was kept.");
                    }
                });
            }

            return failed ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }
}
