using System.Collections.Generic;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;

namespace ImageOps.PowerShell;

/// <summary>Shared selection of the cmdlets that act on driver profiles.</summary>
public abstract class DriverProfileCmdlet : ImageOpsCmdlet
{
    /// <summary>Parameter set: profiles chosen by name (wildcards allowed).</summary>
    protected const string ByName = "ByName";

    /// <summary>Parameter set: profiles piped in from Get-DriverProfile.</summary>
    protected const string ByInputObject = "ByInputObject";

    /// <summary>The profiles named by <paramref name="names"/> or given as <paramref name="inputObjects"/>, each with its library.</summary>
    protected IEnumerable<(ImageLibrary Library, DriverProfileInfo Profile)> SelectProfiles(string[]? names, DriverProfileInfo[]? inputObjects)
    {
        if (inputObjects is not null)
        {
            foreach (var profile in inputObjects)
            {
                if (profile is not null)
                {
                    yield return (OpenLibrary(profile.LibraryPath), profile);
                }
            }

            yield break;
        }

        var library = OpenLibrary();
        if (!TryInvoke(names, context => library.Drivers.Profiles.Find(names, context), out var result))
        {
            yield break;
        }

        foreach (var error in result.Errors)
        {
            WriteEngineError(error);
        }

        foreach (var profile in result.Profiles)
        {
            yield return (library, profile);
        }
    }
}
