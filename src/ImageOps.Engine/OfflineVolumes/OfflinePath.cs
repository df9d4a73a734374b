using System;
using System.Collections.Generic;

namespace ImageOps.Engine.OfflineVolumes;

/// <summary>
/// Validation of volume-relative paths shared by every backend: the same path is accepted or refused
/// whichever backend is used, and none can name anything outside the volume.
/// </summary>
public static class OfflinePath
{
    /// <summary>The longest name NTFS stores (255 UTF-16 code units).</summary>
    public const int MaxNameLength = 255;

    private static readonly char[] Forbidden = { '<', '>', ':', '"', '|', '?', '*' };

    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>
    /// Splits <paramref name="path"/> into its names, refusing (<c>OfflinePathInvalid</c>) <c>..</c>,
    /// drive letters and streams (<c>:</c>), Windows-forbidden characters, control characters, device
    /// names, names ending in a dot or space, and names over 255 characters. The root is no names.
    /// </summary>
    public static IReadOnlyList<string> Split(string path)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        var names = new List<string>();
        foreach (var name in path.Split('\\', '/'))
        {
            if (name.Length == 0 || name == ".")
            {
                continue;
            }

            string? problem = null;
            if (name == "..")
            {
                problem = "'..' could leave the volume";
            }
            else if (name.Length > MaxNameLength)
            {
                problem = $"a name is longer than {MaxNameLength} characters";
            }
            else if (name.IndexOfAny(Forbidden) >= 0)
            {
                problem = "a name contains one of < > : \" | ? * (drive letters and streams are not paths here)";
            }
            else if (HasControl(name))
            {
                problem = "a name contains a control character";
            }
            else if (name.EndsWith(".", StringComparison.Ordinal) || name.EndsWith(" ", StringComparison.Ordinal))
            {
                problem = "a name ends with a dot or a space, which Windows cannot open";
            }
            else if (DeviceNames.Contains(name.Split('.')[0]))
            {
                problem = $"'{name}' is a Windows device name";
            }

            if (problem is not null)
            {
                throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathInvalid, $"The path '{path}' is not valid in an offline volume: {problem}.", path);
            }

            names.Add(name);
        }

        return names;
    }

    /// <summary>The canonical form of a path: names joined by <c>\</c> with a leading <c>\</c>.</summary>
    public static string Normalize(string path) => "\\" + string.Join("\\", Split(path));

    private static bool HasControl(string name)
    {
        foreach (var c in name)
        {
            if (c < 0x20)
            {
                return true;
            }
        }

        return false;
    }
}
