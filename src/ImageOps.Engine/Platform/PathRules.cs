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

    /// <summary>True if either path is the same as, inside, or contains the other.</summary>
    public static bool Overlap(string a, string b) => IsSameOrInside(a, b) || IsSameOrInside(b, a);
}
