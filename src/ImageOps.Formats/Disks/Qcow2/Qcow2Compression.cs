using System;
using System.IO;
using System.IO.Compression;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// Cluster compression as qemu does it (block/qcow2-threads.c): each cluster is one raw deflate
/// stream with a 4 KiB window (windowBits -12); a cluster is stored compressed only if the result is
/// shorter than the cluster. Compression uses the runtime's native zlib when present (fast, and
/// the same library family qemu uses) and the managed fixed-Huffman encoder otherwise. Both are
/// stateless per call, so <see cref="DiskWriter.Transform"/> may run them on many threads.
/// </summary>
internal static class Qcow2Compression
{
    /// <summary>qemu's window: inflateInit2(-12) rejects distances past 4096 bytes.</summary>
    public const int WindowBits = -12;

    /// <summary>
    /// zlib level 1 (zlib-ng's fastest strategy). Measured on 256 MiB of executable-heavy data on two
    /// cores: 1.5-3.4 s and 127 MB against qemu-img convert -c (level 6) at 7.6-10.5 s and 100 MB;
    /// level 2 gave about +8% size at only ~2x qemu's speed. Conversion is throughput-bound, so the
    /// fast level wins; internal (not const) so a measurement can try others.
    /// </summary>
    internal static int Level = 1;

    /// <summary>Compresses one cluster; returns the length, or -1 when it would not be shorter than <paramref name="output"/> allows.</summary>
    public static int Compress(ReadOnlySpan<byte> cluster, Span<byte> output)
        => ZlibNative.Available ? ZlibNative.Deflate(cluster, output, Level, WindowBits) : ManagedDeflater.Compress(cluster, output);

    /// <summary>
    /// Inflates a compressed cluster into <paramref name="output"/>, which must be filled exactly
    /// (qemu's rule); the output is bounded by the cluster, so a "bomb" cannot grow past it.
    /// Returns false for a stream that is malformed or ends before the cluster is complete.
    /// </summary>
    public static bool Decompress(byte[] input, int length, Span<byte> output)
    {
        if (ZlibNative.Available)
        {
            // windowBits -15 accepts any valid raw deflate stream; qemu's stricter -12 matters only
            // to what we write.
            return ZlibNative.Inflate(input.AsSpan(0, length), output, -15) == output.Length;
        }

        return InflateManaged(input, length, output);
    }

    /// <summary>The DeflateStream path (any runtime), bounded to the output cluster.</summary>
    internal static bool InflateManaged(byte[] input, int length, Span<byte> output)
    {
        try
        {
            using var source = new MemoryStream(input, 0, length, writable: false);
            using var inflater = new DeflateStream(source, CompressionMode.Decompress);
            var done = 0;
            var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(output.Length, 1 << 16));
            try
            {
                while (done < output.Length)
                {
                    var n = inflater.Read(scratch, 0, Math.Min(scratch.Length, output.Length - done));
                    if (n <= 0)
                    {
                        return false;
                    }

                    scratch.AsSpan(0, n).CopyTo(output.Slice(done));
                    done += n;
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
            }

            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }
}
