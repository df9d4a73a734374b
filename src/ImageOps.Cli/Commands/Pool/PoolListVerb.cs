using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Pool;

/// <summary><c>imageops pool list [--name PATTERN...]</c> — Get-ImagePool.</summary>
internal static class PoolListVerb
{
    public static Command Create()
    {
        var name = new Option<string[]>("--name")
        {
            Description = "Only pools whose names match (wildcards allowed; repeatable).",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("list", "List the image pools registered in the library, with state and free space.") { name };
        VerbAction.Set(command, session =>
        {
            var result = session.OpenLibrary().Pools.Find(session.Parse.GetValue(name), session.Context());
            foreach (var error in result.Errors)
            {
                session.ItemError(error);
            }

            session.Result(result.Pools, console => PoolViews.Table(console, result.Pools));
            return result.Errors.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
