namespace ImageOps.Formats.Zip;

/// <summary>CRC-32 as ZIP uses it (APPNOTE.TXT 4.4.7: polynomial 0xEDB88320, reflected, inverted).</summary>
public sealed class Crc32
{
    private static readonly uint[] Table = BuildTable();
    private uint _value = 0xFFFFFFFF;

    /// <summary>The CRC of everything appended so far.</summary>
    public uint Value => ~_value;

    /// <summary>Adds bytes.</summary>
    public void Append(byte[] buffer, int offset, int count)
    {
        var crc = _value;
        for (var i = offset; i < offset + count; i++)
        {
            crc = Table[(crc ^ buffer[i]) & 0xFF] ^ (crc >> 8);
        }

        _value = crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
