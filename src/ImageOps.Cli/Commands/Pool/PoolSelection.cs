using System.Collections.Generic;
using ImageOps.Cli.Infrastructure;
using ImageOps.Engine.Library;
using ImageOps.Engine.Pools;

namespace ImageOps.Cli.Commands.Pool;

/// <summary>Resolves a NAME argument (wildcards allowed, as in the cmdlets) to pools, reporting names that match nothing.</summary>
internal static class PoolSelection
{
    public static IReadOnlyList<ImagePoolInfo> Select(CliSession session, ImageLibrary library, string pattern, out bool hadErrors)
    {
        var result = library.Pools.Find(new[] { pattern }, session.Context());
        foreach (var error in result.Errors)
        {
            session.ItemError(error);
        }

        hadErrors = result.Errors.Count > 0;
        return result.Pools;
    }
}
