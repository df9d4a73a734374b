using System;
using System.IO;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// A file opened only to probe its format, sharing read and write with everyone: an image attached
/// elsewhere is held open for writing by the VHD driver, and a probe with a narrower share mode would
/// fail before <see cref="NativeVirtualDisk.DetachStale"/> could detach it.
/// </summary>
internal sealed class SharedReadFileStorage : IBlockStorage
{
    private readonly FileStream _stream;
    private readonly object _gate = new();

    public SharedReadFileStorage(string path)
    {
        _stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.RandomAccess);
        Name = path;
    }

    public string Name { get; }

    public long Length => _stream.Length;

    public bool CanWrite => false;

    public int ReadAt(long offset, Span<byte> buffer)
    {
        lock (_gate)
        {
            _stream.Position = offset;
            var total = 0;
            var chunk = new byte[Math.Min(buffer.Length, 1 << 16)];
            while (total < buffer.Length)
            {
                var read = _stream.Read(chunk, 0, Math.Min(chunk.Length, buffer.Length - total));
                if (read == 0)
                {
                    break;
                }

                chunk.AsSpan(0, read).CopyTo(buffer.Slice(total));
                total += read;
            }

            return total;
        }
    }

    public void WriteAt(long offset, ReadOnlySpan<byte> data) => throw new NotSupportedException("The probe is read-only.");

    public void SetLength(long length) => throw new NotSupportedException("The probe is read-only.");

    public void Flush(bool durable)
    {
    }

    public void Dispose() => _stream.Dispose();
}
