using System;
using System.IO;

namespace ImageOps.Formats.Registry;

/// <summary>
/// Writes a hive file crash-safely. The new content goes to a temp file beside the target, following
/// the hive's own write protocol inside it (base block with the primary sequence number advanced, then
/// the hive bins, flushed; then the base block with the secondary sequence number caught up, flushed),
/// and only then is renamed over the target. A backup of the old file, when asked for, is written the
/// same way before the rename. A failure at any step leaves the target as it was and removes the temp
/// file; a killed process leaves only a temp file named like the engine's (.NAME.HOST-PID-RAND.tmp),
/// which its sweep recognises.
/// </summary>
internal static class HiveFileWriter
{
    /// <summary>Test hook: called with the name of each step; throwing from it simulates a failure there.</summary>
    [ThreadStatic]
    internal static Action<string>? FaultHook;

    public static void Write(string path, byte[] dirtyBaseBlock, byte[] cleanBaseBlock, byte[] image, int length, string? backupPath)
    {
        var full = System.IO.Path.GetFullPath(path);
        var temp = TempPathFor(full);
        try
        {
            Step("create-temp");
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16, FileOptions.None))
            {
                Step("write-dirty-base-block");
                stream.Write(dirtyBaseBlock, 0, BaseBlock.Size);
                Step("write-hive-bins");
                stream.Write(image, BaseBlock.Size, length - BaseBlock.Size);
                Step("flush-hive-bins");
                stream.Flush(flushToDisk: true);
                Step("write-clean-base-block");
                stream.Position = 0;
                stream.Write(cleanBaseBlock, 0, BaseBlock.Size);
                Step("flush-base-block");
                stream.Flush(flushToDisk: true);
            }

            if (backupPath is not null && File.Exists(full))
            {
                Step("backup");
                CopyAtomically(full, System.IO.Path.GetFullPath(backupPath));
            }

            Step("rename");
            Replace(temp, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A temp path beside <paramref name="finalPath"/>, named as the engine's atomic writes name theirs.</summary>
    internal static string TempPathFor(string finalPath)
    {
        var dir = System.IO.Path.GetDirectoryName(finalPath) ?? ".";
        var name = System.IO.Path.GetFileName(finalPath);
        var rand = Guid.NewGuid().ToString("N").Substring(0, 8);
        return System.IO.Path.Combine(dir, $".{name}.{HostTag()}-{ProcessId()}-{rand}.tmp");
    }

    private static void CopyAtomically(string source, string destination)
    {
        var temp = TempPathFor(destination);
        try
        {
            using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read))
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                input.CopyTo(output);
                output.Flush(flushToDisk: true);
            }

            Replace(temp, destination);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void Replace(string source, string destination)
    {
        if (File.Exists(destination))
        {
            // rename(2) on Unix, ReplaceFile on Windows: readers see the old file or the new one.
            File.Replace(source, destination, null);
        }
        else
        {
            File.Move(source, destination);
        }
    }

    private static void Step(string name) => FaultHook?.Invoke(name);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Left for the engine's sweep of abandoned temp files.
        }
    }

    private static string HostTag()
    {
        var chars = Environment.MachineName.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsLetterOrDigit(chars[i]) && chars[i] != '-' && chars[i] != '_')
            {
                chars[i] = '_';
            }
        }

        var host = new string(chars);
        return host.Length == 0 ? "host" : host.Length > 40 ? host.Substring(0, 40) : host;
    }

    private static int ProcessId()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.Id;
    }
}
