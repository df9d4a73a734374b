using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// A directory ($I30) index entry (libfsntfs, "The index value" and "The index value flags"): the file reference, a $FILE_NAME key,
/// and, with the sub-node flag, the VCN of the child node (the last 8 bytes of the entry).
/// </summary>
internal sealed class NtfsIndexEntry
{
    public const int HeaderSize = 16;
    public const ushort FlagHasSubNode = 0x0001;
    public const ushort FlagLast = 0x0002;

    private const int ReferenceOffset = 0;
    private const int LengthOffset = 8;
    private const int KeyLengthOffset = 10;
    private const int FlagsOffset = 12;

    public ulong Reference { get; private set; }

    public ushort Flags { get; private set; }

    /// <summary>The key, or null for the last (key-less) entry.</summary>
    public NtfsFileName? Key { get; private set; }

    /// <summary>The child node's VCN, or -1.</summary>
    public long SubNodeVcn { get; private set; } = -1;

    public bool IsLast => (Flags & FlagLast) != 0;

    /// <summary>Parses the entries of one node (<paramref name="node"/> starts at its node header).</summary>
    public static List<NtfsIndexEntry> ParseNode(ReadOnlySpan<byte> node, NtfsSource source, long volumeOffset, string structure)
    {
        var header = NtfsIndexNodeHeader.Parse(node, source, volumeOffset, structure);
        var entries = new List<NtfsIndexEntry>();
        var position = header.EntriesOffset;
        while (true)
        {
            if (position + HeaderSize > header.IndexLength)
            {
                throw source.Corrupt(NtfsSource.At(volumeOffset, position), structure, "the entries end without a last-entry marker", "NtfsIndexInvalid");
            }

            var span = node.Slice(position, header.IndexLength - position);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(LengthOffset));
            int keyLength = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(KeyLengthOffset));
            var entry = new NtfsIndexEntry
            {
                Reference = BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(ReferenceOffset)),
                Flags = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(FlagsOffset)),
            };
            var subNodeBytes = (entry.Flags & FlagHasSubNode) != 0 ? 8 : 0;
            if (length < HeaderSize + subNodeBytes || length % 8 != 0 || length > span.Length || HeaderSize + keyLength + subNodeBytes > length)
            {
                throw source.Corrupt(NtfsSource.At(volumeOffset, position), structure, $"an entry of length {length} with a {keyLength}-byte key does not fit the node", "NtfsIndexInvalid");
            }

            if (subNodeBytes != 0)
            {
                entry.SubNodeVcn = BinaryPrimitives.ReadInt64LittleEndian(span.Slice(length - 8));
                if (entry.SubNodeVcn < 0)
                {
                    throw source.Corrupt(NtfsSource.At(volumeOffset, position), structure, $"the sub-node VCN {entry.SubNodeVcn} is negative", "NtfsIndexInvalid");
                }
            }

            if (!entry.IsLast)
            {
                entry.Key = NtfsFileName.TryParse(span.Slice(HeaderSize, keyLength))
                    ?? throw source.Corrupt(NtfsSource.At(volumeOffset, position), structure, "an entry's file name key is malformed", "NtfsIndexInvalid");
            }

            entries.Add(entry);
            if (entry.IsLast)
            {
                return entries;
            }

            position += length;
        }
    }
}
