using System.CommandLine;

namespace ImageOps.Cli.Commands.Pool;

/// <summary><c>imageops pool</c>: the image pool verbs, mirroring the *-ImagePool cmdlets.</summary>
internal static class PoolCommand
{
    public static Command Create()
    {
        var pool = new Command("pool", "Manage image pools: folders or shares that hold desktop and tool images.");
        pool.Subcommands.Add(PoolNewVerb.Create());
        pool.Subcommands.Add(PoolListVerb.Create());
        pool.Subcommands.Add(PoolShowVerb.Create());
        pool.Subcommands.Add(PoolSetVerb.Create());
        pool.Subcommands.Add(PoolRemoveVerb.Create());
        pool.Subcommands.Add(PoolRegisterVerb.Create());
        pool.Subcommands.Add(PoolUnregisterVerb.Create());
        return pool;
    }
}
