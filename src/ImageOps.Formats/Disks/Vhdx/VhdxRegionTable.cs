using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// The region table (MS-VHDX 2.2.3): a 64 KiB, CRC-32C checksummed table stored twice, at 192 KiB and
/// 256 KiB. It locates the BAT and the metadata region; unknown regions marked required make the file
/// unreadable for this implementation.
/// </summary>
internal sealed class VhdxRegionTable
{
    /// <summary>Bytes the table occupies and its checksum covers.</summary>
    public const int Size = 64 * 1024;

    /// <summary>Bytes of the table header before the entries.</summary>
    public const int HeaderSize = 16;

    public const int SignatureOffset = 0;
    public const int ChecksumOffset = 4;
    public const int EntryCountOffset = 8;

    /// <summary>"regi" as a little-endian integer.</summary>
    public const uint Signature = 0x69676572;

    /// <summary>The spec's limit on entries (MS-VHDX 2.2.3.1).</summary>
    public const int MaxEntries = 2047;

    public VhdxRegionTable(IReadOnlyList<VhdxRegionEntry> entries)
    {
        Entries = entries;
    }

    public IReadOnlyList<VhdxRegionEntry> Entries { get; }

    /// <summary>Why a table did not validate, or null when it is valid.</summary>
    public static string? Validate(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size)
        {
            return "it is cut short";
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Signature)
        {
            return "the signature is not 'regi'";
        }

        var stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(ChecksumOffset));
        if (Crc32C.ComputeWithZeroedField(bytes.Slice(0, Size), ChecksumOffset) != stored)
        {
            return "the CRC-32C checksum does not match";
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(EntryCountOffset));
        if (count > MaxEntries)
        {
            return string.Format(CultureInfo.InvariantCulture, "it claims {0} entries, more than the {1} the format allows", count, MaxEntries);
        }

        return null;
    }

    /// <summary>Parses a table that <see cref="Validate"/> accepted.</summary>
    public static VhdxRegionTable Parse(ReadOnlySpan<byte> bytes)
    {
        var count = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(EntryCountOffset));
        var entries = new List<VhdxRegionEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var entry = bytes.Slice(HeaderSize + (i * VhdxRegionEntry.Size), VhdxRegionEntry.Size);
            entries.Add(new VhdxRegionEntry(
                VhdxGuids.Read(entry),
                unchecked((long)BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(VhdxRegionEntry.FileOffsetOffset))),
                BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(VhdxRegionEntry.LengthOffset)),
                (BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(VhdxRegionEntry.FlagsOffset)) & VhdxRegionEntry.RequiredFlag) != 0));
        }

        return new VhdxRegionTable(entries);
    }

    /// <summary>Writes the 64 KiB table with its checksum.</summary>
    public void WriteTo(Span<byte> bytes)
    {
        var table = bytes.Slice(0, Size);
        table.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(table, Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(table.Slice(EntryCountOffset), (uint)Entries.Count);
        for (var i = 0; i < Entries.Count; i++)
        {
            var entry = table.Slice(HeaderSize + (i * VhdxRegionEntry.Size), VhdxRegionEntry.Size);
            VhdxGuids.Write(entry, Entries[i].Guid);
            BinaryPrimitives.WriteUInt64LittleEndian(entry.Slice(VhdxRegionEntry.FileOffsetOffset), (ulong)Entries[i].FileOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(VhdxRegionEntry.LengthOffset), Entries[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(entry.Slice(VhdxRegionEntry.FlagsOffset), Entries[i].Required ? VhdxRegionEntry.RequiredFlag : 0);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(table.Slice(ChecksumOffset), Crc32C.Compute(table));
    }

    /// <summary>The table with the entry for <paramref name="guid"/> replaced.</summary>
    public VhdxRegionTable With(Guid guid, long fileOffset, uint length)
    {
        var entries = new List<VhdxRegionEntry>(Entries.Count);
        foreach (var entry in Entries)
        {
            entries.Add(entry.Guid == guid ? new VhdxRegionEntry(guid, fileOffset, length, entry.Required) : entry);
        }

        return new VhdxRegionTable(entries);
    }
}
