using System;

namespace ImageOps.Formats.Disks;

/// <summary>
/// Which pieces of a chunk hold non-zero bytes: bit i covers [i × <see cref="PieceSize"/>, (i+1) ×
/// <see cref="PieceSize"/>). The copy pipeline learns this while it reads (the source's allocation map
/// says most of a chunk is a hole, so only the rest is scanned) and hands it to the writer, which then
/// neither scans the zeros again nor writes them.
/// </summary>
public readonly struct ChunkPieces
{
    /// <summary>The smallest piece: a hole smaller than this is not worth its own write.</summary>
    public const int MinPieceSize = 64 * 1024;

    /// <summary>Describes a chunk cut into pieces of <paramref name="pieceSize"/> bytes with <paramref name="mask"/> set for the non-zero ones.</summary>
    public ChunkPieces(int pieceSize, ulong mask)
    {
        if (pieceSize < MinPieceSize || (pieceSize & (pieceSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pieceSize), "A piece is a power of two of at least 64 KiB.");
        }

        PieceSize = pieceSize;
        Mask = mask;
    }

    /// <summary>Bytes per piece.</summary>
    public int PieceSize { get; }

    /// <summary>Bit i set: piece i holds a non-zero byte; clear: it is all zeros.</summary>
    public ulong Mask { get; }

    /// <summary>True if the whole chunk is zeros.</summary>
    public bool IsEmpty => Mask == 0;

    /// <summary>The piece size for a chunk of <paramref name="chunkLength"/> bytes: 64 KiB, or larger so 64 pieces cover it.</summary>
    public static int PieceSizeFor(int chunkLength)
    {
        var size = MinPieceSize;
        while ((long)size * 64 < chunkLength)
        {
            size <<= 1;
        }

        return size;
    }

    /// <summary>Scans every piece of <paramref name="chunk"/> (for callers that know nothing of its layout).</summary>
    public static ChunkPieces Scan(ReadOnlySpan<byte> chunk)
    {
        var size = PieceSizeFor(chunk.Length);
        var mask = 0UL;
        for (var i = 0; i * size < chunk.Length; i++)
        {
            if (!ZeroDetector.IsAllZero(chunk.Slice(i * size, Math.Min(size, chunk.Length - (i * size)))))
            {
                mask |= 1UL << i;
            }
        }

        return new ChunkPieces(size, mask);
    }

    /// <summary>
    /// True if [<paramref name="start"/>, start+<paramref name="length"/>) of <paramref name="chunk"/> is all
    /// zeros: answered from the mask, scanning the bytes only when the range cuts a non-zero piece.
    /// </summary>
    public bool IsZero(ReadOnlySpan<byte> chunk, int start, int length)
    {
        if (length <= 0)
        {
            return true;
        }

        var first = start / PieceSize;
        var last = (start + length - 1) / PieceSize;
        var partial = false;
        for (var i = first; i <= last; i++)
        {
            if ((Mask & (1UL << i)) == 0)
            {
                continue;
            }

            // A non-zero piece wholly inside the range decides it; one cut by the range needs a look.
            if ((long)i * PieceSize >= start && ((long)i + 1) * PieceSize <= (long)start + length)
            {
                return false;
            }

            partial = true;
        }

        return !partial || ZeroDetector.IsAllZero(chunk.Slice(start, length));
    }
}
