using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Pool;

/// <summary><c>imageops pool new --name NAME --path PATH</c> — New-ImagePool.</summary>
internal static class PoolNewVerb
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "Name of the new pool.", Required = true };
        var path = new Option<string>("--path") { Description = "Folder that becomes the pool (created if missing).", Required = true };
        var description = new Option<string?>("--description") { Description = "Free text describing the pool." };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("new", "Create an image pool in a folder and register it in the library.") { name, path, description, whatIf };
        VerbAction.Set(command, session =>
        {
            var poolName = session.Parse.GetRequiredValue(name);
            var folder = CliPaths.Full(session.Parse.GetRequiredValue(path));
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf("Create image pool", $"pool '{poolName}' in '{folder}'");
                return ExitCodes.Success;
            }

            var pool = session.OpenLibrary().Pools.Create(poolName, folder, session.Parse.GetValue(description), session.Context());
            session.Result(pool, console => PoolViews.Details(console, pool));
            return ExitCodes.Success;
        });
        return command;
    }
}
