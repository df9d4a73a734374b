using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// One parent locator entry of the dynamic disk header: VHD spec, "Parent Locator Entries" (24
/// big-endian bytes). It says where in the child file a platform-specific reference to the parent is
/// stored: W2ru (relative) and W2ku (absolute) are UTF-16 little-endian Windows paths; Wi2r and
/// Wi2k are their deprecated single-byte forms; MacX is a UTF-8 file URL; "Mac " is a Mac OS alias
/// blob nobody can resolve elsewhere.
/// </summary>
internal readonly struct VhdParentLocator
{
    /// <summary>Bytes of one entry.</summary>
    public const int Size = 24;

    public const int PlatformCodeOffset = 0;
    public const int PlatformDataSpaceOffset = 4;
    public const int PlatformDataLengthOffset = 8;
    public const int PlatformDataOffsetOffset = 16;

    public const uint None = 0;
    public const uint Wi2r = 0x57693272;
    public const uint Wi2k = 0x5769326B;
    public const uint W2ru = 0x57327275;
    public const uint W2ku = 0x57326B75;
    public const uint Mac = 0x4D616320;
    public const uint MacX = 0x4D616358;

    public VhdParentLocator(uint platformCode, uint platformDataSpace, uint platformDataLength, ulong platformDataOffset)
    {
        PlatformCode = platformCode;
        PlatformDataSpace = platformDataSpace;
        PlatformDataLength = platformDataLength;
        PlatformDataOffset = platformDataOffset;
    }

    public uint PlatformCode { get; }

    /// <summary>
    /// Space reserved for the locator data. The spec says in sectors, but Microsoft's tools store
    /// bytes (blktap's MICROSOFT_COMPAT note); <see cref="ReservedBytes"/> reads both.
    /// </summary>
    public uint PlatformDataSpace { get; }

    /// <summary>Bytes of locator data.</summary>
    public uint PlatformDataLength { get; }

    /// <summary>Absolute file offset of the locator data.</summary>
    public ulong PlatformDataOffset { get; }

    /// <summary>True if the entry is in use.</summary>
    public bool IsUsed => PlatformCode != None;

    /// <summary>Bytes reserved for the data: values below 512 are sectors, larger multiples of 512 are bytes (as written by Microsoft).</summary>
    public long ReservedBytes => PlatformDataSpace < 512 ? PlatformDataSpace * 512L : PlatformDataSpace;

    /// <summary>The platform code as four characters, for messages.</summary>
    public string PlatformName
    {
        get
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(b, PlatformCode);
            var chars = new char[4];
            for (var i = 0; i < 4; i++)
            {
                chars[i] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '?';
            }

            return new string(chars);
        }
    }

    public static VhdParentLocator Parse(ReadOnlySpan<byte> bytes)
        => new(
            BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(PlatformCodeOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(PlatformDataSpaceOffset)),
            BinaryPrimitives.ReadUInt32BigEndian(bytes.Slice(PlatformDataLengthOffset)),
            BinaryPrimitives.ReadUInt64BigEndian(bytes.Slice(PlatformDataOffsetOffset)));

    public void WriteTo(Span<byte> target)
    {
        target.Slice(0, Size).Clear();
        BinaryPrimitives.WriteUInt32BigEndian(target.Slice(PlatformCodeOffset), PlatformCode);
        BinaryPrimitives.WriteUInt32BigEndian(target.Slice(PlatformDataSpaceOffset), PlatformDataSpace);
        BinaryPrimitives.WriteUInt32BigEndian(target.Slice(PlatformDataLengthOffset), PlatformDataLength);
        BinaryPrimitives.WriteUInt64BigEndian(target.Slice(PlatformDataOffsetOffset), PlatformDataOffset);
    }
}
