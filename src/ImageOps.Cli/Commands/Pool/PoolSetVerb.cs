using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine;
using ImageOps.Engine.Pools;

namespace ImageOps.Cli.Commands.Pool;

/// <summary><c>imageops pool set NAME [--description D] [--new-name N]</c> — Set-ImagePool.</summary>
internal static class PoolSetVerb
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Name of the pool to change (wildcards allowed, except with --new-name)." };
        var description = new Option<string?>("--description") { Description = "New description." };
        var newName = new Option<string?>("--new-name") { Description = "New name for the pool." };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("set", "Change an image pool's description or name.") { name, description, newName, whatIf };
        VerbAction.Set(command, session =>
        {
            var changes = new PoolChanges { Description = session.Parse.GetValue(description), NewName = session.Parse.GetValue(newName) };
            var target = session.Parse.GetRequiredValue(name);
            return PoolSelection.ForEach(
                session,
                target,
                session.Parse.GetValue(whatIf),
                _ => changes.NewName is null ? "Change description" : $"Rename to '{changes.NewName}'",
                (library, pool) => library.Pools.Update(pool.Name, changes, session.Context()),
                (console, changed) =>
                {
                    foreach (var pool in changed)
                    {
                        PoolViews.Details(console, pool);
                    }
                },
                pools =>
                {
                    if (changes.NewName is not null && pools.Count > 1)
                    {
                        throw new InvalidRequestException("NewNameNeedsOnePool", $"--new-name needs exactly one pool, but '{target}' matches {pools.Count}.", target);
                    }
                });
        });
        return command;
    }
}
