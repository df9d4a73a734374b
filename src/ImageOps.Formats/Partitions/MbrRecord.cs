using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Partitions;

/// <summary>
/// A master boot record or extended boot record: the first 512 bytes of a sector, with four 16-byte
/// partition entries at 0x1BE and the 0x55AA signature at 0x1FE (the de-facto IBM PC layout, as the
/// UEFI specification §5.2.1 "Legacy Master Boot Record" describes it).
/// </summary>
internal sealed class MbrRecord
{
    public const int Size = 512;
    public const int DiskSignatureOffset = 0x1B8;
    public const int EntriesOffset = 0x1BE;
    public const int EntrySize = 16;
    public const int SignatureOffset = 0x1FE;
    public const ushort Signature = 0xAA55;

    public byte[] BootCode { get; } = new byte[DiskSignatureOffset];

    public uint DiskSignature { get; set; }

    public MbrEntry[] Entries { get; } = new MbrEntry[4];

    public static bool HasSignature(ReadOnlySpan<byte> sector) => sector.Length >= Size && BinaryPrimitives.ReadUInt16LittleEndian(sector.Slice(SignatureOffset)) == Signature;

    public static MbrRecord Parse(ReadOnlySpan<byte> sector)
    {
        var record = new MbrRecord();
        sector.Slice(0, DiskSignatureOffset).CopyTo(record.BootCode);
        record.DiskSignature = BinaryPrimitives.ReadUInt32LittleEndian(sector.Slice(DiskSignatureOffset));
        for (var i = 0; i < 4; i++)
        {
            record.Entries[i] = MbrEntry.Parse(sector.Slice(EntriesOffset + (i * EntrySize), EntrySize));
        }

        return record;
    }

    public void Write(Span<byte> sector)
    {
        sector.Slice(0, Size).Clear();
        BootCode.CopyTo(sector);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(DiskSignatureOffset), DiskSignature);
        for (var i = 0; i < 4; i++)
        {
            Entries[i].Write(sector.Slice(EntriesOffset + (i * EntrySize), EntrySize));
        }

        BinaryPrimitives.WriteUInt16LittleEndian(sector.Slice(SignatureOffset), Signature);
    }
}

/// <summary>One 16-byte MBR partition entry: status, CHS start, type, CHS end, LBA start, sector count.</summary>
internal struct MbrEntry
{
    public byte Status;
    public byte Type;
    public uint FirstLba;
    public uint SectorCount;

    public bool IsEmpty => Type == 0 || SectorCount == 0;

    public static MbrEntry Parse(ReadOnlySpan<byte> entry) => new()
    {
        Status = entry[0],
        Type = entry[4],
        FirstLba = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(8)),
        SectorCount = BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(12)),
    };

    public void Write(Span<byte> entry)
    {
        entry.Clear();
        if (IsEmpty)
        {
            return;
        }

        entry[0] = Status;
        WriteChs(entry.Slice(1), FirstLba);
        entry[4] = Type;
        WriteChs(entry.Slice(5), FirstLba + SectorCount - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(8), FirstLba);
        BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(12), SectorCount);
    }

    /// <summary>
    /// CHS with the conventional 255 heads and 63 sectors per track; addresses past cylinder 1023 are
    /// written as the maximum (1023, 254, 63), as fdisk and Windows do.
    /// </summary>
    private static void WriteChs(Span<byte> chs, uint lba)
    {
        const uint Heads = 255;
        const uint Sectors = 63;
        var cylinder = lba / (Heads * Sectors);
        if (cylinder > 1023)
        {
            chs[0] = 0xFE;
            chs[1] = 0xFF;
            chs[2] = 0xFF;
            return;
        }

        var head = lba / Sectors % Heads;
        var sector = (lba % Sectors) + 1;
        chs[0] = (byte)head;
        chs[1] = (byte)(sector | ((cylinder >> 2) & 0xC0));
        chs[2] = (byte)cylinder;
    }
}
