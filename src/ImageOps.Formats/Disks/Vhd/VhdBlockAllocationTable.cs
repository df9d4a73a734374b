using System;
using System.Buffers.Binary;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// The Block Allocation Table: VHD spec, "Block Allocation Table and Data Blocks". One big-endian
/// 32-bit entry per block: the sector (offset / 512) of the block's sector bitmap, which the block's
/// data follows, or 0xFFFFFFFF for a block not stored in the file.
/// </summary>
internal sealed class VhdBlockAllocationTable
{
    /// <summary>Bytes of one entry.</summary>
    public const int EntrySize = 4;

    /// <summary>The entry of a block not stored in this file.</summary>
    public const uint Unused = 0xFFFFFFFF;

    private const int ReadChunk = 64 * 1024;
    private readonly uint[] _entries;

    private VhdBlockAllocationTable(uint[] entries)
    {
        _entries = entries;
    }

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Length;

    /// <summary>Entry <paramref name="index"/>.</summary>
    public uint this[int index]
    {
        get => _entries[index];
        set => _entries[index] = value;
    }

    /// <summary>Bytes the table takes on disk, padded to a sector as the spec requires.</summary>
    public static long PaddedSize(long count) => Alignment.RoundUp(count * EntrySize, 512);

    /// <summary>A table of <paramref name="count"/> unused entries.</summary>
    public static VhdBlockAllocationTable CreateEmpty(int count)
    {
        var entries = new uint[count];
        entries.AsSpan().Fill(Unused);
        return new VhdBlockAllocationTable(entries);
    }

    /// <summary>
    /// Reads <paramref name="count"/> entries at <paramref name="offset"/>. The caller has bounded
    /// the count by the file size, so the array is never larger than the file justifies.
    /// </summary>
    public static VhdBlockAllocationTable Read(IBlockStorage storage, long offset, int count)
    {
        var entries = new uint[count];
        var buffer = new byte[Math.Min(ReadChunk, Math.Max(count, 1) * EntrySize)];
        for (var done = 0; done < count;)
        {
            var n = Math.Min(count - done, buffer.Length / EntrySize);
            var span = buffer.AsSpan(0, n * EntrySize);
            storage.ReadExactly(offset + ((long)done * EntrySize), span, VhdDisk.FormatName, "block allocation table");
            for (var i = 0; i < n; i++)
            {
                entries[done + i] = BinaryPrimitives.ReadUInt32BigEndian(span.Slice(i * EntrySize));
            }

            done += n;
        }

        return new VhdBlockAllocationTable(entries);
    }

    /// <summary>Entries [<paramref name="first"/>, first+count) as stored (big-endian).</summary>
    public byte[] ToBytes(int first, int count)
    {
        var bytes = new byte[count * EntrySize];
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * EntrySize), _entries[first + i]);
        }

        return bytes;
    }

    /// <summary>The whole table padded to a sector with unused entries, as stored.</summary>
    public byte[] ToPaddedBytes(long paddedSize)
    {
        var bytes = new byte[paddedSize];
        bytes.AsSpan().Fill(0xFF);
        ToBytes(0, _entries.Length).CopyTo(bytes, 0);
        return bytes;
    }

    /// <summary>A copy with <paramref name="count"/> entries (new ones unused).</summary>
    public VhdBlockAllocationTable Resized(int count)
    {
        var entries = new uint[count];
        entries.AsSpan().Fill(Unused);
        Array.Copy(_entries, entries, Math.Min(count, _entries.Length));
        return new VhdBlockAllocationTable(entries);
    }
}
