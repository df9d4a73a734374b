using System.Collections.Generic;
using ImageOps.Engine.Library;
using ImageOps.Engine.Pools;

namespace ImageOps.PowerShell;

/// <summary>Shared selection logic of the cmdlets that act on registered pools.</summary>
public abstract class ImagePoolCmdlet : ImageOpsCmdlet
{
    /// <summary>Parameter set: pools chosen by name (wildcards allowed).</summary>
    protected const string ByName = "ByName";

    /// <summary>Parameter set: pools piped in from Get-ImagePool.</summary>
    protected const string ByInputObject = "ByInputObject";

    /// <summary>
    /// The pools named by <paramref name="names"/> (wildcards allowed; a plain name that matches
    /// nothing is written as an ImagePoolNotFound error) or given as <paramref name="inputObjects"/>,
    /// each with the library it belongs to.
    /// </summary>
    protected IEnumerable<(ImageLibrary Library, ImagePoolInfo Pool)> SelectPools(string[]? names, ImagePoolInfo[]? inputObjects)
    {
        if (inputObjects is not null)
        {
            foreach (var pool in inputObjects)
            {
                if (pool is not null)
                {
                    yield return (OpenLibrary(pool.LibraryPath), pool);
                }
            }

            yield break;
        }

        var library = OpenLibrary();
        if (!TryInvoke(names, context => library.Pools.Find(names, context), out var result))
        {
            yield break;
        }

        foreach (var error in result.Errors)
        {
            WriteEngineError(error);
        }

        foreach (var pool in result.Pools)
        {
            yield return (library, pool);
        }
    }
}
