using System;

namespace ImageOps.Formats.Checksums;

/// <summary>
/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as GPT headers and entry arrays use it
/// (UEFI specification 2.10, §5.3.2). netstandard2.0 has no System.IO.Hashing.
/// </summary>
public static class Crc32
{
    private static readonly uint[] Table = Build();

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC-32 over more data (<paramref name="crc"/> is a previous result, 0 to start).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var c = ~crc;
        foreach (var b in data)
        {
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return ~c;
    }

    private static uint[] Build()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
