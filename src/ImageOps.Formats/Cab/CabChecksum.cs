namespace ImageOps.Formats.Cab;

/// <summary>
/// The CFDATA checksum ([MS-CAB] 2.4, csum): a 32-bit XOR of the data taken as little-endian words,
/// seeded with the checksum of the data and then continued over the block header fields after csum
/// (cbData, cbUncomp and the reserve). A trailing 1-3 bytes are folded in high-to-low, as the reference
/// implementation (CSUMCompute) does, not as a little-endian word.
/// </summary>
internal static class CabChecksum
{
    public static uint Compute(byte[] data, int offset, int count, uint seed)
    {
        var csum = seed;
        var words = count / 4;
        var p = offset;
        for (var i = 0; i < words; i++, p += 4)
        {
            csum ^= (uint)(data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24));
        }

        uint tail = 0;
        switch (count % 4)
        {
            case 3:
                tail |= (uint)data[p++] << 16;
                tail |= (uint)data[p++] << 8;
                tail |= data[p];
                break;
            case 2:
                tail |= (uint)data[p++] << 8;
                tail |= data[p];
                break;
            case 1:
                tail |= data[p];
                break;
        }

        return csum ^ tail;
    }
}
