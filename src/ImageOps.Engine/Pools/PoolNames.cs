using System;
using System.Text.RegularExpressions;

namespace ImageOps.Engine.Pools;

/// <summary>
/// Rules for pool names. Names are compared case-insensitively (as PowerShell users expect) and
/// become file names in the library, so they are restricted to characters every file system takes.
/// </summary>
public static class PoolNames
{
    /// <summary>Longest allowed name.</summary>
    public const int MaxLength = 64;

    private static readonly Regex Allowed = new("^[A-Za-z0-9][A-Za-z0-9_.-]*$", RegexOptions.CultureInvariant);

    private static readonly string[] WindowsReserved = { "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9" };

    /// <summary>Throws <see cref="ErrorIds.ImagePoolNameInvalid"/> unless <paramref name="name"/> is allowed.</summary>
    public static void Validate(string? name)
    {
        if (string.IsNullOrEmpty(name) || name!.Length > MaxLength || !Allowed.IsMatch(name) || name.EndsWith(".", StringComparison.Ordinal))
        {
            throw new InvalidRequestException(ErrorIds.ImagePoolNameInvalid, $"'{name}' is not a valid pool name: use 1 to {MaxLength} letters, digits, '.', '-' or '_', starting with a letter or digit and not ending with '.'.", name);
        }

        var stem = name.Split('.')[0];
        foreach (var reserved in WindowsReserved)
        {
            if (string.Equals(stem, reserved, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidRequestException(ErrorIds.ImagePoolNameInvalid, $"'{name}' is not a valid pool name: '{reserved}' is a reserved device name on Windows.", name);
            }
        }
    }

    /// <summary>The registration file's stem: the name in lower case, so names differing only in case collide.</summary>
    public static string Key(string name) => name.ToLowerInvariant();
}
