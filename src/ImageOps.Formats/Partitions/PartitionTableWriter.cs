using System;
using System.Collections.Generic;
using ImageOps.Formats.Checksums;
using ImageOps.Formats.Disks;

namespace ImageOps.Formats.Partitions;

/// <summary>A partition to create: its kind (or raw type), size and name.</summary>
public sealed class PartitionSpec
{
    /// <summary>The kind; its GPT GUID or MBR byte is used unless <see cref="TypeGuid"/> / <see cref="MbrType"/> is set.</summary>
    public PartitionKind Kind { get; set; } = PartitionKind.BasicData;

    /// <summary>An explicit GPT type.</summary>
    public Guid? TypeGuid { get; set; }

    /// <summary>An explicit MBR type.</summary>
    public byte? MbrType { get; set; }

    /// <summary>Size in bytes; 0 takes the rest of the disk (only for the last partition).</summary>
    public long SizeBytes { get; set; }

    /// <summary>GPT name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>GPT attributes (for example bit 0 "required" on the recovery partition, bit 63 "no drive letter").</summary>
    public ulong Attributes { get; set; }

    /// <summary>MBR active flag.</summary>
    public bool Active { get; set; }
}

/// <summary>
/// Writes MBR and GPT partition tables the way Windows Setup and diskpart lay them out: partitions
/// aligned to 1 MiB, GPT with 128 entries of 128 bytes, the backup array and header at the end of the
/// disk, and a protective MBR.
/// </summary>
public static class PartitionTableWriter
{
    /// <summary>Partition alignment.</summary>
    public const long Alignment = 1 << 20;

    private const int GptEntries = 128;

    /// <summary>Writes a GPT with <paramref name="specs"/> onto <paramref name="disk"/>; returns the table as read back.</summary>
    public static PartitionTable WriteGpt(VirtualDisk disk, IReadOnlyList<PartitionSpec> specs, Guid? diskGuid = null)
    {
        var sector = disk.LogicalSectorSize;
        var totalSectors = disk.Capacity / sector;
        var arrayBytes = GptEntries * GptEntry.Size;
        var arraySectors = (arrayBytes + sector - 1) / sector;
        var firstUsable = 2 + arraySectors;
        var lastUsable = totalSectors - 1 - arraySectors - 1;
        if (lastUsable <= firstUsable)
        {
            throw new ArgumentException($"The disk of {disk.Capacity} bytes is too small for a GPT.", nameof(disk));
        }

        var entries = new GptEntry[GptEntries];
        var offset = Align(firstUsable * sector);
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var end = spec.SizeBytes == 0 ? (lastUsable + 1) * sector / Alignment * Alignment : offset + spec.SizeBytes;
            if (spec.SizeBytes == 0 && i != specs.Count - 1)
            {
                throw new ArgumentException("Only the last partition may take the rest of the disk.", nameof(specs));
            }

            if (end > (lastUsable + 1) * sector || end <= offset || spec.SizeBytes % sector != 0)
            {
                throw new ArgumentException($"Partition {i + 1} ({spec.SizeBytes} bytes at {offset}) does not fit the disk or is not a whole number of sectors.", nameof(specs));
            }

            entries[i] = new GptEntry
            {
                Type = spec.TypeGuid ?? PartitionTypes.GptTypeOf(spec.Kind),
                Unique = Guid.NewGuid(),
                FirstLba = (ulong)(offset / sector),
                LastLba = (ulong)(end / sector) - 1,
                Attributes = spec.Attributes,
                Name = spec.Name,
            };
            offset = Align(end);
        }

        var array = new byte[arraySectors * sector];
        for (var i = 0; i < GptEntries; i++)
        {
            if (entries[i].Type != Guid.Empty)
            {
                entries[i].Write(array.AsSpan(i * GptEntry.Size, GptEntry.Size));
            }
        }

        var arrayCrc = Crc32.Compute(array.AsSpan(0, arrayBytes));
        var guid = diskGuid ?? Guid.NewGuid();
        var primary = new GptHeader
        {
            MyLba = 1,
            AlternateLba = (ulong)(totalSectors - 1),
            FirstUsableLba = (ulong)firstUsable,
            LastUsableLba = (ulong)lastUsable,
            DiskGuid = guid,
            PartitionEntryLba = 2,
            NumberOfPartitionEntries = GptEntries,
            PartitionEntryArrayCrc32 = arrayCrc,
        };
        var backup = new GptHeader
        {
            MyLba = (ulong)(totalSectors - 1),
            AlternateLba = 1,
            FirstUsableLba = (ulong)firstUsable,
            LastUsableLba = (ulong)lastUsable,
            DiskGuid = guid,
            PartitionEntryLba = (ulong)(totalSectors - 1 - arraySectors),
            NumberOfPartitionEntries = GptEntries,
            PartitionEntryArrayCrc32 = arrayCrc,
        };

        // Protective MBR: one 0xEE entry from LBA 1 to the end (capped at 32 bits), UEFI §5.2.3.
        var mbr = new MbrRecord { DiskSignature = 0 };
        mbr.Entries[0] = new MbrEntry { Type = PartitionTypes.MbrGptProtective, FirstLba = 1, SectorCount = (uint)Math.Min(uint.MaxValue, totalSectors - 1) };
        var mbrSector = new byte[sector];
        mbr.Write(mbrSector);
        var headerSector = new byte[sector];

        // Backup first, primary last: a crash in between leaves the old primary or none, never a
        // primary pointing at a half-written array.
        disk.Write((long)backup.PartitionEntryLba * sector, array);
        backup.Write(headerSector);
        disk.Write((long)backup.MyLba * sector, headerSector);
        disk.Write(2L * sector, array);
        primary.Write(headerSector);
        disk.Write(1L * sector, headerSector);
        disk.Write(0, mbrSector);
        disk.Flush();
        return PartitionTable.Read(disk);
    }

    /// <summary>Writes an MBR with up to four primary partitions; returns the table as read back.</summary>
    public static PartitionTable WriteMbr(VirtualDisk disk, IReadOnlyList<PartitionSpec> specs, uint? signature = null)
    {
        if (specs.Count > 4)
        {
            throw new ArgumentException("An MBR holds at most four primary partitions.", nameof(specs));
        }

        var sector = disk.LogicalSectorSize;
        if (disk.Capacity / sector > uint.MaxValue)
        {
            throw new ArgumentException("An MBR addresses at most 2^32 sectors (2 TiB with 512-byte sectors); use GPT.", nameof(disk));
        }

        var mbr = new MbrRecord { DiskSignature = signature ?? (uint)new Random().Next(1, int.MaxValue) };
        var offset = Alignment;
        var diskEnd = disk.Capacity / Alignment * Alignment;
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var end = spec.SizeBytes == 0 ? diskEnd : offset + spec.SizeBytes;
            if (end > disk.Capacity || end <= offset || spec.SizeBytes % sector != 0 || (spec.SizeBytes == 0 && i != specs.Count - 1))
            {
                throw new ArgumentException($"Partition {i + 1} does not fit the disk.", nameof(specs));
            }

            mbr.Entries[i] = new MbrEntry
            {
                Status = spec.Active ? (byte)0x80 : (byte)0,
                Type = spec.MbrType ?? PartitionTypes.MbrTypeOf(spec.Kind),
                FirstLba = (uint)(offset / sector),
                SectorCount = (uint)((end - offset) / sector),
            };
            offset = Align(end);
        }

        var bytes = new byte[sector];
        var existing = new byte[MbrRecord.Size];
        disk.Read(0, existing);

        // Keep boot code already in sector 0 (a boot loader written before the table).
        existing.AsSpan(0, MbrRecord.DiskSignatureOffset).CopyTo(mbr.BootCode);
        mbr.Write(bytes);
        disk.Write(0, bytes);
        disk.Flush();
        return PartitionTable.Read(disk);
    }

    private static long Align(long offset) => (offset + Alignment - 1) / Alignment * Alignment;
}
