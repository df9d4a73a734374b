using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.Library;

/// <summary>
/// Finds the library folder (DESIGN.md §3): an explicit path wins, then <c>$env:IMAGEOPS_HOME</c>, then the
/// per-OS default: <c>%ProgramData%\ImageOps</c> on Windows, <c>$XDG_DATA_HOME/imageops</c> or
/// <c>~/.local/share/imageops</c> elsewhere.
/// </summary>
public static class LibraryLocator
{
    /// <summary>The environment variable that overrides the default library.</summary>
    public const string HomeVariable = "IMAGEOPS_HOME";

    /// <summary>Returns the full path of the library to use.</summary>
    public static string Resolve(string? explicitPath = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Path.GetFullPath(explicitPath);
        }

        var home = Environment.GetEnvironmentVariable(HomeVariable);
        if (!string.IsNullOrWhiteSpace(home))
        {
            return Path.GetFullPath(home);
        }

        return DefaultPath();
    }

    /// <summary>The per-OS default, ignoring the environment override.</summary>
    public static string DefaultPath()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "ImageOps");
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "imageops");
        }

        var home = Environment.GetEnvironmentVariable("HOME");
        if (string.IsNullOrWhiteSpace(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return Path.Combine(home!, ".local", "share", "imageops");
    }
}
