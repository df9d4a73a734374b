using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Checksums;

/// <summary>
/// Marvin32, the keyed 64-bit hash Windows uses for registry transaction log entries ("Windows registry
/// file format specification", Format of transaction log files, New format, Log entries, notes 1-3).
/// The state is two 32-bit words seeded from a 64-bit key; each little-endian 32-bit word of input is
/// mixed in, then a final word holding the 0-3 trailing bytes behind a 0x80 marker, then a zero word.
/// </summary>
internal static class Marvin32
{
    /// <summary>The seed of registry log entry hashes: bytes 82 EF 4D 88 7A 4E 55 C5 read as a little-endian value.</summary>
    public const ulong RegistryLogSeed = 0x82EF4D887A4E55C5UL;

    /// <summary>The 64-bit Marvin32 hash of <paramref name="data"/> (high word = the second state word).</summary>
    public static ulong Compute(ReadOnlySpan<byte> data, ulong seed = RegistryLogSeed)
    {
        var lo = (uint)seed;
        var hi = (uint)(seed >> 32);
        var i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            Mix(ref lo, ref hi, BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i)));
        }

        // The tail: up to three bytes below a 0x80 marker byte (little-endian, so the marker is highest).
        uint final = 0x80;
        for (var j = data.Length - 1; j >= i; j--)
        {
            final = (final << 8) | data[j];
        }

        Mix(ref lo, ref hi, final);
        Mix(ref lo, ref hi, 0);
        return ((ulong)hi << 32) | lo;
    }

    private static void Mix(ref uint lo, ref uint hi, uint value)
    {
        lo += value;
        hi ^= lo;
        lo = Rotl(lo, 20) + hi;
        hi = Rotl(hi, 9) ^ lo;
        lo = Rotl(lo, 27) + hi;
        hi = Rotl(hi, 19);
    }

    private static uint Rotl(uint x, int n) => (x << n) | (x >> (32 - n));
}
