using System.CommandLine;
using ImageOps.Cli.Infrastructure;
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
            var delete = session.Parse.GetValue(deleteFiles);
            return PoolSelection.ForEach(
                session,
                session.Parse.GetRequiredValue(name),
                session.Parse.GetValue(whatIf),
                _ => delete ? "Remove image pool from the library and DELETE its images and files" : "Remove image pool from the library (its files are kept)",
                (library, pool) => library.Pools.Remove(pool.Name, session.Parse.GetValue(force), delete, session.Context()),
                (console, results) =>
                {
                    foreach (var r in results)
                    {
                        console.WriteLine(r.FilesDeleted ? $"Removed pool '{r.Pool.Name}' and deleted its files." : $"Removed pool '{r.Pool.Name}' from the library; its folder '{r.Pool.Path}' was kept.");
                    }
                });
        });
        return command;
    }
}
