using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The $INDEX_ROOT value (libfsntfs, "The index root header"; "Collation type"): what is indexed, the collation rule, the index
/// record size, then the root node's header and entries.
/// </summary>
internal sealed class NtfsIndexRoot
{
    public const int HeaderSize = 16;
    public const uint CollationFileName = 1;

    private const int IndexedTypeOffset = 0;
    private const int CollationOffset = 4;
    private const int IndexRecordSizeOffset = 8;

    public NtfsAttributeType IndexedType { get; private set; }

    public uint CollationRule { get; private set; }

    public int IndexRecordSize { get; private set; }

    public static NtfsIndexRoot Parse(ReadOnlySpan<byte> value, NtfsSource source, long volumeOffset, string structure)
    {
        if (value.Length < HeaderSize + NtfsIndexNodeHeader.Size)
        {
            throw source.Corrupt(volumeOffset, structure, $"the index root value of {value.Length} bytes is too short", "NtfsIndexInvalid");
        }

        var size = BinaryPrimitives.ReadUInt32LittleEndian(value.Slice(IndexRecordSizeOffset));
        if (size < NtfsUpdateSequence.StrideSize || size > NtfsBootSector.MaxRecordSize || (size & (size - 1)) != 0)
        {
            throw source.Corrupt(NtfsSource.At(volumeOffset, IndexRecordSizeOffset), structure, $"the index record size {size} is not a power of two from 512 to 64 KiB", "NtfsIndexInvalid");
        }

        return new NtfsIndexRoot
        {
            IndexedType = (NtfsAttributeType)BinaryPrimitives.ReadUInt32LittleEndian(value.Slice(IndexedTypeOffset)),
            CollationRule = BinaryPrimitives.ReadUInt32LittleEndian(value.Slice(CollationOffset)),
            IndexRecordSize = (int)size,
        };
    }
}
