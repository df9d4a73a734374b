using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>One metadata table entry (MS-VHDX 2.6.1.2): where an item lives inside the metadata region, and how to treat it.</summary>
internal readonly struct VhdxMetadataEntry
{
    public const int Size = 32;
    public const int ItemIdOffset = 0;
    public const int OffsetOffset = 16;
    public const int LengthOffset = 20;
    public const int FlagsOffset = 24;

    public const uint IsUserFlag = 1;
    public const uint IsVirtualDiskFlag = 2;
    public const uint IsRequiredFlag = 4;

    public VhdxMetadataEntry(Guid itemId, uint offset, uint length, uint flags)
    {
        ItemId = itemId;
        Offset = offset;
        Length = length;
        Flags = flags;
    }

    public Guid ItemId { get; }

    /// <summary>Byte offset of the item from the start of the metadata region.</summary>
    public uint Offset { get; }

    public uint Length { get; }

    public uint Flags { get; }

    public bool IsUser => (Flags & IsUserFlag) != 0;

    public bool IsRequired => (Flags & IsRequiredFlag) != 0;
}
