using System;

namespace ImageOps.Formats.Disks;

/// <summary>
/// Fills a new disk front to back: the conversion fast path. The engine reads the source in chunks of
/// <see cref="ChunkSize"/>, skips all-zero ones, lets worker threads call <see cref="Transform"/>
/// (compression) in parallel, then calls <see cref="Write(long, ReadOnlySpan{byte}, bool)"/> in ascending offset order on one thread,
/// and finally <see cref="Complete"/>. A writer never has to revisit data, so formats can place
/// metadata (BAT, L1/L2 tables, grain tables) once, at the end.
/// </summary>
public abstract class DiskWriter : IDisposable
{
    /// <summary>Bytes per chunk: a power of two, a multiple of 512, at most 64 MiB.</summary>
    public abstract int ChunkSize { get; }

    /// <summary>True if <see cref="Transform"/> does work worth running in parallel (compression).</summary>
    public virtual bool TransformsChunks => false;

    /// <summary>Largest payload <see cref="Transform"/> can produce for one chunk.</summary>
    public virtual int MaxTransformedSize => ChunkSize;

    /// <summary>
    /// Thread-safe, stateless per call: turns a chunk into its stored form in <paramref name="output"/>
    /// and returns the length, or -1 to store it as is (for example when compression does not help).
    /// </summary>
    public virtual int Transform(long offset, ReadOnlySpan<byte> chunk, Span<byte> output) => -1;

    /// <summary>
    /// Stores one chunk (offsets ascending, multiples of <see cref="ChunkSize"/>; only the last chunk
    /// may be shorter). <paramref name="transformed"/> says whether <paramref name="payload"/> came from
    /// <see cref="Transform"/>.
    /// </summary>
    public abstract void Write(long offset, ReadOnlySpan<byte> payload, bool transformed);

    /// <summary>
    /// Stores one untransformed chunk like <see cref="Write(long, ReadOnlySpan{byte}, bool)"/>, told which
    /// pieces of it hold non-zero bytes (the others are zeros): writers that leave zeros as holes or
    /// unallocated clusters use it instead of scanning the chunk again.
    /// </summary>
    public virtual void Write(long offset, ReadOnlySpan<byte> payload, ChunkPieces pieces) => Write(offset, payload, transformed: false);

    /// <summary>
    /// Records that [offset, offset+length) reads as zeros even over a parent (differencing output);
    /// chunk-aligned, ascending with <see cref="Write(long, ReadOnlySpan{byte}, bool)"/>. Ranges never written nor zeroed stay unallocated.
    /// </summary>
    public abstract void WriteZeros(long offset, long length);

    /// <summary>Writes the remaining metadata and flushes durably; the file is a valid image afterwards.</summary>
    public abstract void Complete();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the storage; an incomplete file is the caller's to delete.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
