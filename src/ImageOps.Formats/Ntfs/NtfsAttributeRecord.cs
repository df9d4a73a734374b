using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// An attribute record inside an MFT entry (libfsntfs, "MFT attribute": "MFT attribute header", "Resident MFT
/// attribute", "Non-resident MFT attribute"). Resident attributes carry their value; non-resident ones a run list over a VCN range.
/// </summary>
internal sealed class NtfsAttributeRecord
{
    public const uint EndMarker = 0xFFFFFFFF;
    public const int CommonHeaderSize = 16;
    public const int ResidentHeaderSize = 24;
    public const int NonResidentHeaderSize = 64;
    public const int CompressedHeaderSize = 72;

    /// <summary>Attribute data flags (libfsntfs, "MFT attribute data flags").</summary>
    public const ushort FlagCompressionMask = 0x00FF;
    public const ushort FlagEncrypted = 0x4000;
    public const ushort FlagSparse = 0x8000;

    private const int TypeOffset = 0;
    private const int LengthOffset = 4;
    private const int NonResidentOffset = 8;
    private const int NameLengthOffset = 9;
    private const int NameOffsetOffset = 10;
    private const int FlagsOffset = 12;
    private const int IdOffset = 14;
    private const int ValueLengthOffset = 16;
    private const int ValueOffsetOffset = 20;
    private const int FirstVcnOffset = 16;
    private const int LastVcnOffset = 24;
    private const int RunListOffsetOffset = 32;
    private const int CompressionUnitOffset = 34;
    private const int AllocatedSizeOffset = 40;
    private const int DataSizeOffset = 48;
    private const int InitializedSizeOffset = 56;
    private const int CompressedSizeOffset = 64;

    public NtfsAttributeType Type { get; private set; }

    public int RecordLength { get; private set; }

    public bool NonResident { get; private set; }

    public string Name { get; private set; } = string.Empty;

    public ushort Flags { get; private set; }

    public ushort Id { get; private set; }

    /// <summary>The MFT record that holds this attribute record (base or extension).</summary>
    public long RecordNumber { get; private set; }

    /// <summary>Volume offset of the attribute record, for messages.</summary>
    public long VolumeOffset { get; private set; }

    public byte[] Value { get; private set; } = Array.Empty<byte>();

    public long FirstVcn { get; private set; }

    public long LastVcn { get; private set; }

    public int CompressionUnit { get; private set; }

    public long AllocatedSize { get; private set; }

    public long DataSize { get; private set; }

    public long InitializedSize { get; private set; }

    public long CompressedSize { get; private set; }

    public IReadOnlyList<NtfsDataRun> Runs { get; private set; } = Array.Empty<NtfsDataRun>();

    public bool IsCompressed => (Flags & FlagCompressionMask) != 0;

    public bool IsSparse => (Flags & FlagSparse) != 0;

    public bool IsEncrypted => (Flags & FlagEncrypted) != 0;

    public static NtfsAttributeRecord Parse(ReadOnlySpan<byte> span, NtfsFileRecord owner, long volumeOffset, NtfsSource source)
    {
        var structure = $"attribute record in MFT record {owner.RecordNumber}";
        if (span.Length < CommonHeaderSize)
        {
            throw source.Corrupt(volumeOffset, structure, "the header is cut short by the end of the record", "NtfsAttributeInvalid");
        }

        var attribute = new NtfsAttributeRecord
        {
            Type = (NtfsAttributeType)BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(TypeOffset)),
            RecordLength = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(LengthOffset))),
            NonResident = span[NonResidentOffset] != 0,
            Flags = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(FlagsOffset)),
            Id = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(IdOffset)),
            RecordNumber = owner.RecordNumber,
            VolumeOffset = volumeOffset,
        };
        var minimum = attribute.NonResident ? NonResidentHeaderSize : ResidentHeaderSize;
        if (attribute.RecordLength < minimum || attribute.RecordLength > span.Length || attribute.RecordLength % 8 != 0)
        {
            throw source.Corrupt(NtfsSource.At(volumeOffset, LengthOffset), structure, $"the length {attribute.RecordLength} is below the {minimum}-byte header, not 8-aligned, or past the record's {span.Length} remaining bytes", "NtfsAttributeInvalid");
        }

        var record = span.Slice(0, attribute.RecordLength);
        int nameLength = record[NameLengthOffset];
        int nameOffset = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(NameOffsetOffset));
        if (nameLength > 0)
        {
            if (nameOffset + (2 * nameLength) > record.Length)
            {
                throw source.Corrupt(NtfsSource.At(volumeOffset, NameOffsetOffset), structure, "the attribute name lies outside the record", "NtfsAttributeInvalid");
            }

            attribute.Name = NtfsText.Utf16(record.Slice(nameOffset, 2 * nameLength));
        }

        if (!attribute.NonResident)
        {
            var valueLength = BinaryPrimitives.ReadUInt32LittleEndian(record.Slice(ValueLengthOffset));
            int valueOffset = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(ValueOffsetOffset));
            if (valueOffset < ResidentHeaderSize || valueLength > (uint)(record.Length - Math.Min(valueOffset, record.Length)))
            {
                throw source.Corrupt(NtfsSource.At(volumeOffset, ValueLengthOffset), structure, $"the resident value ({valueLength} bytes at {valueOffset}) lies outside the {record.Length}-byte attribute", "NtfsAttributeInvalid");
            }

            attribute.Value = record.Slice(valueOffset, (int)valueLength).ToArray();
            attribute.DataSize = attribute.InitializedSize = attribute.AllocatedSize = valueLength;
            return attribute;
        }

        attribute.FirstVcn = BinaryPrimitives.ReadInt64LittleEndian(record.Slice(FirstVcnOffset));
        attribute.LastVcn = BinaryPrimitives.ReadInt64LittleEndian(record.Slice(LastVcnOffset));
        attribute.CompressionUnit = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(CompressionUnitOffset));
        attribute.AllocatedSize = BinaryPrimitives.ReadInt64LittleEndian(record.Slice(AllocatedSizeOffset));
        attribute.DataSize = BinaryPrimitives.ReadInt64LittleEndian(record.Slice(DataSizeOffset));
        attribute.InitializedSize = BinaryPrimitives.ReadInt64LittleEndian(record.Slice(InitializedSizeOffset));
        if ((attribute.IsCompressed || attribute.IsSparse) && attribute.FirstVcn == 0 && record.Length >= CompressedHeaderSize)
        {
            attribute.CompressedSize = BinaryPrimitives.ReadInt64LittleEndian(record.Slice(CompressedSizeOffset));
        }

        // last VCN is -1 for an empty attribute; sizes are checked against the whole attribute later,
        // once every extent is known, but each must at least be non-negative and ordered.
        if (attribute.FirstVcn < 0 || attribute.LastVcn < attribute.FirstVcn - 1 || attribute.AllocatedSize < 0 || attribute.DataSize < 0 || attribute.InitializedSize < 0 || attribute.CompressionUnit > 16)
        {
            throw source.Corrupt(NtfsSource.At(volumeOffset, FirstVcnOffset), structure, $"the VCN range [{attribute.FirstVcn}, {attribute.LastVcn}], sizes or compression unit {attribute.CompressionUnit} are not valid", "NtfsAttributeInvalid");
        }

        int runsOffset = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(RunListOffsetOffset));
        if (runsOffset < NonResidentHeaderSize || runsOffset > record.Length)
        {
            throw source.Corrupt(NtfsSource.At(volumeOffset, RunListOffsetOffset), structure, $"the run list offset {runsOffset} is outside the attribute", "NtfsAttributeInvalid");
        }

        attribute.Runs = NtfsRunList.Decode(record.Slice(runsOffset), attribute.FirstVcn, attribute.LastVcn, source, NtfsSource.At(volumeOffset, runsOffset), structure);
        return attribute;
    }
}
