using System;
using System.Collections.Generic;
using System.IO;

namespace ImageOps.Formats.Inf;

/// <summary>
/// A driver package that is a folder on the host. Every path is checked by the same rules as the INF's
/// own references (<c>..</c>, drives, UNC, streams, device names and invalid names are refused) and then
/// walked one component at a time from the root:
/// <list type="bullet">
/// <item>Names match without case, as on Windows; two entries differing only in case make the reference
/// ambiguous, and it is refused rather than guessed.</item>
/// <item>Any component that is a symbolic link, junction or other reparse point is refused. netstandard2.0
/// cannot portably resolve a link's target, and a driver package has no use for links, so refusing all of
/// them is the safe reading of "links that escape the root".</item>
/// </list>
/// The check and the open are separate file-system calls: a folder that another process changes between
/// them is outside what this class can guard, so packages should be read from a copy the caller controls.
/// </summary>
public sealed class InfFolderSource : IInfFileSource
{
    /// <summary>Stable id for a package folder that does not exist.</summary>
    public const string FolderNotFoundErrorId = "DriverPackageFolderNotFound";

    /// <summary>Stable id for a file that exists but cannot be read.</summary>
    public const string UnreadableErrorId = "DriverFileUnreadable";

    /// <summary>Uses the folder <paramref name="root"/> as the package.</summary>
    /// <exception cref="ImageOpsException">The folder does not exist (id <c>DriverPackageFolderNotFound</c>).</exception>
    public InfFolderSource(string root)
    {
        if (string.IsNullOrEmpty(root))
        {
            throw new ArgumentException("A package folder is required.", nameof(root));
        }

        Root = Path.GetFullPath(root);
        if (!Directory.Exists(Root))
        {
            throw new ImageOpsException(FolderNotFoundErrorId, ErrorKind.ObjectNotFound, "The driver package folder '" + Root + "' does not exist.", Root);
        }
    }

    /// <summary>The package folder (full path).</summary>
    public string Root { get; }

    /// <inheritdoc />
    public string Name => Root;

    /// <inheritdoc />
    public bool FileExists(string relativePath) => Resolve(relativePath) is not null;

    /// <inheritdoc />
    public Stream? OpenRead(string relativePath)
    {
        var path = Resolve(relativePath);
        if (path is null)
        {
            return null;
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageOpsException(UnreadableErrorId, ErrorKind.ReadError, "The file '" + relativePath + "' of driver package '" + Root + "' cannot be read: " + ex.Message, relativePath, ex);
        }
    }

    /// <summary>The full host path of the file, null if there is no such regular file, or throws if the reference is refused.</summary>
    internal string? Resolve(string relativePath)
    {
        if (relativePath is null)
        {
            throw new ArgumentNullException(nameof(relativePath));
        }

        if (relativePath.StartsWith("/", StringComparison.Ordinal) || relativePath.StartsWith("\\", StringComparison.Ordinal))
        {
            throw new InfFileReferenceException(Root, relativePath, "it is a rooted path");
        }

        if (!InfPackagePath.TryNormalizeFolder(relativePath, out var normalized, out var problem))
        {
            throw new InfFileReferenceException(Root, relativePath, problem ?? "it is not a valid package path");
        }

        if (normalized.Length == 0)
        {
            throw new InfFileReferenceException(Root, relativePath, "it names no file");
        }

        var parts = normalized.Split('/');
        var current = Root;
        try
        {
            for (var i = 0; i < parts.Length; i++)
            {
                var next = FindEntry(current, parts[i], relativePath);
                if (next is null)
                {
                    return null;
                }

                var attributes = File.GetAttributes(next);
                if ((attributes & FileAttributes.ReparsePoint) != 0)
                {
                    throw new InfFileReferenceException(Root, relativePath, "'" + parts[i] + "' is a link or reparse point");
                }

                var isDirectory = (attributes & FileAttributes.Directory) != 0;
                if (i < parts.Length - 1 ? !isDirectory : isDirectory)
                {
                    return null;
                }

                current = next;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ImageOpsException(UnreadableErrorId, ErrorKind.ReadError, "The path '" + relativePath + "' of driver package '" + Root + "' cannot be examined: " + ex.Message, relativePath, ex);
        }

        var rootPrefix = Root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? Root : Root + Path.DirectorySeparatorChar;
        if (!current.StartsWith(rootPrefix, StringComparison.Ordinal))
        {
            throw new InfFileReferenceException(Root, relativePath, "it resolves outside the package folder");
        }

        return current;
    }

    private string? FindEntry(string folder, string name, string reference)
    {
        var matches = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            if (string.Equals(Path.GetFileName(entry), name, StringComparison.OrdinalIgnoreCase))
            {
                matches.Add(entry);
            }
        }

        if (matches.Count > 1)
        {
            throw new InfFileReferenceException(Root, reference, "'" + name + "' matches " + matches.Count + " entries that differ only in case");
        }

        // Only names the folder lists count: on Windows an 8.3 alias such as FOO~1.SYS would otherwise
        // reach a file under a name the package never used.
        return matches.Count == 1 ? matches[0] : null;
    }
}
