using System;
using System.IO;

namespace ImageOps.Engine.Storage;

/// <summary>
/// Crash-safe file writes: the content goes to a temp file in the same folder, is flushed to the
/// device, and only then renamed over (or, for create-only, linked to) the final name. A reader sees
/// the old file or the new one, never a partial one; a killed writer leaves only a temp file that
/// <see cref="TempFiles.SweepAbandoned"/> removes.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/>, replacing any existing file.
    /// <paramref name="beforeCommit"/> runs after the content is on the device and right before the
    /// rename that makes it visible — the place for a lease check, so the slow flush cannot open a
    /// window in which a lost lease goes unnoticed. If it throws, nothing is committed.
    /// </summary>
    public static void Replace(string path, byte[] content, Action? beforeCommit = null) => Write(path, content, createOnly: false, beforeCommit);

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> only if no file has that name.
    /// Returns false (writing nothing) when one exists, including one created by a concurrent writer
    /// a moment ago: the final step is an atomic no-replace rename. <paramref name="beforeCommit"/>
    /// runs as for <see cref="Replace"/>.
    /// </summary>
    public static bool TryCreate(string path, byte[] content, Action? beforeCommit = null) => Write(path, content, createOnly: true, beforeCommit);

    private static bool Write(string path, byte[] content, bool createOnly, Action? beforeCommit)
    {
        if (createOnly && File.Exists(path))
        {
            return false;
        }

        var temp = TempFiles.NewPathFor(path);
        var committed = false;
        try
        {
            FaultInjection.At("atomic:create-temp");
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
            {
                FaultInjection.At("atomic:write");
                stream.Write(content, 0, content.Length);
                FaultInjection.At("atomic:flush");

                // Flush to the device before the rename: otherwise a power loss can leave the new
                // name pointing at empty blocks on some file systems.
                stream.Flush(flushToDisk: true);
            }

            beforeCommit?.Invoke();
            FaultInjection.At("atomic:rename");
            if (createOnly)
            {
                try
                {
                    // No-replace move: on Unix .NET links then unlinks, on Windows MoveFile fails if the
                    // target exists; either way exactly one concurrent creator wins.
                    File.Move(temp, path);
                }
                catch (IOException) when (File.Exists(path))
                {
                    TryDelete(temp);
                    return false;
                }
            }
            else
            {
                ReplaceFile(temp, path);
            }

            committed = true;
            FaultInjection.At("atomic:after-rename");
            return true;
        }
        catch (Exception ex) when (!(ex is SimulatedCrashException))
        {
            if (!committed)
            {
                TryDelete(temp);
            }

            throw;
        }
    }

    private static void ReplaceFile(string source, string destination)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (File.Exists(destination))
                {
                    // rename(2) on Unix, ReplaceFile on Windows: both atomic for readers.
                    File.Replace(source, destination, null);
                }
                else
                {
                    File.Move(source, destination);
                }

                return;
            }
            catch (FileNotFoundException) when (attempt < 3 && File.Exists(source))
            {
                // The destination vanished between the check and the replace; try the other branch.
            }
            catch (IOException) when (attempt < 3 && File.Exists(source) && File.Exists(destination))
            {
                // The destination appeared between the check and the move; replace it instead.
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Left for the next sweep.
        }
    }
}
