using System;
using System.Collections.Generic;
using ImageOps.Cli.Infrastructure;
using ImageOps.Engine.Library;
using ImageOps.Engine.Pools;
using Spectre.Console;

namespace ImageOps.Cli.Commands.Pool;

/// <summary>
/// The loop the pool verbs that act on NAME share, as the cmdlets share it through their base: resolve
/// the name (wildcards allowed), then per pool either report --what-if or act, reporting a failed pool
/// and going on to the next.
/// </summary>
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

    /// <summary>Acts on every pool <paramref name="pattern"/> names; returns the exit code.</summary>
    public static int ForEach<T>(
        CliSession session,
        string pattern,
        bool whatIf,
        Func<ImagePoolInfo, string> whatIfAction,
        Func<ImageLibrary, ImagePoolInfo, T> act,
        Action<IAnsiConsole, IReadOnlyList<T>> human,
        Action<IReadOnlyList<ImagePoolInfo>>? validate = null)
    {
        var library = session.OpenLibrary();
        var pools = Select(session, library, pattern, out var failed);
        validate?.Invoke(pools);
        var results = new List<T>();
        foreach (var pool in pools)
        {
            if (whatIf)
            {
                session.WhatIf(whatIfAction(pool), $"pool '{pool.Name}' ('{pool.Path}')");
                continue;
            }

            try
            {
                results.Add(act(library, pool));
            }
            catch (ImageOpsException ex)
            {
                session.ItemError(ex);
                failed = true;
            }
        }

        if (!whatIf)
        {
            session.Result(results, console => human(console, results));
        }

        return failed ? ExitCodes.Failure : ExitCodes.Success;
    }
}
