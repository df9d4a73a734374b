using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vhdx;

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
