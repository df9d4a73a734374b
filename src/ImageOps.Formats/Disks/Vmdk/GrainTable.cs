using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// The grain directory and grain tables of a sparse extent (VMware "Virtual Disk Format 5.0", "Grain
/// Directories and Grain Tables"): arrays of little-endian uint32 sector numbers. A directory entry
/// locates a grain table (0: none); a table entry locates a grain (0: unallocated, the parent shows
/// through; 1 with the zeroed-grain flag: reads as zeros).
/// </summary>
internal static class GrainTable
{
    /// <summary>Bytes per entry of a directory or a table.</summary>
    public const int EntrySize = 4;

    /// <summary>Entry of a grain (or table) that is not allocated.</summary>
    public const uint Unallocated = 0;

    /// <summary>Table entry of a zeroed grain when the header enables it (qemu <c>VMDK_GTE_ZEROED</c>).</summary>
    public const uint ZeroedGrain = 1;

    /// <summary>Sectors <paramref name="entries"/> entries occupy (tables and directories fill whole sectors).</summary>
    public static long Sectors(long entries) => (entries * EntrySize + SparseExtentHeader.SectorSize - 1) / SparseExtentHeader.SectorSize;

    public static uint Read(ReadOnlySpan<byte> bytes, int index) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(index * EntrySize));

    public static void Decode(ReadOnlySpan<byte> bytes, uint[] entries)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = Read(bytes, i);
        }
    }

    /// <summary>Encodes <paramref name="entries"/> into <paramref name="bytes"/>, zeroing the rest of it (the sector padding).</summary>
    public static void Encode(uint[] entries, Span<byte> bytes)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.Slice(i * EntrySize), entries[i]);
        }

        bytes.Slice(entries.Length * EntrySize).Clear();
    }

    /// <summary>The entries as a whole number of sectors.</summary>
    public static byte[] Encode(uint[] entries)
    {
        var bytes = new byte[Sectors(entries.Length) * SparseExtentHeader.SectorSize];
        Encode(entries, bytes);
        return bytes;
    }
}
