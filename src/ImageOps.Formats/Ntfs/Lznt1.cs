using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// LZNT1 decompression ([MS-XCA] §2.5 "LZNT1 Algorithm Details"; libfsntfs, "Compression" and "LZNT1 compression method"): a
/// compression unit is a series of chunks of at most 4096 output bytes, each with a 16-bit header
/// (bit 15: compressed; bits 0-11: stored length - 3); compressed chunks are groups of eight tokens
/// behind a flag byte, a set bit meaning a (displacement, length) back-reference whose split depends on
/// how far into the chunk it is.
/// </summary>
internal static class Lznt1
{
    public const int ChunkSize = 4096;

    private const ushort ChunkCompressed = 0x8000;
    private const ushort ChunkLengthMask = 0x0FFF;

    /// <summary>
    /// Decompresses <paramref name="input"/> into <paramref name="output"/> and returns the bytes written;
    /// never writes past the output, and returns -1 for malformed input (a back-reference before the
    /// chunk's start, a chunk running past the input).
    /// </summary>
    public static int Decompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var inPos = 0;
        var outPos = 0;
        while (inPos + 2 <= input.Length && outPos < output.Length)
        {
            var header = BinaryPrimitives.ReadUInt16LittleEndian(input.Slice(inPos));
            if (header == 0)
            {
                break;
            }

            var stored = (header & ChunkLengthMask) + 1;
            inPos += 2;
            if (inPos + stored > input.Length)
            {
                return -1;
            }

            var chunk = input.Slice(inPos, stored);
            var room = Math.Min(ChunkSize, output.Length - outPos);
            var target = output.Slice(outPos, room);
            int produced;
            if ((header & ChunkCompressed) == 0)
            {
                // An uncompressed chunk holds exactly its bytes (4096 but for a final short chunk).
                produced = Math.Min(stored, room);
                chunk.Slice(0, produced).CopyTo(target);
            }
            else
            {
                produced = DecompressChunk(chunk, target);
                if (produced < 0)
                {
                    return -1;
                }
            }

            outPos += produced;
            inPos += stored;

            // A chunk that produced less than 4096 bytes ends the unit: what follows reads as zeros.
            if (produced < ChunkSize)
            {
                break;
            }
        }

        return outPos;
    }

    private static int DecompressChunk(ReadOnlySpan<byte> chunk, Span<byte> output)
    {
        var inPos = 0;
        var outPos = 0;
        while (inPos < chunk.Length && outPos < output.Length)
        {
            var flags = chunk[inPos++];
            for (var bit = 0; bit < 8 && inPos < chunk.Length && outPos < output.Length; bit++, flags >>= 1)
            {
                if ((flags & 1) == 0)
                {
                    output[outPos++] = chunk[inPos++];
                    continue;
                }

                if (inPos + 2 > chunk.Length || outPos == 0)
                {
                    return -1;
                }

                var token = BinaryPrimitives.ReadUInt16LittleEndian(chunk.Slice(inPos));
                inPos += 2;

                // The displacement field grows (and the length field shrinks) as the position passes
                // each power of two above 16, so references can reach the whole chunk so far.
                var lengthBits = 12;
                for (var p = outPos - 1; p >= 0x10; p >>= 1)
                {
                    lengthBits--;
                }

                var length = (token & ((1 << lengthBits) - 1)) + 3;
                var displacement = (token >> lengthBits) + 1;
                if (displacement > outPos)
                {
                    return -1;
                }

                // Byte by byte: references may overlap their own output (run-length style).
                for (var i = 0; i < length && outPos < output.Length; i++, outPos++)
                {
                    output[outPos] = output[outPos - displacement];
                }
            }
        }

        return outPos;
    }
}
