using System;

namespace ImageOps.Formats.Disks.Storage;

/// <summary>
/// The bytes under a virtual disk: a file, a block device, a region of another disk, or memory.
/// Positional, so several threads may read (and one may write) without sharing a file position.
/// </summary>
public interface IBlockStorage : IDisposable
{
    /// <summary>What to name in error messages: the file path, or a description.</summary>
    string Name { get; }

    /// <summary>Current length in bytes.</summary>
    long Length { get; }

    /// <summary>True if <see cref="WriteAt"/> and <see cref="SetLength"/> are allowed.</summary>
    bool CanWrite { get; }

    /// <summary>
    /// Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; returns how many were read,
    /// fewer only at end of storage. Safe to call from several threads at once.
    /// </summary>
    int ReadAt(long offset, Span<byte> buffer);

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>, extending the storage if needed.</summary>
    void WriteAt(long offset, ReadOnlySpan<byte> data);

    /// <summary>Sets the length; extending leaves a hole that reads as zeros where the file system allows.</summary>
    void SetLength(long length);

    /// <summary>Flushes written data; with <paramref name="durable"/>, to the device (fsync).</summary>
    void Flush(bool durable);
}
