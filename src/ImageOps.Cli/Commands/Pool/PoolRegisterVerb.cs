using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Pool;

/// <summary><c>imageops pool register PATH [--name NAME]</c> — Register-ImagePool.</summary>
internal static class PoolRegisterVerb
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "Folder that holds an existing pool (for example on a share)." };
        var name = new Option<string?>("--name") { Description = "Register under this name instead of the one in pool.json." };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("register", "Add an existing image pool (for example on a share) to the library.") { path, name, whatIf };
        VerbAction.Set(command, session =>
        {
            var folder = CliPaths.Full(session.Parse.GetRequiredValue(path));
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf("Register image pool", $"pool in '{folder}'");
                return ExitCodes.Success;
            }

            var pool = session.OpenLibrary().Pools.Register(folder, session.Parse.GetValue(name), session.Context());
            session.Result(pool, console => PoolViews.Details(console, pool));
            return ExitCodes.Success;
        });
        return command;
    }
}
