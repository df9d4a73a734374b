using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// One MFT entry (libfsntfs, "MFT entry header", signature "FILE"): the header, fix-ups applied,
/// and the attribute records it holds. Extension records carry the reference of their base record.
/// </summary>
internal sealed class NtfsFileRecord
{
    public const uint Signature = 0x454C4946; // "FILE"
    public const int HeaderSize = 42; // up to the NTFS 3.1 record number field (the fields read here)
    public const ushort FlagInUse = 0x0001;
    public const ushort FlagDirectory = 0x0002;

    private const int SequenceOffset = 16;
    private const int LinkCountOffset = 18;
    private const int FirstAttributeOffset = 20;
    private const int FlagsOffset = 22;
    private const int UsedSizeOffset = 24;
    private const int AllocatedSizeOffset = 28;
    private const int BaseReferenceOffset = 32;

    public long RecordNumber { get; private set; }

    public ushort SequenceNumber { get; private set; }

    public ushort LinkCount { get; private set; }

    public ushort Flags { get; private set; }

    public bool InUse => (Flags & FlagInUse) != 0;

    public bool IsDirectory => (Flags & FlagDirectory) != 0;

    /// <summary>The base record's file reference (0 for a base record).</summary>
    public ulong BaseReference { get; private set; }

    public List<NtfsAttributeRecord> Attributes { get; } = new();

    /// <summary>Parses <paramref name="raw"/> (fix-ups still in place; applied here) read from <paramref name="volumeOffset"/>.</summary>
    public static NtfsFileRecord Parse(Span<byte> raw, long recordNumber, long volumeOffset, NtfsSource source)
    {
        var structure = $"MFT record {recordNumber}";
        if (BinaryPrimitives.ReadUInt32LittleEndian(raw) != Signature)
        {
            throw source.Corrupt(volumeOffset, structure, "the signature is not 'FILE'", "NtfsRecordInvalid");
        }

        NtfsUpdateSequence.Apply(raw, source, volumeOffset, structure);
        var record = new NtfsFileRecord
        {
            RecordNumber = recordNumber,
            SequenceNumber = BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(SequenceOffset)),
            LinkCount = BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(LinkCountOffset)),
            Flags = BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(FlagsOffset)),
            BaseReference = BinaryPrimitives.ReadUInt64LittleEndian(raw.Slice(BaseReferenceOffset)),
        };
        int first = BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(FirstAttributeOffset));
        var used = BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(UsedSizeOffset));
        var allocated = BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(AllocatedSizeOffset));
        if (allocated != raw.Length || used > allocated || used < HeaderSize)
        {
            throw source.Corrupt(NtfsSource.At(volumeOffset, UsedSizeOffset), structure, $"the used size {used} and allocated size {allocated} do not fit a {raw.Length}-byte record", "NtfsRecordInvalid");
        }

        if (first < HeaderSize || first % 8 != 0 || first >= used)
        {
            throw source.Corrupt(NtfsSource.At(volumeOffset, FirstAttributeOffset), structure, $"the first attribute offset {first} is outside the used part of the record", "NtfsRecordInvalid");
        }

        // Attributes follow each other until the 0xFFFFFFFF end marker; each must advance and stay inside
        // the used bytes, so a zero or overlong length cannot loop or read past the record.
        var position = first;
        while (true)
        {
            if (position + 4 > used)
            {
                throw source.Corrupt(NtfsSource.At(volumeOffset, position), structure, "the attribute list runs past the used size without an end marker", "NtfsRecordInvalid");
            }

            if (BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(position)) == NtfsAttributeRecord.EndMarker)
            {
                break;
            }

            var attribute = NtfsAttributeRecord.Parse(raw.Slice(position, (int)used - position), record, NtfsSource.At(volumeOffset, position), source);
            record.Attributes.Add(attribute);
            position += attribute.RecordLength;
        }

        return record;
    }

    /// <summary>The 48-bit record number of a file reference (the top 16 bits are the sequence number).</summary>
    public static long RecordOf(ulong reference) => (long)(reference & 0x0000FFFFFFFFFFFFUL);

    /// <summary>The sequence number of a file reference.</summary>
    public static ushort SequenceOf(ulong reference) => (ushort)(reference >> 48);
}
