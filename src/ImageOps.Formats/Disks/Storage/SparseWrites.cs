using System;

namespace ImageOps.Formats.Disks.Storage;

/// <summary>
/// Writes into fresh, sparse storage without writing zeros: runs of zeros stay holes, which read as
/// zeros and cost neither I/O nor disk space (qemu-img's -S does the same, at 4 KiB). Only for ranges
/// never written before — a hole reads zero, old bytes would not.
/// </summary>
public static class SparseWrites
{
    /// <summary>Zero runs shorter than this are written: a hole this size is worth its extra system call.</summary>
    public const int Granularity = 64 * 1024;

    /// <summary>Writes the non-zero runs of <paramref name="payload"/> at <paramref name="offset"/>, in as few writes as the data allows.</summary>
    public static void WriteSkippingZeros(this IBlockStorage storage, long offset, ReadOnlySpan<byte> payload)
    {
        var runStart = -1;
        for (var at = 0; at < payload.Length; at += Granularity)
        {
            var zero = ZeroDetector.IsAllZero(payload.Slice(at, Math.Min(Granularity, payload.Length - at)));
            if (!zero && runStart < 0)
            {
                runStart = at;
            }
            else if (zero && runStart >= 0)
            {
                storage.WriteAt(offset + runStart, payload.Slice(runStart, at - runStart));
                runStart = -1;
            }
        }

        if (runStart >= 0)
        {
            storage.WriteAt(offset + runStart, payload.Slice(runStart));
        }
    }
}
