using System.Collections.Generic;
using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Engine.Pools;
using Spectre.Console;

namespace ImageOps.Cli.Commands.Pool;

/// <summary><c>imageops pool unregister NAME</c> — Unregister-ImagePool.</summary>
internal static class PoolUnregisterVerb
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Name of the pool to forget (wildcards allowed)." };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("unregister", "Forget an image pool in this library; its folder is not touched.") { name, whatIf };
        VerbAction.Set(command, session =>
        {
            var library = session.OpenLibrary();
            var pools = PoolSelection.Select(session, library, session.Parse.GetRequiredValue(name), out var failed);
            var forgotten = new List<ImagePoolInfo>();
            foreach (var pool in pools)
            {
                if (session.Parse.GetValue(whatIf))
                {
                    session.WhatIf("Unregister image pool (its files are kept)", $"pool '{pool.Name}' ('{pool.Path}')");
                    continue;
                }

                try
                {
                    forgotten.Add(library.Pools.Unregister(pool.Name, session.Context()));
                }
                catch (ImageOpsException ex)
                {
                    session.ItemError(ex);
                    failed = true;
                }
            }

            if (!session.Parse.GetValue(whatIf))
            {
                session.Result(forgotten, console =>
                {
                    foreach (var pool in forgotten)
                    {
                        console.WriteLine($"Unregistered pool '{pool.Name}'; '{pool.Path}' was left as it is.");
                    }
                });
            }

            return failed ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }
}
