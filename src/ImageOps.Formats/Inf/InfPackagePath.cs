using System;
using System.Collections.Generic;
using System.Text;

namespace ImageOps.Formats.Inf;

/// <summary>
/// Checks the file and folder names an INF gives (SourceDisksNames paths, SourceDisksFiles names and
/// subdirectories, CopyFiles names, Include and CopyINF names, CatalogFile, DestinationDirs
/// subdirectories) so that nothing the INF names can leave the package folder or address something
/// other than a plain file (HOSTILE.md, "References to other files").
/// <para>
/// Refused: <c>..</c>; drive letters, streams and URLs (any <c>:</c>); UNC and doubled leading separators;
/// the DOS device names (CON, PRN, AUX, NUL, COM0-9, LPT0-9, CONIN$, CONOUT$, CLOCK$, also with an
/// extension, which Windows still resolves to the device); characters Windows forbids in names
/// (<c>&lt; &gt; " | ? *</c> and controls); and names ending in a dot or space, which Windows silently trims
/// so that two different names would reach the same file.
/// </para>
/// <para>
/// Allowed: one leading backslash, because SourceDisksNames paths such as <c>\x86</c> are relative to the
/// installation root (the INF's folder), as in the examples of "INF SourceDisksNames Section".
/// </para>
/// Results use '/' separators.
/// </summary>
internal static class InfPackagePath
{
    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$",
        "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u00B9", "COM\u00B2", "COM\u00B3",
        "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u00B9", "LPT\u00B2", "LPT\u00B3",
    };

    /// <summary>Normalises a relative folder path; empty input gives an empty path.</summary>
    public static bool TryNormalizeFolder(string raw, out string normalized, out string? problem)
    {
        normalized = string.Empty;
        problem = null;
        var s = (raw ?? string.Empty).Trim();
        if (s.Length == 0)
        {
            return true;
        }

        if (s.IndexOf(':') >= 0)
        {
            problem = "'" + raw + "' names a drive, a stream or a URL";
            return false;
        }

        s = s.Replace('/', '\\');
        if (s.StartsWith("\\\\", StringComparison.Ordinal))
        {
            problem = "'" + raw + "' is a UNC or device path";
            return false;
        }

        if (s[0] == '\\')
        {
            s = s.Substring(1);
        }

        var parts = new List<string>();
        foreach (var part in s.Split('\\'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (!IsSafeComponent(part, out problem))
            {
                problem = "'" + raw + "': " + problem;
                return false;
            }

            parts.Add(part);
        }

        normalized = string.Join("/", parts);
        return true;
    }

    /// <summary>Checks a bare file name (no folder part).</summary>
    public static bool IsSafeFileName(string name, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(name))
        {
            problem = "the file name is empty";
            return false;
        }

        if (name.IndexOf('\\') >= 0 || name.IndexOf('/') >= 0)
        {
            problem = "'" + name + "' has a folder part where a file name is expected";
            return false;
        }

        if (name.IndexOf(':') >= 0)
        {
            problem = "'" + name + "' names a drive or an alternate data stream";
            return false;
        }

        if (!IsSafeComponent(name, out problem))
        {
            problem = "'" + name + "': " + problem;
            return false;
        }

        return true;
    }

    /// <summary>Joins normalised parts with '/'.</summary>
    public static string Combine(params string[] parts)
    {
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            if (string.IsNullOrEmpty(part))
            {
                continue;
            }

            if (sb.Length > 0)
            {
                sb.Append('/');
            }

            sb.Append(part);
        }

        return sb.ToString();
    }

    private static bool IsSafeComponent(string part, out string? problem)
    {
        problem = null;
        if (part == "..")
        {
            problem = "'..' would leave the package folder";
            return false;
        }

        foreach (var c in part)
        {
            if (c < 0x20 || c == '<' || c == '>' || c == '"' || c == '|' || c == '?' || c == '*' || c == ':')
            {
                problem = "'" + part + "' contains a character Windows does not allow in names";
                return false;
            }
        }

        var last = part[part.Length - 1];
        if (last == '.' || last == ' ')
        {
            problem = "'" + part + "' ends in a dot or space, which Windows trims";
            return false;
        }

        var dot = part.IndexOf('.');
        var stem = (dot < 0 ? part : part.Substring(0, dot)).TrimEnd(' ');
        if (DeviceNames.Contains(stem))
        {
            problem = "'" + part + "' is a DOS device name";
            return false;
        }

        return true;
    }
}
