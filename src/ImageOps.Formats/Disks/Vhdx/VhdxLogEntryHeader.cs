using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// A log entry header (MS-VHDX 2.3.1.1): the first 64 bytes of an entry. The entry is a run of 4 KiB
/// log sectors — the header and its descriptors packed from the first sector on, then one data sector
/// per data descriptor — checksummed as a whole with CRC-32C.
/// </summary>
internal struct VhdxLogEntryHeader
{
    public const int Size = 64;

    public const int SignatureOffset = 0;
    public const int ChecksumOffset = 4;
    public const int EntryLengthOffset = 8;
    public const int TailOffset = 12;
    public const int SequenceNumberOffset = 16;
    public const int DescriptorCountOffset = 24;
    public const int LogGuidOffset = 32;
    public const int FlushedFileOffsetOffset = 48;
    public const int LastFileOffsetOffset = 56;

    /// <summary>"loge" as a little-endian integer.</summary>
    public const uint Signature = 0x65676F6C;

    /// <summary>Log sectors are always 4 KiB (MS-VHDX 2.3.1).</summary>
    public const int SectorSize = 4096;

    public uint Checksum;

    /// <summary>Bytes of the whole entry, a multiple of 4 KiB.</summary>
    public uint EntryLength;

    /// <summary>Log offset of the first entry of the sequence this entry ends.</summary>
    public uint Tail;

    public ulong SequenceNumber;

    public uint DescriptorCount;

    public Guid LogGuid;

    /// <summary>The file size when the entry was written; a smaller file has been truncated.</summary>
    public ulong FlushedFileOffset;

    /// <summary>The size every structure the entry relies on fits in; replay extends the file to it.</summary>
    public ulong LastFileOffset;

    /// <summary>Sectors that hold the header and <paramref name="descriptorCount"/> descriptors (at least one).</summary>
    public static long DescriptorSectors(long descriptorCount)
        => (Size + (descriptorCount * VhdxLogDescriptor.Size) + SectorSize - 1) / SectorSize;

    /// <summary>Parses the header fields; the caller checks signature and values.</summary>
    public static VhdxLogEntryHeader Parse(ReadOnlySpan<byte> bytes) => new()
    {
        Checksum = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(ChecksumOffset)),
        EntryLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(EntryLengthOffset)),
        Tail = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(TailOffset)),
        SequenceNumber = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(SequenceNumberOffset)),
        DescriptorCount = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(DescriptorCountOffset)),
        LogGuid = VhdxGuids.Read(bytes.Slice(LogGuidOffset)),
        FlushedFileOffset = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(FlushedFileOffsetOffset)),
        LastFileOffset = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(LastFileOffsetOffset)),
    };

    public static bool HasSignature(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt32LittleEndian(bytes) == Signature;

    /// <summary>Writes the header with a zero checksum (the checksum covers the finished entry).</summary>
    public readonly void WriteTo(Span<byte> bytes)
    {
        bytes.Slice(0, Size).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.Slice(EntryLengthOffset), EntryLength);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.Slice(TailOffset), Tail);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.Slice(SequenceNumberOffset), SequenceNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.Slice(DescriptorCountOffset), DescriptorCount);
        VhdxGuids.Write(bytes.Slice(LogGuidOffset), LogGuid);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.Slice(FlushedFileOffsetOffset), FlushedFileOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.Slice(LastFileOffsetOffset), LastFileOffset);
    }
}
