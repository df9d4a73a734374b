using System;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// How a VHDX's BAT is laid out (MS-VHDX 2.5): payload block entries interleaved with one sector bitmap
/// entry after every <see cref="ChunkRatio"/> payload entries.
/// </summary>
internal sealed class VhdxGeometry
{
    public VhdxGeometry(long capacity, int blockSize, int logicalSectorSize, bool hasParent)
    {
        Capacity = capacity;
        BlockSize = blockSize;
        LogicalSectorSize = logicalSectorSize;
        HasParent = hasParent;
        ChunkRatio = (int)(VhdxConstants.SectorsPerChunk * logicalSectorSize / blockSize);
        DataBlocks = (capacity + blockSize - 1) / blockSize;
        BitmapBlocks = (DataBlocks + ChunkRatio - 1) / ChunkRatio;
        TotalEntries = hasParent
            ? BitmapBlocks * (ChunkRatio + 1)
            : DataBlocks == 0 ? 0 : DataBlocks + ((DataBlocks - 1) / ChunkRatio);
    }

    public long Capacity { get; }

    public int BlockSize { get; }

    public int LogicalSectorSize { get; }

    public bool HasParent { get; }

    /// <summary>Payload blocks per sector bitmap block: 2^23 sectors × sector size ÷ block size.</summary>
    public int ChunkRatio { get; }

    public long DataBlocks { get; }

    public long BitmapBlocks { get; }

    /// <summary>Entries the BAT must hold (MS-VHDX 2.5: differencing files have a bitmap entry for every chunk).</summary>
    public long TotalEntries { get; }

    /// <summary>Sectors per payload block.</summary>
    public int SectorsPerBlock => BlockSize / LogicalSectorSize;

    /// <summary>Bytes of sector bitmap that describe one payload block.</summary>
    public int BitmapBytesPerBlock => SectorsPerBlock / 8;

    /// <summary>BAT bytes, rounded up to the 1 MiB the region needs.</summary>
    public long BatRegionLength => Math.Max(VhdxConstants.OneMiB, Alignment.RoundUp(TotalEntries * VhdxBatEntry.Size, VhdxConstants.OneMiB));

    public long PayloadEntryIndex(long block) => block + (block / ChunkRatio);

    public long BitmapEntryIndex(long chunk) => (chunk * (ChunkRatio + 1)) + ChunkRatio;

    /// <summary>True if the BAT entry at <paramref name="index"/> is a sector bitmap entry.</summary>
    public bool IsBitmapEntry(long index) => index % (ChunkRatio + 1) == ChunkRatio;

    /// <summary>The payload block a payload entry index describes.</summary>
    public long BlockOfEntry(long index) => index - (index / (ChunkRatio + 1));

    /// <summary>Bytes of the block that lie inside the virtual disk (the last block may be cut short).</summary>
    public long BlockLengthInDisk(long block) => Math.Min(BlockSize, Capacity - (block * BlockSize));

}
