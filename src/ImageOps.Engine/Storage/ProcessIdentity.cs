using System;
using System.Diagnostics;

namespace ImageOps.Engine.Storage;

/// <summary>
/// Who this process is, in the terms leases and temp files record (host tag and pid), and whether a
/// process recorded on this host still runs: a dead writer's leftovers can then be recovered at
/// once instead of after a timeout.
/// </summary>
internal static class ProcessIdentity
{
    /// <summary>This host's name reduced to letters, digits, '-' and '_' (at most 40).</summary>
    public static readonly string Host = Sanitize(Environment.MachineName);

    /// <summary>This process's id.</summary>
    public static readonly int ProcessId = CurrentPid();

    /// <summary>True if <paramref name="host"/> is this host.</summary>
    public static bool IsThisHost(string? host) => string.Equals(host, Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True if a process with <paramref name="pid"/> runs on this host. A reused pid reads as alive,
    /// which errs on the safe side (wait for expiry rather than steal).
    /// </summary>
    public static bool IsAlive(int pid)
    {
        if (pid == ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static int CurrentPid()
    {
        using var self = Process.GetCurrentProcess();
        return self.Id;
    }

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsLetterOrDigit(chars[i]) && chars[i] != '-' && chars[i] != '_')
            {
                chars[i] = '_';
            }
        }

        var clean = new string(chars);
        return clean.Length == 0 ? "host" : (clean.Length > 40 ? clean.Substring(0, 40) : clean);
    }
}
