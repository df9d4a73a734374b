using System.Collections.Generic;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;

namespace ImageOps.PowerShell;

/// <summary>Shared selection of the cmdlets that act on stored driver packages.</summary>
public abstract class DriverPackageCmdlet : ImageOpsCmdlet
{
    /// <summary>Parameter set: packages chosen by id (wildcards or a unique prefix).</summary>
    protected const string ById = "ById";

    /// <summary>Parameter set: packages piped in from Get-DriverPackage.</summary>
    protected const string ByInputObject = "ByInputObject";

    /// <summary>
    /// The packages named by <paramref name="ids"/> (a plain id that matches nothing is written as a
    /// DriverPackageNotFound error) or given as <paramref name="inputObjects"/>, each with its library.
    /// </summary>
    protected IEnumerable<(ImageLibrary Library, DriverPackageInfo Package)> SelectPackages(string[]? ids, DriverPackageInfo[]? inputObjects)
    {
        if (inputObjects is not null)
        {
            foreach (var package in inputObjects)
            {
                if (package is not null)
                {
                    yield return (OpenLibrary(package.LibraryPath), package);
                }
            }

            yield break;
        }

        var library = OpenLibrary();
        if (!TryInvoke(ids, context => library.Drivers.Packages.Find(new DriverPackageQuery { Ids = ids }, context), out var result))
        {
            yield break;
        }

        foreach (var error in result.Errors)
        {
            WriteEngineError(error);
        }

        foreach (var package in result.Packages)
        {
            yield return (library, package);
        }
    }
}
