using System;

namespace ImageOps.Formats.Disks.Storage;

/// <summary>
/// Writes into fresh, sparse storage without writing zeros: zero pieces stay holes, which read as zeros
/// and cost neither I/O nor disk space (qemu-img's -S does the same). Only for ranges never written
/// before — a hole reads zero, old bytes would not.
/// </summary>
public static class SparseWrites
{
    /// <summary>Writes the non-zero pieces of <paramref name="payload"/> at <paramref name="offset"/>, one write per run of them.</summary>
    public static void WritePieces(this IBlockStorage storage, long offset, ReadOnlySpan<byte> payload, ChunkPieces pieces)
    {
        var size = pieces.PieceSize;
        var runStart = -1;
        for (var i = 0; ; i++)
        {
            var at = i * size;
            var data = at < payload.Length && (pieces.Mask & (1UL << i)) != 0;
            if (data && runStart < 0)
            {
                runStart = at;
            }
            else if (!data && runStart >= 0)
            {
                storage.WriteAt(offset + runStart, payload.Slice(runStart, Math.Min(at, payload.Length) - runStart));
                runStart = -1;
            }

            if (at >= payload.Length)
            {
                return;
            }
        }
    }
}
