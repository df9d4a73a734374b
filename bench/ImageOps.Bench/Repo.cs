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

    /// <summary>The imageops CLI as shipped: Release, published ReadyToRun (bench/run publishes it first).</summary>
    public static string Cli => Path.Combine(Root, "bench", "out", "cli", "imageops.dll");
}
