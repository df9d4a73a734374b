using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// One entry of an $ATTRIBUTE_LIST (libfsntfs, "The attribute list entry header"): which MFT record
/// holds an attribute (or one extent of a non-resident attribute, by starting VCN).
/// </summary>
internal sealed class NtfsAttributeListEntry
{
    public const int HeaderSize = 26;

    private const int TypeOffset = 0;
    private const int LengthOffset = 4;
    private const int NameLengthOffset = 6;
    private const int NameOffsetOffset = 7;
    private const int StartingVcnOffset = 8;
    private const int ReferenceOffset = 16;
    private const int IdOffset = 24;

    public NtfsAttributeType Type { get; private set; }

    public string Name { get; private set; } = string.Empty;

    public long StartingVcn { get; private set; }

    public ulong Reference { get; private set; }

    public ushort Id { get; private set; }

    public static List<NtfsAttributeListEntry> ParseAll(ReadOnlySpan<byte> list, NtfsSource source, long volumeOffset, string structure)
    {
        var entries = new List<NtfsAttributeListEntry>();
        var position = 0;
        while (position + HeaderSize <= list.Length)
        {
            var span = list.Slice(position);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(LengthOffset));
            if (length < HeaderSize || length > span.Length)
            {
                throw source.Corrupt(volumeOffset, structure, $"entry at {position} has length {length}, below its header or past the list's end", "NtfsAttributeListInvalid");
            }

            int nameLength = span[NameLengthOffset];
            int nameOffset = span[NameOffsetOffset];
            if (nameLength > 0 && nameOffset + (2 * nameLength) > length)
            {
                throw source.Corrupt(volumeOffset, structure, $"entry at {position} has a name outside the entry", "NtfsAttributeListInvalid");
            }

            entries.Add(new NtfsAttributeListEntry
            {
                Type = (NtfsAttributeType)BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(TypeOffset)),
                Name = nameLength > 0 ? NtfsText.Utf16(span.Slice(nameOffset, 2 * nameLength)) : string.Empty,
                StartingVcn = BinaryPrimitives.ReadInt64LittleEndian(span.Slice(StartingVcnOffset)),
                Reference = BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(ReferenceOffset)),
                Id = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(IdOffset)),
            });
            position += length;
        }

        return entries;
    }
}
