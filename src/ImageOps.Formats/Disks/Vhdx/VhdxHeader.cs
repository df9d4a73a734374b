using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// One of the two headers (MS-VHDX 2.2.2): a 4 KiB structure at 64 KiB and at 128 KiB, checksummed
/// with CRC-32C. The valid header with the larger sequence number is current. Headers are never
/// written through the log (they locate it); they are updated by writing the non-current one with a
/// larger sequence number.
/// </summary>
internal sealed class VhdxHeader
{
    /// <summary>Bytes the checksum covers (the whole 4 KiB structure).</summary>
    public const int Size = 4096;

    /// <summary>Bytes of defined fields; the rest is reserved.</summary>
    public const int DefinedSize = 80;

    public const int SignatureOffset = 0;
    public const int ChecksumOffset = 4;
    public const int SequenceNumberOffset = 8;
    public const int FileWriteGuidOffset = 16;
    public const int DataWriteGuidOffset = 32;
    public const int LogGuidOffset = 48;
    public const int LogVersionOffset = 64;
    public const int VersionOffset = 66;
    public const int LogLengthOffset = 68;
    public const int LogOffsetOffset = 72;

    /// <summary>"head" as a little-endian integer.</summary>
    public const uint Signature = 0x64616568;

    /// <summary>The only version MS-VHDX defines.</summary>
    public const ushort CurrentVersion = 1;

    /// <summary>The only log version MS-VHDX defines.</summary>
    public const ushort CurrentLogVersion = 0;

    public ulong SequenceNumber { get; set; }

    /// <summary>Changed before the first modification of the file in every session (MS-VHDX 2.2.2).</summary>
    public Guid FileWriteGuid { get; set; }

    /// <summary>Changed before the first change of user-visible data in every session; children record it as their parent linkage.</summary>
    public Guid DataWriteGuid { get; set; }

    /// <summary>Zero when the log holds nothing to replay; otherwise only log entries carrying this GUID are valid.</summary>
    public Guid LogGuid { get; set; }

    public ushort LogVersion { get; set; }

    public ushort Version { get; set; } = CurrentVersion;

    public uint LogLength { get; set; }

    public ulong LogOffset { get; set; }

    /// <summary>Parses a header; null if the signature or checksum does not validate (the header is then not valid, MS-VHDX 2.2.2).</summary>
    public static VhdxHeader? TryParse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Signature)
        {
            return null;
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(ChecksumOffset));
        if (Crc32C.ComputeWithZeroedField(bytes.Slice(0, Size), ChecksumOffset) != stored)
        {
            return null;
        }

        return new VhdxHeader
        {
            SequenceNumber = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(SequenceNumberOffset)),
            FileWriteGuid = VhdxGuids.Read(bytes.Slice(FileWriteGuidOffset)),
            DataWriteGuid = VhdxGuids.Read(bytes.Slice(DataWriteGuidOffset)),
            LogGuid = VhdxGuids.Read(bytes.Slice(LogGuidOffset)),
            LogVersion = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(LogVersionOffset)),
            Version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(VersionOffset)),
            LogLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(LogLengthOffset)),
            LogOffset = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(LogOffsetOffset)),
        };
    }

    /// <summary>Writes the 4 KiB header (reserved bytes zero) with its checksum.</summary>
    public void WriteTo(Span<byte> bytes)
    {
        var header = bytes.Slice(0, Size);
        header.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(header, Signature);
        BinaryPrimitives.WriteUInt64LittleEndian(header.Slice(SequenceNumberOffset), SequenceNumber);
        VhdxGuids.Write(header.Slice(FileWriteGuidOffset), FileWriteGuid);
        VhdxGuids.Write(header.Slice(DataWriteGuidOffset), DataWriteGuid);
        VhdxGuids.Write(header.Slice(LogGuidOffset), LogGuid);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(LogVersionOffset), LogVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header.Slice(VersionOffset), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(LogLengthOffset), LogLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header.Slice(LogOffsetOffset), LogOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(header.Slice(ChecksumOffset), Crc32C.Compute(header));
    }

    public VhdxHeader Clone() => (VhdxHeader)MemberwiseClone();

    /// <summary>True if every defined field except the sequence number is equal (Disk2VHD writes two identical headers).</summary>
    public bool SameContent(VhdxHeader other)
        => FileWriteGuid == other.FileWriteGuid && DataWriteGuid == other.DataWriteGuid && LogGuid == other.LogGuid
           && LogVersion == other.LogVersion && Version == other.Version && LogLength == other.LogLength && LogOffset == other.LogOffset;
}
