using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ImageOps.Engine.OfflineVolumes;

/// <summary>
/// An <see cref="IOfflineVolume"/> over a folder that already holds a Windows volume's files: an image
/// mounted by the host (ntfs-3g, Windows attach) or applied from a WIM. Nothing it is asked for can
/// leave the folder: paths are validated by <see cref="OfflinePath"/>, and every existing component is
/// checked not to be a symbolic link or junction, so a link planted in the image cannot redirect writes.
/// </summary>
public sealed class DirectoryVolume : IOfflineVolume
{
    private readonly string _root;

    /// <summary>Opens the folder <paramref name="root"/>, which must exist.</summary>
    public DirectoryVolume(string root, bool readOnly = false)
    {
        if (root is null)
        {
            throw new ArgumentNullException(nameof(root));
        }

        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new ObjectNotFoundException(OfflineVolumeErrorIds.OfflinePathNotFound, $"The folder '{root}' does not exist.", root);
        }

        _root = full;
        CanWrite = !readOnly;
    }

    /// <inheritdoc />
    public string Description => $"folder '{_root}'";

    /// <inheritdoc />
    public bool CanWrite { get; }

    /// <inheritdoc />
    public OfflineEntryKind GetEntryKind(string path)
    {
        var full = Resolve(path, out _);
        return Directory.Exists(full) ? OfflineEntryKind.Directory : File.Exists(full) ? OfflineEntryKind.File : OfflineEntryKind.None;
    }

    /// <inheritdoc />
    public void CreateDirectory(string path)
    {
        EnsureWritable();
        var full = Resolve(path, out _);
        if (File.Exists(full))
        {
            throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathNotDirectory, $"'{path}' is a file, not a directory.", path);
        }

        Directory.CreateDirectory(full);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListDirectory(string path)
    {
        var full = Resolve(path, out _);
        if (!Directory.Exists(full))
        {
            throw NotFound(path);
        }

        return Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName).Select(n => n!).ToList();
    }

    /// <inheritdoc />
    public void WriteFile(string path, Stream content)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        EnsureWritable();
        var full = Resolve(path, out var names);
        if (names.Count == 0 || Directory.Exists(full))
        {
            throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathIsDirectory, $"'{path}' is a directory.", path);
        }

        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);

        // Temp then rename: a failure leaves the old file or none, never a half-written one (hives!).
        var temp = Path.Combine(folder, "." + Path.GetFileName(full) + ".imageops-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        try
        {
            using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                content.CopyTo(target, 1 << 20);
                target.Flush(flushToDisk: true);
            }

            if (File.Exists(full))
            {
                File.Replace(temp, full, null);
            }
            else
            {
                File.Move(temp, full);
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <inheritdoc />
    public byte[] ReadAllBytes(string path)
    {
        var full = Resolve(path, out _);
        if (!File.Exists(full))
        {
            throw NotFound(path);
        }

        return File.ReadAllBytes(full);
    }

    /// <inheritdoc />
    public void DeleteFile(string path)
    {
        EnsureWritable();
        var full = Resolve(path, out _);
        if (!File.Exists(full))
        {
            throw Directory.Exists(full) ? new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathIsDirectory, $"'{path}' is a directory; DeleteFile deletes files.", path) : NotFound(path);
        }

        File.Delete(full);
    }

    /// <inheritdoc />
    public void DeleteDirectory(string path)
    {
        EnsureWritable();
        var full = Resolve(path, out var names);
        if (names.Count == 0)
        {
            throw new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathInvalid, "The root cannot be deleted.", path);
        }

        if (!Directory.Exists(full))
        {
            throw File.Exists(full) ? new InvalidRequestException(OfflineVolumeErrorIds.OfflinePathNotDirectory, $"'{path}' is a file; DeleteDirectory deletes directories.", path) : NotFound(path);
        }

        if (Directory.EnumerateFileSystemEntries(full).Any())
        {
            throw new InvalidStateException(OfflineVolumeErrorIds.OfflineDirectoryNotEmpty, $"'{path}' is not empty.", path);
        }

        Directory.Delete(full);
    }

    /// <inheritdoc />
    public FileAttributes GetAttributes(string path)
    {
        var full = Resolve(path, out _);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw NotFound(path);
        }

        return File.GetAttributes(full);
    }

    /// <inheritdoc />
    public void SetAttributes(string path, FileAttributes attributes)
    {
        EnsureWritable();
        var full = Resolve(path, out _);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw NotFound(path);
        }

        const FileAttributes Settable = FileAttributes.ReadOnly | FileAttributes.Hidden | FileAttributes.System | FileAttributes.Archive | FileAttributes.NotContentIndexed | FileAttributes.Normal | FileAttributes.Directory;
        if ((attributes & ~Settable) != 0)
        {
            throw new UnsupportedFeatureException("folder attributes", $"A folder volume sets only ReadOnly, Hidden, System, Archive and NotContentIndexed; '{attributes}' was asked for '{path}'.", path, OfflineVolumeErrorIds.OfflineAttributesNotSupported);
        }

        // Elsewhere than Windows only ReadOnly maps to the host (permissions); the rest is Windows-only.
        File.SetAttributes(full, attributes & ~FileAttributes.Directory);
    }

    /// <inheritdoc />
    public void Flush()
    {
        // Files are flushed to disk as they are written.
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static ImageOpsException NotFound(string path)
        => new ObjectNotFoundException(OfflineVolumeErrorIds.OfflinePathNotFound, $"'{path}' does not exist in the offline volume.", path);

    private string Resolve(string path, out IReadOnlyList<string> names)
    {
        names = OfflinePath.Split(path);
        var current = _root;
        foreach (var name in names)
        {
            current = Path.Combine(current, name);
            var info = new FileInfo(current);
            if ((info.Exists || Directory.Exists(current)) && (info.Attributes & FileAttributes.ReparsePoint) != 0)
            {
                throw new ImageOpsException(OfflineVolumeErrorIds.OfflinePathIsLink, ErrorKind.SecurityError, $"'{path}' passes through the link '{name}', which could lead outside the {Description}; links are not followed.", path);
            }
        }

        return current;
    }

    private void EnsureWritable()
    {
        if (!CanWrite)
        {
            throw new InvalidStateException(OfflineVolumeErrorIds.OfflineVolumeReadOnly, $"The {Description} is open read-only.", _root);
        }
    }
}
