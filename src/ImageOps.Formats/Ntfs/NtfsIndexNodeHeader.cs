using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The index node header (libfsntfs, "The index node header"), shared by the index root and index
/// records: where the entries start and end, relative to this header.
/// </summary>
internal readonly struct NtfsIndexNodeHeader
{
    public const int Size = 16;
    public const byte FlagHasChildren = 0x01;

    private const int EntriesOffsetOffset = 0;
    private const int IndexLengthOffset = 4;
    private const int FlagsOffset = 12;

    private NtfsIndexNodeHeader(int entriesOffset, int indexLength, byte flags)
    {
        EntriesOffset = entriesOffset;
        IndexLength = indexLength;
        Flags = flags;
    }

    public int EntriesOffset { get; }

    /// <summary>Bytes from the header to the end of the last entry.</summary>
    public int IndexLength { get; }

    public byte Flags { get; }

    /// <summary>Parses the header at the start of <paramref name="node"/>, checking the entries lie inside it.</summary>
    public static NtfsIndexNodeHeader Parse(ReadOnlySpan<byte> node, NtfsSource source, long volumeOffset, string structure)
    {
        var entriesOffset = BinaryPrimitives.ReadUInt32LittleEndian(node.Slice(EntriesOffsetOffset));
        var indexLength = BinaryPrimitives.ReadUInt32LittleEndian(node.Slice(IndexLengthOffset));
        if (entriesOffset < Size || entriesOffset > indexLength || indexLength > node.Length)
        {
            throw source.Corrupt(volumeOffset, structure, $"the entries [{entriesOffset}, {indexLength}) do not lie within the node's {node.Length} bytes", "NtfsIndexInvalid");
        }

        return new NtfsIndexNodeHeader((int)entriesOffset, (int)indexLength, node[FlagsOffset]);
    }
}
