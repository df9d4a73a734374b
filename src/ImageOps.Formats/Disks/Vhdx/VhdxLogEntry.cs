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

/// <summary>
/// A log descriptor (MS-VHDX 2.3.1.2, 2.3.1.3): a zero descriptor zeroes a file range; a data
/// descriptor writes one 4 KiB sector whose first 8 and last 4 bytes it carries itself (the data
/// sector's own first and last bytes hold its signature and sequence number).
/// </summary>
internal struct VhdxLogDescriptor
{
    public const int Size = 32;

    public const int SignatureOffset = 0;
    public const int TrailingBytesOffset = 4;
    public const int LeadingBytesOffset = 8;
    public const int ZeroLengthOffset = 8;
    public const int FileOffsetOffset = 16;
    public const int SequenceNumberOffset = 24;

    /// <summary>"zero" as a little-endian integer.</summary>
    public const uint ZeroSignature = 0x6F72657A;

    /// <summary>"desc" as a little-endian integer.</summary>
    public const uint DataSignature = 0x63736564;

    public bool IsZero;

    /// <summary>Data descriptors: bytes 4092-4095 of the sector.</summary>
    public uint TrailingBytes;

    /// <summary>Data descriptors: bytes 0-7 of the sector; zero descriptors: the length to zero.</summary>
    public ulong LeadingBytesOrZeroLength;

    public ulong FileOffset;

    public ulong SequenceNumber;

    /// <summary>Parses a descriptor; null if the signature is neither "zero" nor "desc".</summary>
    public static VhdxLogDescriptor? TryParse(ReadOnlySpan<byte> bytes)
    {
        var signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (signature != ZeroSignature && signature != DataSignature)
        {
            return null;
        }

        return new VhdxLogDescriptor
        {
            IsZero = signature == ZeroSignature,
            TrailingBytes = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(TrailingBytesOffset)),
            LeadingBytesOrZeroLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(LeadingBytesOffset)),
            FileOffset = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(FileOffsetOffset)),
            SequenceNumber = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(SequenceNumberOffset)),
        };
    }

    public readonly void WriteTo(Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, IsZero ? ZeroSignature : DataSignature);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.Slice(TrailingBytesOffset), IsZero ? 0 : TrailingBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.Slice(LeadingBytesOffset), LeadingBytesOrZeroLength);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.Slice(FileOffsetOffset), FileOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.Slice(SequenceNumberOffset), SequenceNumber);
    }
}

/// <summary>
/// A log data sector (MS-VHDX 2.3.1.4): the signature "data", the high and low halves of the entry's
/// sequence number, and bytes 8-4091 of the sector the matching data descriptor writes.
/// </summary>
internal static class VhdxLogDataSector
{
    public const int Size = VhdxLogEntryHeader.SectorSize;
    public const int SequenceHighOffset = 4;
    public const int DataOffset = 8;
    public const int DataLength = 4084;
    public const int SequenceLowOffset = 4092;

    /// <summary>"data" as a little-endian integer.</summary>
    public const uint Signature = 0x61746164;

    public static bool Matches(ReadOnlySpan<byte> sector, ulong sequenceNumber)
        => BinaryPrimitives.ReadUInt32LittleEndian(sector) == Signature
           && BinaryPrimitives.ReadUInt32LittleEndian(sector.Slice(SequenceHighOffset)) == (uint)(sequenceNumber >> 32)
           && BinaryPrimitives.ReadUInt32LittleEndian(sector.Slice(SequenceLowOffset)) == (uint)sequenceNumber;

    /// <summary>Splits a 4 KiB sector into a data sector and the descriptor's leading/trailing bytes.</summary>
    public static void Encode(ReadOnlySpan<byte> content, ulong sequenceNumber, Span<byte> sector, ref VhdxLogDescriptor descriptor)
    {
        descriptor.LeadingBytesOrZeroLength = BinaryPrimitives.ReadUInt64LittleEndian(content);
        descriptor.TrailingBytes = BinaryPrimitives.ReadUInt32LittleEndian(content.Slice(SequenceLowOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(sector, Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(SequenceHighOffset), (uint)(sequenceNumber >> 32));
        content.Slice(DataOffset, DataLength).CopyTo(sector.Slice(DataOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(SequenceLowOffset), (uint)sequenceNumber);
    }

    /// <summary>Rebuilds the 4 KiB sector a data descriptor writes.</summary>
    public static void Decode(ReadOnlySpan<byte> sector, ulong leadingBytes, uint trailingBytes, Span<byte> content)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(content, leadingBytes);
        sector.Slice(DataOffset, DataLength).CopyTo(content.Slice(DataOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(content.Slice(SequenceLowOffset), trailingBytes);
    }
}
