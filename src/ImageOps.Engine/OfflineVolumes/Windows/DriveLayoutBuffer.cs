using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// Reads the output of <c>IOCTL_DISK_GET_DRIVE_LAYOUT_EX</c> (winioctl.h; learn.microsoft.com
/// "DRIVE_LAYOUT_INFORMATION_EX", "PARTITION_INFORMATION_EX", "PARTITION_INFORMATION_MBR",
/// "PARTITION_INFORMATION_GPT"). <c>DRIVE_LAYOUT_INFORMATION_EX</c> is PartitionStyle and PartitionCount
/// (DWORDs), a union of the MBR (8 bytes) and GPT (GUID, two LARGE_INTEGERs, a DWORD: 40 bytes with
/// 8-byte alignment) layouts, then the <c>PARTITION_INFORMATION_EX</c> array at 48. Each entry is 144
/// bytes: style @0, StartingOffset @8, PartitionLength @16, PartitionNumber @24, two BOOLEANs @28 and @29,
/// then the union @32 (MBR: type byte @32, BootIndicator @33, RecognizedPartition @34, HiddenSectors @36,
/// PartitionId @40; GPT: PartitionType @32, PartitionId @48, Attributes @64, Name[36] @72). No pointers:
/// the same on x86 and x64.
/// </summary>
internal static class DriveLayoutBuffer
{
    public const int PartitionStyleOffset = 0;
    public const int PartitionCountOffset = 4;
    public const int EntriesOffset = 48;
    public const int EntrySize = 144;
    public const int EntryStartingOffsetOffset = 8;
    public const int EntryLengthOffset = 16;
    public const int EntryNumberOffset = 24;
    public const int EntryMbrTypeOffset = 32;
    public const int EntryMbrRecognizedOffset = 34;
    public const int EntryGptTypeOffset = 32;
    public const int EntryGptAttributesOffset = 64;

    /// <summary>GPT allows 128 entries by default; anything beyond this is not a layout to trust.</summary>
    public const int MaxPartitions = 4096;

    /// <summary>Bytes needed for <paramref name="partitions"/> entries.</summary>
    public static int SizeFor(int partitions) => EntriesOffset + (Math.Max(1, partitions) * EntrySize);

    /// <summary>The style and entries of the layout in <paramref name="buffer"/>; inconsistent counts are refused.</summary>
    public static (DiskPartitionStyle Style, IReadOnlyList<DiskPartitionEntry> Partitions) Parse(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length < EntriesOffset)
        {
            throw new ArgumentException($"DRIVE_LAYOUT_INFORMATION_EX needs at least {EntriesOffset} bytes, got {buffer.Length}.", nameof(buffer));
        }

        var style = (DiskPartitionStyle)BinaryPrimitives.ReadUInt32LittleEndian(buffer.Slice(PartitionStyleOffset));
        var count = BinaryPrimitives.ReadUInt32LittleEndian(buffer.Slice(PartitionCountOffset));
        if (count > MaxPartitions || buffer.Length < EntriesOffset + ((long)count * EntrySize))
        {
            throw new ArgumentException($"DRIVE_LAYOUT_INFORMATION_EX declares {count} partitions but holds {buffer.Length} bytes.", nameof(buffer));
        }

        var entries = new List<DiskPartitionEntry>((int)count);
        for (var i = 0; i < (int)count; i++)
        {
            var entry = buffer.Slice(EntriesOffset + (i * EntrySize), EntrySize);
            var entryStyle = (DiskPartitionStyle)BinaryPrimitives.ReadUInt32LittleEndian(entry);
            entries.Add(new DiskPartitionEntry(
                entryStyle,
                (int)BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(EntryNumberOffset)),
                BinaryPrimitives.ReadInt64LittleEndian(entry.Slice(EntryStartingOffsetOffset)),
                BinaryPrimitives.ReadInt64LittleEndian(entry.Slice(EntryLengthOffset)),
                entry[EntryMbrTypeOffset],
                entry[EntryMbrRecognizedOffset] != 0,
                entryStyle == DiskPartitionStyle.Gpt ? new Guid(entry.Slice(EntryGptTypeOffset, 16).ToArray()) : Guid.Empty,
                entryStyle == DiskPartitionStyle.Gpt ? BinaryPrimitives.ReadUInt64LittleEndian(entry.Slice(EntryGptAttributesOffset)) : 0));
        }

        return (style, entries);
    }
}
