using System;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// The sector bitmap in front of each data block: VHD spec, "Block Allocation Table and Data
/// Blocks". One bit per 512-byte sector of the block, most significant bit of byte 0 first, padded
/// to a whole sector. A set bit means the sector is stored in this file; a clear bit means it reads as
/// zeros in a dynamic disk and comes from the parent in a differencing disk.
/// </summary>
internal static class VhdSectorBitmap
{
    /// <summary>
    /// Bytes of the bitmap of a block of <paramref name="blockSize"/> bytes: one bit per sector rounded
    /// up to a whole sector, as the spec says. (qemu's formula gives 0 for blocks under 4 KiB, which
    /// no tool writes; ImageOps follows the spec.)
    /// </summary>
    public static int SizeFor(long blockSize)
    {
        var bytes = (blockSize / 512 + 7) / 8;
        return (int)Alignment.RoundUp(bytes, 512);
    }

    public static bool IsSet(ReadOnlySpan<byte> bitmap, int sector) => (bitmap[sector >> 3] & (0x80 >> (sector & 7))) != 0;

    /// <summary>Sets the bits of sectors [first, first+count).</summary>
    public static void SetRange(Span<byte> bitmap, int first, int count)
    {
        var sector = first;
        var end = first + count;
        while (sector < end && (sector & 7) != 0)
        {
            bitmap[sector >> 3] |= (byte)(0x80 >> (sector & 7));
            sector++;
        }

        if (sector + 8 <= end)
        {
            var bytes = (end - sector) / 8;
            bitmap.Slice(sector >> 3, bytes).Fill(0xFF);
            sector += bytes * 8;
        }

        while (sector < end)
        {
            bitmap[sector >> 3] |= (byte)(0x80 >> (sector & 7));
            sector++;
        }
    }

    /// <summary>True if the bits of sectors [first, first+count) are all set.</summary>
    public static bool AllSet(ReadOnlySpan<byte> bitmap, int first, int count)
        => RunLength(bitmap, first, first + count, out var set) == count && set;

    /// <summary>True if the bits of sectors [first, first+count) are all clear.</summary>
    public static bool AllClear(ReadOnlySpan<byte> bitmap, int first, int count)
        => RunLength(bitmap, first, first + count, out var set) == count && !set;

    /// <summary>How many sectors from <paramref name="first"/> (before <paramref name="limit"/>) share its bit, and that bit.</summary>
    public static int RunLength(ReadOnlySpan<byte> bitmap, int first, int limit, out bool set)
    {
        set = IsSet(bitmap, first);
        var sector = first + 1;
        var whole = set ? (byte)0xFF : (byte)0x00;
        while (sector < limit)
        {
            if ((sector & 7) == 0 && sector + 8 <= limit && bitmap[sector >> 3] == whole)
            {
                sector += 8;
                continue;
            }

            if (IsSet(bitmap, sector) != set)
            {
                break;
            }

            sector++;
        }

        return sector - first;
    }
}
