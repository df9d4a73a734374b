using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Registry;

/// <summary>
/// The dirty vector of an old-format transaction log (Windows XP to 8): "DIRT" and a bitmap with one
/// bit per 512-byte page of the hive bins data, stored from the log's second sector; the dirty pages
/// themselves follow from the next 512-byte boundary, one per set bit, in bit order. "Windows registry
/// file format specification", Format of transaction log files, Old format, Dirty vector and Dirty pages.
/// </summary>
internal sealed class DirtyVector
{
    public const uint SignatureValue = 0x54524944; // "DIRT"

    /// <summary>The vector starts at the second sector of the log.</summary>
    public const int Offset = BaseBlock.LogCopySize;

    /// <summary>Each bit covers this many bytes of hive bins data.</summary>
    public const int PageSize = 512;

    public const int SignatureSize = 4;

    /// <summary>The bitmap (bit i = page i, least significant bit first).</summary>
    public byte[] Bitmap { get; private set; } = Array.Empty<byte>();

    /// <summary>Offset in the log of the first dirty page.</summary>
    public int PagesOffset { get; private set; }

    /// <summary>Number of set bits, that is, of dirty pages stored.</summary>
    public int DirtyPageCount { get; private set; }

    /// <summary>Reads the vector for a hive of <paramref name="hiveBinsDataSize"/> bytes from the whole log file.</summary>
    public static DirtyVector? TryParse(ReadOnlySpan<byte> log, uint hiveBinsDataSize, out string? problem)
    {
        problem = null;
        var bitmapBytes = (int)(hiveBinsDataSize / PageSize / 8);
        if (log.Length < Offset + SignatureSize + bitmapBytes)
        {
            problem = $"the log ({log.Length} bytes) is too short for the dirty vector of a {hiveBinsDataSize}-byte hive";
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(log.Slice(Offset)) != SignatureValue)
        {
            problem = "no 'DIRT' signature at offset 512";
            return null;
        }

        var vector = new DirtyVector { Bitmap = log.Slice(Offset + SignatureSize, bitmapBytes).ToArray() };
        var end = Offset + SignatureSize + bitmapBytes;
        vector.PagesOffset = (end + PageSize - 1) / PageSize * PageSize;
        foreach (var b in vector.Bitmap)
        {
            for (var v = b; v != 0; v &= (byte)(v - 1))
            {
                vector.DirtyPageCount++;
            }
        }

        if (vector.PagesOffset + ((long)vector.DirtyPageCount * PageSize) > log.Length)
        {
            problem = $"the log holds fewer than the {vector.DirtyPageCount} dirty pages its vector marks";
            return null;
        }

        return vector;
    }

    /// <summary>True if page <paramref name="index"/> is dirty.</summary>
    public bool IsDirty(int index) => (Bitmap[index >> 3] & (1 << (index & 7))) != 0;
}
