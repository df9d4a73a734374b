using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// Where ImageOps puts the structures of a new dynamic or differencing VHD (the layout qemu and
/// Hyper-V use): footer copy at 0, dynamic disk header at 512, BAT at 1536 padded to a sector, parent
/// locator data after it (each padded to a sector), then blocks, then the footer.
/// </summary>
internal sealed class VhdLayout
{
    /// <summary>Offset of the dynamic disk header, right after the footer copy.</summary>
    public const long HeaderOffset = VhdFooter.Size;

    /// <summary>Offset of the BAT, right after the header.</summary>
    public const long TableOffset = HeaderOffset + VhdDynamicHeader.Size;

    private VhdLayout(long capacity, int blockSize, uint entries, IReadOnlyList<PlacedLocator> locators, long metadataEnd)
    {
        Capacity = capacity;
        BlockSize = blockSize;
        BitmapSize = VhdSectorBitmap.SizeFor(blockSize);
        Entries = entries;
        BatBytes = VhdBlockAllocationTable.PaddedSize(entries);
        Locators = locators;
        MetadataEnd = metadataEnd;
    }

    public long Capacity { get; }

    public int BlockSize { get; }

    public int BitmapSize { get; }

    /// <summary>BAT entries: the blocks of the capacity.</summary>
    public uint Entries { get; }

    /// <summary>Bytes of the BAT on disk.</summary>
    public long BatBytes { get; }

    public IReadOnlyList<PlacedLocator> Locators { get; }

    /// <summary>First byte after the metadata: where the first block (or the footer) goes.</summary>
    public long MetadataEnd { get; }

    /// <summary>Plans a disk of <paramref name="capacity"/> with <paramref name="locators"/> (platform code and data).</summary>
    public static VhdLayout Plan(long capacity, int blockSize, IReadOnlyList<(uint Code, byte[] Data)> locators)
    {
        var entries = (uint)((capacity + blockSize - 1) / blockSize);
        var position = TableOffset + VhdBlockAllocationTable.PaddedSize(entries);
        var placed = new List<PlacedLocator>();
        foreach (var (code, data) in locators)
        {
            var space = Alignment.RoundUp(data.Length, 512);
            var padded = new byte[space];
            data.CopyTo(padded, 0);

            // Platform Data Space in bytes, as Windows writes it (readers accept sectors or bytes).
            placed.Add(new PlacedLocator(new VhdParentLocator(code, (uint)space, (uint)data.Length, (ulong)position), padded));
            position += space;
        }

        return new VhdLayout(capacity, blockSize, entries, placed, position);
    }

    /// <summary>
    /// Where a block goes at or after <paramref name="cursor"/>: its bitmap just before a
    /// <see cref="VhdDisk.DataAlignment"/> boundary, so the block's data is aligned for the host's
    /// page cache and 4K-sector disks. The gap is at most 3.5 KiB per block.
    /// </summary>
    public static long PlaceBlock(long cursor, int bitmapSize)
    {
        var dataStart = (cursor + bitmapSize + VhdDisk.DataAlignment - 1) / VhdDisk.DataAlignment * VhdDisk.DataAlignment;
        return dataStart - bitmapSize;
    }

    /// <summary>The header for this layout (parent fields left to the caller).</summary>
    public VhdDynamicHeader CreateHeader()
    {
        var header = VhdDynamicHeader.CreateNew((ulong)TableOffset, Entries, (uint)BlockSize);
        for (var i = 0; i < Locators.Count; i++)
        {
            header.SetLocator(i, Locators[i].Entry);
        }

        return header;
    }

    /// <summary>File size holding <paramref name="blocks"/> stored blocks.</summary>
    public long FileSizeWith(long blocks)
    {
        var cursor = MetadataEnd;
        var span = (long)BitmapSize + BlockSize;
        if (blocks > 0)
        {
            // Every block after the first starts at the same offset modulo the alignment.
            var first = PlaceBlock(cursor, BitmapSize);
            var stride = PlaceBlock(first + span, BitmapSize) - first;
            cursor = first + ((blocks - 1) * stride) + span;
        }

        return cursor + VhdFooter.Size;
    }
}

/// <summary>A parent locator entry and its data, padded to its reserved space.</summary>
internal sealed class PlacedLocator
{
    public PlacedLocator(VhdParentLocator entry, byte[] paddedData)
    {
        Entry = entry;
        PaddedData = paddedData;
    }

    public VhdParentLocator Entry { get; }

    public byte[] PaddedData { get; }
}
