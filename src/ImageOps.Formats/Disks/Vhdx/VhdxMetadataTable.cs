using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// The metadata table (MS-VHDX 2.6.1): the first 64 KiB of the metadata region, listing the metadata
/// items. It has no checksum; it changes only through the log.
/// </summary>
internal sealed class VhdxMetadataTable
{
    /// <summary>Bytes the table occupies at the start of the region.</summary>
    public const int Size = 64 * 1024;

    /// <summary>Bytes of the table header before the entries.</summary>
    public const int HeaderSize = 32;

    public const int SignatureOffset = 0;
    public const int EntryCountOffset = 10;

    /// <summary>"metadata" as a little-endian integer.</summary>
    public const ulong Signature = 0x617461646174656D;

    /// <summary>The spec's limit on entries (MS-VHDX 2.6.1.1).</summary>
    public const int MaxEntries = 2047;

    /// <summary>Items start after the table (MS-VHDX 2.6.1.2: offsets are at least 64 KiB).</summary>
    public const uint MinItemOffset = Size;

    /// <summary>No item is longer than 1 MiB (MS-VHDX 2.6.1.2).</summary>
    public const uint MaxItemLength = 1 << 20;

    public VhdxMetadataTable(IReadOnlyList<VhdxMetadataEntry> entries)
    {
        Entries = entries;
    }

    public IReadOnlyList<VhdxMetadataEntry> Entries { get; }

    /// <summary>
    /// Parses and checks the table against a region of <paramref name="regionLength"/> bytes; returns
    /// the table or throws through <paramref name="fail"/> with the offset (within the table) and the reason.
    /// </summary>
    public static VhdxMetadataTable Parse(ReadOnlySpan<byte> bytes, long regionLength, Func<long, string, Exception> fail)
    {
        if (BinaryPrimitives.ReadUInt64LittleEndian(bytes) != Signature)
        {
            throw fail(SignatureOffset, "the signature is not 'metadata'");
        }

        var count = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(EntryCountOffset));
        if (count > MaxEntries)
        {
            throw fail(EntryCountOffset, string.Format(CultureInfo.InvariantCulture, "it claims {0} entries, more than the {1} the format allows", count, MaxEntries));
        }

        var entries = new List<VhdxMetadataEntry>(count);
        for (var i = 0; i < count; i++)
        {
            var at = HeaderSize + (i * VhdxMetadataEntry.Size);
            var raw = bytes.Slice(at, VhdxMetadataEntry.Size);
            var entry = new VhdxMetadataEntry(
                VhdxGuids.Read(raw),
                BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(VhdxMetadataEntry.OffsetOffset)),
                BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(VhdxMetadataEntry.LengthOffset)),
                BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(VhdxMetadataEntry.FlagsOffset)));

            if (entry.Length == 0 && entry.Offset != 0)
            {
                throw fail(at, $"item {entry.ItemId} has no length but an offset of {entry.Offset}");
            }

            if (entry.Length > 0 && (entry.Offset < MinItemOffset || entry.Length > MaxItemLength || entry.Offset + (long)entry.Length > regionLength))
            {
                throw fail(at, string.Format(CultureInfo.InvariantCulture, "item {0} at {1}+{2} lies outside the item area of the {3}-byte region (items start at 64 KiB and are at most 1 MiB)", entry.ItemId, entry.Offset, entry.Length, regionLength));
            }

            foreach (var other in entries)
            {
                if (other.ItemId == entry.ItemId && other.IsUser == entry.IsUser)
                {
                    throw fail(at, $"item {entry.ItemId} is listed twice");
                }

                if (entry.Length > 0 && other.Length > 0 && entry.Offset < other.Offset + (long)other.Length && other.Offset < entry.Offset + (long)entry.Length)
                {
                    throw fail(at, $"item {entry.ItemId} overlaps item {other.ItemId}");
                }
            }

            entries.Add(entry);
        }

        return new VhdxMetadataTable(entries);
    }

    /// <summary>Writes the table (64 KiB).</summary>
    public void WriteTo(Span<byte> bytes)
    {
        var table = bytes.Slice(0, Size);
        table.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(table, Signature);
        BinaryPrimitives.WriteUInt16LittleEndian(table.Slice(EntryCountOffset), (ushort)Entries.Count);
        for (var i = 0; i < Entries.Count; i++)
        {
            var raw = table.Slice(HeaderSize + (i * VhdxMetadataEntry.Size), VhdxMetadataEntry.Size);
            VhdxGuids.Write(raw, Entries[i].ItemId);
            BinaryPrimitives.WriteUInt32LittleEndian(raw.Slice(VhdxMetadataEntry.OffsetOffset), Entries[i].Offset);
            BinaryPrimitives.WriteUInt32LittleEndian(raw.Slice(VhdxMetadataEntry.LengthOffset), Entries[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(raw.Slice(VhdxMetadataEntry.FlagsOffset), Entries[i].Flags);
        }
    }
}
