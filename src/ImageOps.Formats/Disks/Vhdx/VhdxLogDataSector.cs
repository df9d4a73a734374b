using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vhdx;

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
