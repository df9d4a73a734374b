using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.Platform;

/// <summary>Path comparisons with the host's case rules (insensitive on Windows and macOS, sensitive elsewhere).</summary>
public static class PathRules
{
    /// <summary>The comparison file names use on this host.</summary>
    public static StringComparison Comparison { get; } =
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
            ? StringComparison.OrdinalIgnoreCase
            : StringComparison.Ordinal;

    /// <summary>The full path without a trailing separator (except for a root).</summary>
    public static string Normalize(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? string.Empty;
        while (full.Length > root.Length && (full.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) || full.EndsWith(Path.AltDirectorySeparatorChar.ToString(), StringComparison.Ordinal)))
        {
            full = full.Substring(0, full.Length - 1);
        }

        return full;
    }

    /// <summary>True if the two paths name the same folder.</summary>
    public static bool AreSame(string a, string b) => string.Equals(Normalize(a), Normalize(b), Comparison);

    /// <summary>True if <paramref name="inner"/> is <paramref name="outer"/> or lies beneath it.</summary>
    public static bool IsSameOrInside(string inner, string outer)
    {
        var i = Normalize(inner);
        var o = Normalize(outer);
        if (string.Equals(i, o, Comparison))
        {
            return true;
        }

        var prefix = o.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? o : o + Path.DirectorySeparatorChar;
        return i.StartsWith(prefix, Comparison);
    }

    /// <summary>
    /// <paramref name="target"/> relative to <paramref name="fromFolder"/> (with <c>..</c> where needed),
    /// or the full path when they share no root. netstandard2.0 has no Path.GetRelativePath.
    /// </summary>
    public static string RelativePath(string fromFolder, string target)
    {
        var from = Normalize(fromFolder).Split(new[] { Path.DirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        var to = Normalize(target).Split(new[] { Path.DirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        var common = 0;
        while (common < from.Length && common < to.Length && string.Equals(from[common], to[common], Comparison))
        {
            common++;
        }

        if (common == 0)
        {
            return Normalize(target);
        }

        var parts = new System.Collections.Generic.List<string>();
        for (var i = common; i < from.Length; i++)
        {
            parts.Add("..");
        }

        for (var i = common; i < to.Length; i++)
        {
            parts.Add(to[i]);
        }

        return string.Join(Path.DirectorySeparatorChar.ToString(), parts);
    }

    /// <summary>True if either path is the same as, inside, or contains the other.</summary>
    public static bool Overlap(string a, string b) => IsSameOrInside(a, b) || IsSameOrInside(b, a);
}
