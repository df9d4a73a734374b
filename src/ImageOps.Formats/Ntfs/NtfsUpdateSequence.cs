using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The update sequence (libfsntfs, "The fix-up values"): multi-sector records (MFT
/// records, index records) store a sequence number in the last two bytes of every 512-byte stride and
/// keep the real bytes in an array after the header; a torn write shows as a stride whose number differs.
/// </summary>
internal static class NtfsUpdateSequence
{
    /// <summary>The stride is 512 bytes whatever the sector size (libfsntfs, "The fix-up values": each 512-byte block).</summary>
    public const int StrideSize = 512;

    /// <summary>The header fields every multi-sector record shares: the array's offset and count.</summary>
    public const int ArrayOffsetField = 4;
    public const int ArrayCountField = 6;

    /// <summary>Validates the fix-ups of <paramref name="record"/> and restores the real bytes in place.</summary>
    public static void Apply(Span<byte> record, NtfsSource source, long volumeOffset, string structure)
    {
        int arrayOffset = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(ArrayOffsetField));
        int arrayCount = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(ArrayCountField));
        var strides = record.Length / StrideSize;
        if (arrayCount != strides + 1)
        {
            throw source.Corrupt(NtfsSource.At(volumeOffset, ArrayCountField), structure, $"the update sequence has {arrayCount} entries but the {record.Length}-byte record needs {strides + 1}", "NtfsFixupInvalid");
        }

        if (arrayOffset < 8 || arrayOffset % 2 != 0 || arrayOffset + (2 * arrayCount) > StrideSize - 2)
        {
            throw source.Corrupt(NtfsSource.At(volumeOffset, ArrayOffsetField), structure, $"the update sequence array at {arrayOffset} does not fit in the first stride", "NtfsFixupInvalid");
        }

        var sequence = BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(arrayOffset));
        for (var i = 0; i < strides; i++)
        {
            var tail = ((i + 1) * StrideSize) - 2;
            if (BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(tail)) != sequence)
            {
                throw source.Corrupt(NtfsSource.At(volumeOffset, tail), structure, $"stride {i} ends with 0x{BinaryPrimitives.ReadUInt16LittleEndian(record.Slice(tail)):X4}, not the update sequence number 0x{sequence:X4} (a torn or damaged write)", "NtfsFixupInvalid");
            }

            record[tail] = record[arrayOffset + 2 + (2 * i)];
            record[tail + 1] = record[arrayOffset + 3 + (2 * i)];
        }
    }
}
