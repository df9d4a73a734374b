using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// A refcount block (qcow2.txt "Host cluster management"): one cluster of entries of
/// 2^refcount_order bits. Entries narrower than a byte are packed from the least significant bit,
/// wider ones are big-endian.
/// </summary>
internal static class Qcow2RefcountBlock
{
    public static ulong Get(ReadOnlySpan<byte> block, int order, long index)
    {
        switch (order)
        {
            case 0:
            case 1:
            case 2:
                var bits = 1 << order;
                var perByte = 8 >> order;
                var shift = (int)(index % perByte) * bits;
                return (ulong)((block[(int)(index / perByte)] >> shift) & ((1 << bits) - 1));
            case 3:
                return block[(int)index];
            case 4:
                return BinaryPrimitives.ReadUInt16BigEndian(block.Slice((int)index * 2));
            case 5:
                return BinaryPrimitives.ReadUInt32BigEndian(block.Slice((int)index * 4));
            default:
                return BinaryPrimitives.ReadUInt64BigEndian(block.Slice((int)index * 8));
        }
    }

    public static void Set(Span<byte> block, int order, long index, ulong value)
    {
        switch (order)
        {
            case 0:
            case 1:
            case 2:
                var bits = 1 << order;
                var perByte = 8 >> order;
                var shift = (int)(index % perByte) * bits;
                var mask = ((1 << bits) - 1) << shift;
                var at = (int)(index / perByte);
                block[at] = (byte)((block[at] & ~mask) | (((int)value << shift) & mask));
                break;
            case 3:
                block[(int)index] = (byte)value;
                break;
            case 4:
                BinaryPrimitives.WriteUInt16BigEndian(block.Slice((int)index * 2), (ushort)value);
                break;
            case 5:
                BinaryPrimitives.WriteUInt32BigEndian(block.Slice((int)index * 4), (uint)value);
                break;
            default:
                BinaryPrimitives.WriteUInt64BigEndian(block.Slice((int)index * 8), value);
                break;
        }
    }

    /// <summary>The byte range of a block that holds entries [first, first+count).</summary>
    public static (int Offset, int Length) ByteRange(int order, long first, long count)
    {
        var start = (first << order) / 8;
        var end = (((first + count) << order) + 7) / 8;
        return ((int)start, (int)(end - start));
    }

    /// <summary>
    /// Refcount metadata clusters (blocks + table) needed so that <paramref name="clusters"/> data and
    /// other clusters plus the refcount metadata itself are all counted: qemu's fixed point in
    /// qcow2_refcount_metadata_size.
    /// </summary>
    public static (long Blocks, long TableClusters) MetadataFor(long clusters, Qcow2Layout layout)
    {
        long blocks = 0, table = 0, last, n = 0;
        do
        {
            last = n;
            blocks = DivRoundUp(clusters + table + blocks, layout.RefcountBlockEntries);
            table = DivRoundUp(blocks, layout.RefcountTableEntriesPerCluster);
            n = clusters + blocks + table;
        }
        while (n != last);
        return (blocks, table);
    }

    public static long DivRoundUp(long a, long b) => (a + b - 1) / b;
}
