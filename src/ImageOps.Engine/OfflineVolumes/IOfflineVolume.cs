using System;
using System.Collections.Generic;
using System.IO;

namespace ImageOps.Engine.OfflineVolumes;

/// <summary>
/// A writable view of an offline Windows volume (DESIGN.md §5): what staging drivers and editing hive
/// files needs, on every host. Backends: <see cref="Ntfs3gVolume"/> (libntfs-3g over ImageOps' own
/// block devices, Linux), <see cref="DirectoryVolume"/> (an already mounted or applied image); a
/// Windows backend (native attach) follows the same contract.
/// </summary>
/// <remarks>
/// <para>Paths are relative to the volume's root, with <c>\</c> or <c>/</c> separators; lookups are
/// case-insensitive as on Windows, and created names keep the case given. Paths with <c>..</c>, drive
/// letters, stream suffixes (<c>:</c>) or characters Windows forbids are refused.</para>
/// <para>Registry edits are never made through this interface in place: the hive file is read with
/// <see cref="ReadAllBytes"/>, edited in memory by the managed regf writer, and written back whole
/// with <see cref="WriteFile(string, Stream)"/> (replace), so a failure leaves the old hive or the new.</para>
/// <para>Implementations are not required to be thread-safe; callers serialise their use.</para>
/// </remarks>
public interface IOfflineVolume : IDisposable
{
    /// <summary>What the volume is, for messages (the image and partition, or the folder).</summary>
    string Description { get; }

    /// <summary>False if the volume was opened read-only.</summary>
    bool CanWrite { get; }

    /// <summary>Whether <paramref name="path"/> names a file, a directory, or nothing.</summary>
    OfflineEntryKind GetEntryKind(string path);

    /// <summary>Creates the directory and any missing parents; an existing directory is fine.</summary>
    void CreateDirectory(string path);

    /// <summary>The names in a directory (metadata files such as <c>$MFT</c> excluded), in the volume's order.</summary>
    IReadOnlyList<string> ListDirectory(string path);

    /// <summary>
    /// Creates or replaces the file at <paramref name="path"/> with the rest of <paramref name="content"/>,
    /// creating missing parent directories.
    /// </summary>
    void WriteFile(string path, Stream content);

    /// <summary>The whole content of the file at <paramref name="path"/>.</summary>
    byte[] ReadAllBytes(string path);

    /// <summary>Deletes the file at <paramref name="path"/>; a missing file is an error (<c>OfflinePathNotFound</c>).</summary>
    void DeleteFile(string path);

    /// <summary>
    /// Deletes the empty directory at <paramref name="path"/>; a missing directory is an error
    /// (<c>OfflinePathNotFound</c>), a directory with entries too (<c>OfflineDirectoryNotEmpty</c>).
    /// </summary>
    void DeleteDirectory(string path);

    /// <summary>The Windows file attributes of a file or directory.</summary>
    FileAttributes GetAttributes(string path);

    /// <summary>
    /// Sets ReadOnly, Hidden, System, Archive, NotContentIndexed and (directories, where the backend
    /// supports it) Compressed; other flags are refused with <see cref="UnsupportedFeatureException"/>.
    /// </summary>
    void SetAttributes(string path, FileAttributes attributes);

    /// <summary>Makes everything written so far durable in the underlying image or folder.</summary>
    void Flush();
}
