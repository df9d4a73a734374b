using System;
using System.IO;

namespace ImageOps.Tests;

/// <summary>Locations in the repository and beside it, found from the test assembly's folder.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "ImageOps.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("ImageOps.sln not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root (the folder holding ImageOps.sln).</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The build configuration the tests were built with.</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    public static string Combine(params string[] parts) => System.IO.Path.Combine(Root, System.IO.Path.Combine(parts));

    /// <summary>The cmdlet project's build output (the module payload).</summary>
    public static string CmdletBin => Combine("src", "ImageOps.PowerShell", "bin", Configuration, "netstandard2.0");

    /// <summary>The built `imageops` CLI.</summary>
    public static string CliDll => Combine("src", "ImageOps.Cli", "bin", Configuration, "net10.0", "imageops.dll");
}
