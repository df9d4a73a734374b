using System;
using System.IO;

namespace ImageOps.Tests;

/// <summary>
/// Gates for tests that need something outside the repository: a tool CI installs, or the shared
/// corpus. Under CI (CI=true) a missing dependency fails the test; elsewhere the test is reported
/// as skipped with the reason, never passed silently.
/// </summary>
public static class External
{
    public static bool UnderCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The full path of a tool on PATH; fails under CI and skips elsewhere when it is missing.</summary>
    public static string Tool(string name)
    {
        var path = Find(name);
        if (path is null)
        {
            var reason = $"'{name}' is not installed (.ci/run installs it with apt).";
            if (UnderCi)
            {
                throw new Xunit.Sdk.XunitException(reason);
            }

            Skip.If(true, reason);
        }

        return path!;
    }

    /// <summary>The shared corpus folder ($IMAGEOPS_CORPUS, else ../shared/corpus beside the repo).</summary>
    public static string Corpus()
    {
        var configured = Environment.GetEnvironmentVariable("IMAGEOPS_CORPUS");
        var path = !string.IsNullOrEmpty(configured) ? configured! : Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "corpus"));
        if (!Directory.Exists(path))
        {
            var reason = $"The external corpus is not at '{path}' (set IMAGEOPS_CORPUS).";
            if (UnderCi)
            {
                throw new Xunit.Sdk.XunitException(reason);
            }

            Skip.If(true, reason);
        }

        return path;
    }

    public static string? Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            foreach (var candidate in new[] { Path.Combine(dir, name), Path.Combine(dir, name + ".exe") })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        foreach (var dir in new[] { "/usr/sbin", "/sbin", "/usr/local/sbin" })
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
