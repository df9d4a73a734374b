using System;
using System.IO;
using System.Text.RegularExpressions;

namespace ImageOps.Engine.Storage;

/// <summary>
/// Names and sweeps the temporary files of atomic writes. A temp file is named
/// <c>.&lt;final-name&gt;.&lt;host&gt;-&lt;pid&gt;-&lt;random&gt;.tmp</c> beside its final file (same folder, so the
/// rename is atomic), which lets the next run recognise a dead writer's leftovers and remove them.
/// </summary>
public static class TempFiles
{
    /// <summary>How old a temp file from another host must be before it is treated as abandoned.</summary>
    public static readonly TimeSpan ForeignHostGrace = TimeSpan.FromHours(1);

    private static readonly Regex Pattern = new(@"^\.(?<final>.+)\.(?<host>[A-Za-z0-9_-]{1,40})-(?<pid>\d{1,10})-(?<rand>[0-9a-f]{8})\.tmp$", RegexOptions.CultureInvariant);

    /// <summary>This host's tag in temp file names.</summary>
    internal static string HostTag => ProcessIdentity.Host;

    /// <summary>Returns a fresh temp path beside <paramref name="finalPath"/>.</summary>
    public static string NewPathFor(string finalPath)
    {
        var dir = Path.GetDirectoryName(finalPath) ?? ".";
        var name = Path.GetFileName(finalPath);
        var rand = Guid.NewGuid().ToString("N").Substring(0, 8);
        return Path.Combine(dir, $".{name}.{ProcessIdentity.Host}-{ProcessIdentity.ProcessId}-{rand}.tmp");
    }

    /// <summary>True if <paramref name="fileName"/> is one of our temp file names.</summary>
    public static bool IsTempName(string fileName) => Pattern.IsMatch(fileName);

    /// <summary>
    /// Removes abandoned temp files in <paramref name="directory"/> (not recursive): those whose writer
    /// was a process on this host that no longer runs, and those from other hosts older than
    /// <see cref="ForeignHostGrace"/>. Returns how many were removed. Never throws for I/O races.
    /// </summary>
    public static int SweepAbandoned(string directory, IOperationLog? log = null)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var removed = 0;
        string[] entries;
        try
        {
            entries = Directory.GetFiles(directory, ".*.tmp");
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return 0;
        }

        foreach (var path in entries)
        {
            var match = Pattern.Match(Path.GetFileName(path));
            if (!match.Success || !IsAbandoned(path, match))
            {
                continue;
            }

            try
            {
                File.Delete(path);
                removed++;
                log?.Verbose($"Removed an interrupted write's temporary file '{path}'.");
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Another sweeper or the writer got there first; either way it is not ours to report.
            }
        }

        return removed;
    }

    private static bool IsAbandoned(string path, Match match)
    {
        if (ProcessIdentity.IsThisHost(match.Groups["host"].Value) && int.TryParse(match.Groups["pid"].Value, out var pid))
        {
            return !ProcessIdentity.IsAlive(pid);
        }

        try
        {
            return DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > ForeignHostGrace;
        }
        catch (IOException)
        {
            return false;
        }
    }

}
