using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// Finds the INFs of a driver folder: recursively, in a stable order, without following links or junctions
/// (a pack has no use for them, and following them could leave the folder or loop), to a bounded depth
/// and count.
/// </summary>
internal static class DriverSourceScanner
{
    public const int MaxDepth = 32;

    public const int MaxInfs = 100_000;

    /// <summary>Paths of the INFs under <paramref name="root"/>, relative to it with '/' separators.</summary>
    public static IReadOnlyList<string> FindInfs(string root, OperationContext context)
    {
        var result = new List<string>();
        var pending = new Stack<(string Path, string Relative, int Depth)>();
        pending.Push((root, string.Empty, 0));
        while (pending.Count > 0)
        {
            context.ThrowIfCancelled();
            var (folder, relative, depth) = pending.Pop();
            string[] files, folders;
            try
            {
                files = Directory.GetFiles(folder);
                folders = Directory.GetDirectories(folder);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new StorageUnavailableException(ErrorIds.DriverPackageSourceNotFound, $"The folder '{folder}' cannot be read: {ex.Message}", folder, ex);
            }

            foreach (var file in files.OrderBy(f => f, StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                if (name.EndsWith(".inf", StringComparison.OrdinalIgnoreCase) && !IsLink(file))
                {
                    result.Add(relative.Length == 0 ? name : relative + "/" + name);
                    if (result.Count > MaxInfs)
                    {
                        throw new InvalidRequestException(ErrorIds.DriverArchiveTooLarge, string.Format(CultureInfo.InvariantCulture, "'{0}' holds more than {1} INF files; import its subfolders one at a time.", root, MaxInfs), root);
                    }
                }
            }

            if (depth >= MaxDepth)
            {
                if (folders.Length > 0)
                {
                    context.Log.Warning($"'{folder}' is more than {MaxDepth} folders deep; its subfolders were not searched.");
                }

                continue;
            }

            foreach (var sub in folders.OrderByDescending(f => f, StringComparer.Ordinal))
            {
                if (IsLink(sub))
                {
                    context.Log.Verbose($"Skipped '{sub}': it is a link or junction.");
                    continue;
                }

                var name = Path.GetFileName(sub);
                pending.Push((sub, relative.Length == 0 ? name : relative + "/" + name, depth + 1));
            }
        }

        return result;
    }

    private static bool IsLink(string path)
    {
        try
        {
            return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return true;
        }
    }
}
