using System;
using System.Buffers.Binary;
using ImageOps.Formats.Checksums;

namespace ImageOps.Formats.Partitions;

/// <summary>
/// The GPT header (UEFI specification 2.10, §5.3.2, Table 5.5): 92 bytes at LBA 1 (primary) and at the
/// last LBA (backup), protected by a CRC-32 of the header with the CRC field zeroed.
/// </summary>
internal sealed class GptHeader
{
    public const int Size = 92;
    public const ulong SignatureValue = 0x5452415020494645UL; // "EFI PART"
    public const uint Revision1 = 0x00010000;
    public const int CrcOffset = 16;

    public ulong Signature { get; set; } = SignatureValue;

    public uint Revision { get; set; } = Revision1;

    public uint HeaderSize { get; set; } = Size;

    public uint HeaderCrc32 { get; set; }

    public ulong MyLba { get; set; }

    public ulong AlternateLba { get; set; }

    public ulong FirstUsableLba { get; set; }

    public ulong LastUsableLba { get; set; }

    public Guid DiskGuid { get; set; }

    public ulong PartitionEntryLba { get; set; }

    public uint NumberOfPartitionEntries { get; set; }

    public uint SizeOfPartitionEntry { get; set; } = GptEntry.Size;

    public uint PartitionEntryArrayCrc32 { get; set; }

    public static GptHeader Parse(ReadOnlySpan<byte> data) => new()
    {
        Signature = BinaryPrimitives.ReadUInt64LittleEndian(data),
        Revision = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(8)),
        HeaderSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(12)),
        HeaderCrc32 = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(16)),
        MyLba = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(24)),
        AlternateLba = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(32)),
        FirstUsableLba = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(40)),
        LastUsableLba = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(48)),
        DiskGuid = GptEntry.ReadGuid(data.Slice(56)),
        PartitionEntryLba = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(72)),
        NumberOfPartitionEntries = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(80)),
        SizeOfPartitionEntry = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(84)),
        PartitionEntryArrayCrc32 = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(88)),
    };

    /// <summary>The CRC-32 the header should carry: over <see cref="HeaderSize"/> bytes with the CRC field as zero.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> sector, int headerSize)
    {
        var copy = sector.Slice(0, headerSize).ToArray();
        copy.AsSpan(CrcOffset, 4).Clear();
        return Crc32.Compute(copy);
    }

    /// <summary>Writes the header (with its CRC computed) into the start of <paramref name="sector"/>; the rest is zeroed.</summary>
    public void Write(Span<byte> sector)
    {
        sector.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(sector, Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(8), Revision);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(12), HeaderSize);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(24), MyLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(32), AlternateLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(40), FirstUsableLba);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(48), LastUsableLba);
        GptEntry.WriteGuid(sector.Slice(56), DiskGuid);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(72), PartitionEntryLba);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(80), NumberOfPartitionEntries);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(84), SizeOfPartitionEntry);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(88), PartitionEntryArrayCrc32);
        HeaderCrc32 = ComputeCrc(sector, (int)HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(CrcOffset), HeaderCrc32);
    }
}
