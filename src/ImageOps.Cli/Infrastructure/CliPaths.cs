using System;
using System.IO;
using ImageOps.Engine;

namespace ImageOps.Cli.Infrastructure;

/// <summary>
/// Turns a path typed on the command line into a full path. An empty value is what a script passes
/// when a variable is unset, and a NUL or other character the OS refuses makes .NET throw an
/// ArgumentException: both are the caller's mistake, so they become <c>PathInvalid</c> (exit 1, the id
/// on stderr and in the JSON) instead of a crash, as -Path's validation does for the cmdlets.
/// </summary>
internal static class CliPaths
{
    public const string PathInvalid = "PathInvalid";

    public static string Full(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidRequestException(PathInvalid, "An empty path was given; name a file or folder.", value);
        }

        try
        {
            return Path.GetFullPath(value);
        }
        catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
        {
            throw new InvalidRequestException(PathInvalid, $"'{Printable(value!)}' is not a valid path: {ex.Message}", value, ex);
        }
    }

    /// <summary>Each of several typed paths (an option given more than once), in full; none is an empty list.</summary>
    public static string[] All(string[]? values) => Array.ConvertAll(values ?? Array.Empty<string>(), v => Full(v));

    // Control characters would garble the terminal line that reports the error.
    private static string Printable(string value)
    {
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsControl(chars[i]))
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }
}
