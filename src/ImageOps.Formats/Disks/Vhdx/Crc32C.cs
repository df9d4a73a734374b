using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of every VHDX header, region
/// table and log entry (MS-VHDX 2.2.2, 2.2.3, 2.3.1.1). Slicing-by-8, because a log entry or a 64 KiB
/// region table is checksummed on every open.
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;
    private static readonly uint[] Table = BuildTable();

    /// <summary>The finished CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(uint.MaxValue, data);

    /// <summary>
    /// The finished CRC of <paramref name="data"/> with the four bytes at <paramref name="fieldOffset"/>
    /// taken as zero: how MS-VHDX checksums a structure that holds its own checksum.
    /// </summary>
    public static uint ComputeWithZeroedField(ReadOnlySpan<byte> data, int fieldOffset)
    {
        Span<byte> zero = stackalloc byte[4];
        zero.Clear();
        var state = Append(uint.MaxValue, data.Slice(0, fieldOffset));
        state = Append(state, zero);
        state = Append(state, data.Slice(fieldOffset + 4));
        return ~state;
    }

    /// <summary>
    /// Continues a running CRC register (start with <see cref="uint.MaxValue"/>, finish with <c>~</c>),
    /// so a long structure can be checksummed in pieces.
    /// </summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        var crc = state;
        var table = Table;
        while (data.Length >= 8)
        {
            var low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var high = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(4));
            crc = table[(7 * 256) + (low & 0xFF)]
                  ^ table[(6 * 256) + ((low >> 8) & 0xFF)]
                  ^ table[(5 * 256) + ((low >> 16) & 0xFF)]
                  ^ table[(4 * 256) + (low >> 24)]
                  ^ table[(3 * 256) + (high & 0xFF)]
                  ^ table[(2 * 256) + ((high >> 8) & 0xFF)]
                  ^ table[256 + ((high >> 16) & 0xFF)]
                  ^ table[high >> 24];
            data = data.Slice(8);
        }

        foreach (var b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            var crc = i;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }

            table[i] = crc;
        }

        for (var slice = 1; slice < 8; slice++)
        {
            for (var i = 0; i < 256; i++)
            {
                var previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = table[previous & 0xFF] ^ (previous >> 8);
            }
        }

        return table;
    }
}
