using System;
using System.IO;

namespace ImageOps.Bench;

/// <summary>Paths in the repository.</summary>
internal static class Repo
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ImageOps.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Run the bench from inside the repository.");
        }
    }

    /// <summary>The Release build of the imageops CLI (bench/run builds it first).</summary>
    public static string Cli => Path.Combine(Root, "src", "ImageOps.Cli", "bin", "Release", "net10.0", "imageops.dll");
}
