using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>One region table entry (MS-VHDX 2.2.3.2): where an object (BAT, metadata, or a region this reader does not know) lives.</summary>
internal readonly struct VhdxRegionEntry
{
    public const int Size = 32;
    public const int GuidOffset = 0;
    public const int FileOffsetOffset = 16;
    public const int LengthOffset = 24;
    public const int FlagsOffset = 28;

    /// <summary>Bit 0 of the flags: an implementation that does not know the region must refuse the file.</summary>
    public const uint RequiredFlag = 1;

    public VhdxRegionEntry(Guid guid, long fileOffset, uint length, bool required)
    {
        Guid = guid;
        FileOffset = fileOffset;
        Length = length;
        Required = required;
    }

    public Guid Guid { get; }

    public long FileOffset { get; }

    public uint Length { get; }

    public bool Required { get; }

    public long End => FileOffset + Length;
}
