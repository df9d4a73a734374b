using System;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>Payload block states (MS-VHDX 2.5.1.1).</summary>
internal enum VhdxPayloadState
{
    /// <summary>Not in this file: zeros, or the parent's data in a differencing disk.</summary>
    NotPresent = 0,

    /// <summary>Contents undefined; ImageOps reads it like NotPresent.</summary>
    Undefined = 1,

    /// <summary>Reads as zeros (hiding any parent).</summary>
    Zero = 2,

    /// <summary>Unmapped (trimmed); ImageOps reads it like NotPresent.</summary>
    Unmapped = 3,

    /// <summary>The value version 0.95 of the specification gave Unmapped; qemu reads it the same way.</summary>
    UnmappedV095 = 5,

    /// <summary>The whole block is stored at FileOffsetMB.</summary>
    FullyPresent = 6,

    /// <summary>Differencing only: the sector bitmap says which sectors are here and which come from the parent.</summary>
    PartiallyPresent = 7,
}

/// <summary>
/// One 64-bit BAT entry (MS-VHDX 2.5.1): the state in bits 0-2 and the file offset in MiB in bits 20-63.
/// Sector bitmap entries use state 0 (not present) or 6 (present).
/// </summary>
internal static class VhdxBatEntry
{
    /// <summary>Bytes per entry.</summary>
    public const int Size = 8;

    public const ulong StateMask = 0x7;
    public const int FileOffsetShift = 20;

    /// <summary>Sector bitmap block states (MS-VHDX 2.5.1.2).</summary>
    public const int BitmapNotPresent = 0;
    public const int BitmapPresent = 6;

    public static int State(ulong entry) => (int)(entry & StateMask);

    /// <summary>The file offset in bytes (FileOffsetMB × 1 MiB).</summary>
    public static long FileOffset(ulong entry) => (long)(entry >> FileOffsetShift) << FileOffsetShift;

    public static ulong Make(int state, long fileOffset) => ((ulong)fileOffset & ~((1UL << FileOffsetShift) - 1)) | (uint)state;

    /// <summary>True for the states that store payload data in the file.</summary>
    public static bool HasData(int state) => state == (int)VhdxPayloadState.FullyPresent || state == (int)VhdxPayloadState.PartiallyPresent;
}

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

    /// <summary>Bytes of virtual disk one sector bitmap block covers.</summary>
    public long ChunkSize => VhdxConstants.SectorsPerChunk * LogicalSectorSize;

    public long DataBlocks { get; }

    public long BitmapBlocks { get; }

    /// <summary>Entries the BAT must hold (MS-VHDX 2.5: differencing files have a bitmap entry for every chunk).</summary>
    public long TotalEntries { get; }

    /// <summary>Sectors per payload block.</summary>
    public int SectorsPerBlock => BlockSize / LogicalSectorSize;

    /// <summary>Bytes of sector bitmap that describe one payload block.</summary>
    public int BitmapBytesPerBlock => SectorsPerBlock / 8;

    /// <summary>BAT bytes, rounded up to the 1 MiB the region needs.</summary>
    public long BatRegionLength => Math.Max(VhdxConstants.OneMiB, RoundUp(TotalEntries * VhdxBatEntry.Size, VhdxConstants.OneMiB));

    public long PayloadEntryIndex(long block) => block + (block / ChunkRatio);

    public long BitmapEntryIndex(long chunk) => (chunk * (ChunkRatio + 1)) + ChunkRatio;

    /// <summary>True if the BAT entry at <paramref name="index"/> is a sector bitmap entry.</summary>
    public bool IsBitmapEntry(long index) => index % (ChunkRatio + 1) == ChunkRatio;

    /// <summary>The payload block a payload entry index describes.</summary>
    public long BlockOfEntry(long index) => index - (index / (ChunkRatio + 1));

    /// <summary>Bytes of the block that lie inside the virtual disk (the last block may be cut short).</summary>
    public long BlockLengthInDisk(long block) => Math.Min(BlockSize, Capacity - (block * BlockSize));

    public static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}
