using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// The File Parameters metadata item (MS-VHDX 2.6.2.1): the payload block size and whether the file
/// is fixed (blocks stay allocated) or differencing (has a parent).
/// </summary>
internal readonly struct VhdxFileParameters
{
    public const int Size = 8;
    public const int BlockSizeOffset = 0;
    public const int FlagsOffset = 4;

    /// <summary>Blocks must never be returned to NOT_PRESENT: Hyper-V's fixed disks.</summary>
    public const uint LeaveBlockAllocatedFlag = 1;

    /// <summary>The file is a differencing disk and has a parent locator.</summary>
    public const uint HasParentFlag = 2;

    public VhdxFileParameters(uint blockSize, bool leaveBlockAllocated, bool hasParent)
    {
        BlockSize = blockSize;
        LeaveBlockAllocated = leaveBlockAllocated;
        HasParent = hasParent;
    }

    public uint BlockSize { get; }

    public bool LeaveBlockAllocated { get; }

    public bool HasParent { get; }

    public static VhdxFileParameters Parse(ReadOnlySpan<byte> bytes)
    {
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(FlagsOffset));
        return new VhdxFileParameters(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            (flags & LeaveBlockAllocatedFlag) != 0,
            (flags & HasParentFlag) != 0);
    }

    public void WriteTo(Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, BlockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.Slice(FlagsOffset), (LeaveBlockAllocated ? LeaveBlockAllocatedFlag : 0) | (HasParent ? HasParentFlag : 0));
    }
}
