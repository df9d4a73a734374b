using System.CommandLine;
using ImageOps.Cli.Infrastructure;
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
        VerbAction.Set(command, session => PoolSelection.ForEach(
            session,
            session.Parse.GetRequiredValue(name),
            session.Parse.GetValue(whatIf),
            _ => "Unregister image pool (its files are kept)",
            (library, pool) => library.Pools.Unregister(pool.Name, session.Context()),
            (console, forgotten) =>
            {
                foreach (var pool in forgotten)
                {
                    console.WriteLine($"Unregistered pool '{pool.Name}'; '{pool.Path}' was left as it is.");
                }
            }));
        return command;
    }
}
