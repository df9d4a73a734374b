using System;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Engine.Disks.Conversion;

/// <summary>
/// Wraps a new image's storage while it is being written under its temp name. Formats flush
/// durably at their own barriers; for a file nobody can see yet those barriers protect nothing (a
/// crash discards the temp file), so they become plain flushes here, and the engine decides once, at
/// the end, whether to make the finished file durable before renaming it into place.
/// </summary>
internal sealed class FlushPolicyStorage : IBlockStorage, ISparseStorage
{
    private readonly IBlockStorage _inner;

    /// <param name="inner">The temp file.</param>
    /// <param name="finalName">
    /// The name the file will have: formats that record their own file name (a VMDK's embedded
    /// descriptor) must record that, not the temp name.
    /// </param>
    public FlushPolicyStorage(IBlockStorage inner, string finalName)
    {
        _inner = inner;
        Name = finalName;
    }

    public string Name { get; }

    public long Length => _inner.Length;

    public bool CanWrite => _inner.CanWrite;

    public int ReadAt(long offset, Span<byte> buffer) => _inner.ReadAt(offset, buffer);

    public void WriteAt(long offset, ReadOnlySpan<byte> data) => _inner.WriteAt(offset, data);

    public void SetLength(long length) => _inner.SetLength(length);

    public void Flush(bool durable) => _inner.Flush(durable: false);

    /// <summary>Makes everything written so far durable (fsync).</summary>
    public void FlushDurably() => _inner.Flush(durable: true);

    public System.Collections.Generic.IEnumerable<Formats.Disks.AllocationRange> MapData(long offset, long length)
        => _inner is ISparseStorage sparse ? sparse.MapData(offset, length) : new[] { new Formats.Disks.AllocationRange(offset, length, Formats.Disks.AllocationKind.Data) };

    public void Dispose() => _inner.Dispose();
}
