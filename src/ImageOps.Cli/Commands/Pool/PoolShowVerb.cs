using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Pool;

/// <summary><c>imageops pool show NAME</c> — Get-ImagePool -Name NAME | Format-List.</summary>
internal static class PoolShowVerb
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Name of the pool." };
        var command = new Command("show", "Show one image pool in detail.") { name };
        VerbAction.Set(command, session =>
        {
            var pool = session.OpenLibrary().Pools.Get(session.Parse.GetRequiredValue(name));
            session.Result(pool, console => PoolViews.Details(console, pool));
            return ExitCodes.Success;
        });
        return command;
    }
}
