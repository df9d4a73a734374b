using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// One entry of the snapshot table (qcow2.txt "Snapshots"): a 40-byte fixed part, extra data (v3:
/// at least the 64-bit VM state size and the virtual disk size), the id and name strings, padded
/// to 8 bytes. Read-only: ImageOps lists snapshots and reads their L1 tables but never edits them.
/// </summary>
internal sealed class Qcow2SnapshotEntry
{
    public const int FixedLength = 40;
    public const int OffsetL1TableOffset = 0;
    public const int OffsetL1Size = 8;
    public const int OffsetIdLength = 12;
    public const int OffsetNameLength = 14;
    public const int OffsetDateSeconds = 16;
    public const int OffsetDateNanoseconds = 20;
    public const int OffsetVmClock = 24;
    public const int OffsetVmStateSize = 32;
    public const int OffsetExtraDataSize = 36;
    public const int ExtraVmStateSizeLarge = 0;
    public const int ExtraDiskSize = 8;
    public const int MaxExtraData = 1024; // QCOW_MAX_SNAPSHOT_EXTRA_DATA
    public const long MaxTableBytes = 64L << 20; // QCOW_MAX_SNAPSHOTS_SIZE

    public long TableOffset { get; private set; }

    public long L1TableOffset { get; private set; }

    public int L1Size { get; private set; }

    public string Id { get; private set; } = string.Empty;

    public string Name { get; private set; } = string.Empty;

    public DateTimeOffset Date { get; private set; }

    public TimeSpan GuestClock { get; private set; }

    public long VmStateSize { get; private set; }

    public long? DiskSize { get; private set; }

    public int StoredLength { get; private set; }

    /// <summary>Reads the whole table, bounding every length by the file and qemu's limits.</summary>
    public static List<Qcow2SnapshotEntry> ReadTable(IBlockStorage storage, Qcow2Header header)
    {
        var result = new List<Qcow2SnapshotEntry>(Math.Min(header.NbSnapshots, 1024));
        var position = header.SnapshotsOffset;
        var fixedPart = new byte[FixedLength];
        for (var i = 0; i < header.NbSnapshots; i++)
        {
            storage.ReadExactly(position, fixedPart, Qcow2Header.FormatName, "snapshot table entry");
            var f = fixedPart.AsSpan();
            var l1Offset = BinaryPrimitives.ReadUInt64BigEndian(f);
            var l1Size = BinaryPrimitives.ReadUInt32BigEndian(f.Slice(OffsetL1Size));
            var idLength = BinaryPrimitives.ReadUInt16BigEndian(f.Slice(OffsetIdLength));
            var nameLength = BinaryPrimitives.ReadUInt16BigEndian(f.Slice(OffsetNameLength));
            var extraSize = BinaryPrimitives.ReadUInt32BigEndian(f.Slice(OffsetExtraDataSize));
            if (extraSize > MaxExtraData)
            {
                throw new CorruptImageException(storage.Name, Qcow2Header.FormatName, position + OffsetExtraDataSize, "snapshot table entry", $"snapshot {i} has {extraSize} bytes of extra data, more than the limit of {MaxExtraData}");
            }

            var variable = new byte[extraSize + idLength + nameLength];
            storage.ReadExactly(position + FixedLength, variable, Qcow2Header.FormatName, "snapshot table entry");
            var entry = new Qcow2SnapshotEntry
            {
                TableOffset = position,
                L1Size = (int)Math.Min(l1Size, int.MaxValue),
                Id = Encoding.UTF8.GetString(variable, (int)extraSize, idLength),
                Name = Encoding.UTF8.GetString(variable, (int)extraSize + idLength, nameLength),
                Date = DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32BigEndian(f.Slice(OffsetDateSeconds))).AddTicks(BinaryPrimitives.ReadUInt32BigEndian(f.Slice(OffsetDateNanoseconds)) / 100),
                GuestClock = TimeSpan.FromTicks((long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(f.Slice(OffsetVmClock)) / 100, (ulong)TimeSpan.MaxValue.Ticks)),
                VmStateSize = BinaryPrimitives.ReadUInt32BigEndian(f.Slice(OffsetVmStateSize)),
                StoredLength = (int)((FixedLength + variable.Length + 7) & ~7),
            };
            entry.L1TableOffset = l1Offset > long.MaxValue ? long.MaxValue : (long)l1Offset;
            if (extraSize >= ExtraVmStateSizeLarge + 8)
            {
                entry.VmStateSize = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(variable.AsSpan(ExtraVmStateSizeLarge)), long.MaxValue);
            }

            if (extraSize >= ExtraDiskSize + 8)
            {
                entry.DiskSize = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(variable.AsSpan(ExtraDiskSize)), long.MaxValue);
            }

            result.Add(entry);
            position += entry.StoredLength;
            if (position - header.SnapshotsOffset > MaxTableBytes)
            {
                throw new CorruptImageException(storage.Name, Qcow2Header.FormatName, header.SnapshotsOffset, "snapshot table", $"the table is larger than the limit of {MaxTableBytes} bytes");
            }
        }

        return result;
    }

    /// <summary>Bytes the table takes (for the checker's reference count).</summary>
    public static long TableLength(IReadOnlyList<Qcow2SnapshotEntry> entries)
    {
        long total = 0;
        foreach (var e in entries)
        {
            total += e.StoredLength;
        }

        return total;
    }
}
