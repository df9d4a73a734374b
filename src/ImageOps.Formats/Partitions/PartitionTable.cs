using System;
using System.Collections.Generic;
using System.Linq;
using ImageOps.Formats.Disks;

namespace ImageOps.Formats.Partitions;

/// <summary>
/// The partition table of a disk, read defensively (HOSTILE.md): damaged structures are typed errors,
/// partitions that leave the disk or overlap others are reported in <see cref="Problems"/> and left out
/// of <see cref="Partitions"/>, so nothing downstream reads outside a valid partition.
/// </summary>
public sealed class PartitionTable
{
    /// <summary>Most GPT entries read (the spec sets no bound; 128 is the norm, Windows allows 128).</summary>
    public const int MaxGptEntries = 16384;

    /// <summary>Largest GPT entry array read.</summary>
    public const int MaxGptArrayBytes = 4 << 20;

    /// <summary>Most MBR logical partitions followed along an extended-partition chain.</summary>
    public const int MaxLogicalPartitions = 256;

    private const string Format = "partition table";

    /// <summary>MBR, GPT, or none.</summary>
    public PartitionScheme Scheme { get; private set; }

    /// <summary>The sector size the table was read with.</summary>
    public int SectorSize { get; private set; }

    /// <summary>The GPT disk GUID, or null.</summary>
    public Guid? DiskGuid { get; private set; }

    /// <summary>The MBR disk signature (also present on GPT's protective MBR), or null without an MBR.</summary>
    public uint? MbrSignature { get; private set; }

    /// <summary>The valid partitions, by number.</summary>
    public IReadOnlyList<Partition> Partitions { get; private set; } = Array.Empty<Partition>();

    /// <summary>What is wrong with the table without making it unreadable (a damaged copy, overlaps, out-of-range entries).</summary>
    public IReadOnlyList<string> Problems { get; private set; } = Array.Empty<string>();

    /// <summary>Reads the table of <paramref name="disk"/> (its sector size is the disk's logical sector size).</summary>
    public static PartitionTable Read(VirtualDisk disk) => Read(disk, disk.LogicalSectorSize);

    /// <summary>Reads the table of <paramref name="disk"/> with a given sector size (512 or 4096).</summary>
    public static PartitionTable Read(VirtualDisk disk, int sectorSize)
    {
        if (sectorSize != 512 && sectorSize != 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(sectorSize), "Sector sizes are 512 or 4096 bytes.");
        }

        var table = new PartitionTable { SectorSize = sectorSize };
        var problems = new List<string>();
        if (disk.Capacity < MbrRecord.Size)
        {
            table.Scheme = PartitionScheme.None;
            return table;
        }

        var sector0 = new byte[MbrRecord.Size];
        disk.Read(0, sector0);
        if (!MbrRecord.HasSignature(sector0))
        {
            table.Scheme = PartitionScheme.None;
            return table;
        }

        var mbr = MbrRecord.Parse(sector0);
        table.MbrSignature = mbr.DiskSignature;
        List<Partition> partitions;
        if (mbr.Entries.Any(e => e.Type == PartitionTypes.MbrGptProtective))
        {
            if (mbr.Entries.Any(e => !e.IsEmpty && e.Type != PartitionTypes.MbrGptProtective))
            {
                problems.Add("The protective MBR also lists other partitions (a hybrid MBR); the GPT is used.");
            }

            table.Scheme = PartitionScheme.Gpt;
            partitions = ReadGpt(disk, sectorSize, table, problems);
        }
        else
        {
            table.Scheme = PartitionScheme.Mbr;
            partitions = ReadMbr(disk, sectorSize, mbr, problems);
        }

        table.Partitions = Validate(partitions, disk.Capacity, problems).OrderBy(p => p.Number).ToList();
        table.Problems = problems;
        return table;
    }

    private static List<Partition> ReadGpt(VirtualDisk disk, int sectorSize, PartitionTable table, List<string> problems)
    {
        var lastLba = (ulong)(disk.Capacity / sectorSize) - 1;
        var primaryError = TryReadGpt(disk, sectorSize, 1, lastLba, out var primary, out var primaryEntries);
        if (primaryError is null)
        {
            var backupError = TryReadGpt(disk, sectorSize, primary!.AlternateLba, lastLba, out _, out _);
            if (backupError is not null)
            {
                problems.Add("The backup GPT header is damaged: " + backupError);
            }

            table.DiskGuid = primary.DiskGuid;
            return primaryEntries!;
        }

        // The spec's recovery rule: a bad primary is replaced by the backup at the last LBA.
        var recoveryError = TryReadGpt(disk, sectorSize, lastLba, lastLba, out var backup, out var backupEntries);
        if (recoveryError is not null)
        {
            throw new CorruptImageException(disk.Path, Format, sectorSize, "GPT header", $"both copies are damaged: primary: {primaryError}; backup: {recoveryError}", "PartitionTableCorrupt");
        }

        problems.Add("The primary GPT header is damaged (" + primaryError + "); the backup was used.");
        table.DiskGuid = backup!.DiskGuid;
        return backupEntries!;
    }

    /// <summary>Reads and validates one GPT header and its entry array; returns why it is invalid, or null.</summary>
    private static string? TryReadGpt(VirtualDisk disk, int sectorSize, ulong lba, ulong lastLba, out GptHeader? header, out List<Partition>? partitions)
    {
        header = null;
        partitions = null;
        if (lba == 0 || lba > lastLba)
        {
            return $"its LBA {lba} is outside the disk";
        }

        var sector = new byte[sectorSize];
        disk.Read((long)lba * sectorSize, sector);
        var h = GptHeader.Parse(sector);
        if (h.Signature != GptHeader.SignatureValue)
        {
            return "no 'EFI PART' signature";
        }

        if (h.Revision >> 16 != 1)
        {
            return $"revision 0x{h.Revision:X8} is not 1.x";
        }

        if (h.HeaderSize < GptHeader.Size || h.HeaderSize > sectorSize)
        {
            return $"header size {h.HeaderSize} is outside {GptHeader.Size}..{sectorSize}";
        }

        if (GptHeader.ComputeCrc(sector, (int)h.HeaderSize) != h.HeaderCrc32)
        {
            return "header CRC mismatch";
        }

        if (h.MyLba != lba)
        {
            return $"it says it is at LBA {h.MyLba}, but was read at {lba}";
        }

        if (h.FirstUsableLba > h.LastUsableLba || h.LastUsableLba > lastLba)
        {
            return $"usable LBAs {h.FirstUsableLba}..{h.LastUsableLba} do not fit a disk of {lastLba + 1} sectors";
        }

        if (h.SizeOfPartitionEntry < GptEntry.Size || h.SizeOfPartitionEntry % 8 != 0 || h.SizeOfPartitionEntry > 4096)
        {
            return $"entry size {h.SizeOfPartitionEntry} is not 128 bytes or a larger multiple of 8";
        }

        if (h.NumberOfPartitionEntries > MaxGptEntries || (long)h.NumberOfPartitionEntries * h.SizeOfPartitionEntry > MaxGptArrayBytes)
        {
            return $"{h.NumberOfPartitionEntries} entries of {h.SizeOfPartitionEntry} bytes exceed ImageOps' limit of {MaxGptArrayBytes} bytes";
        }

        var arrayBytes = (int)(h.NumberOfPartitionEntries * h.SizeOfPartitionEntry);
        var arraySectors = ((ulong)arrayBytes + (ulong)sectorSize - 1) / (ulong)sectorSize;
        if (h.PartitionEntryLba < 2 || h.PartitionEntryLba > lastLba || h.PartitionEntryLba + arraySectors - 1 > lastLba)
        {
            return $"the entry array at LBA {h.PartitionEntryLba} does not fit the disk";
        }

        // The array must not overlap the usable area it describes.
        if (h.PartitionEntryLba + arraySectors > h.FirstUsableLba && h.PartitionEntryLba <= h.LastUsableLba)
        {
            return "the entry array overlaps the usable area";
        }

        var array = new byte[arrayBytes];
        disk.Read((long)h.PartitionEntryLba * sectorSize, array);
        if (Checksums.Crc32.Compute(array) != h.PartitionEntryArrayCrc32)
        {
            return "entry array CRC mismatch";
        }

        var list = new List<Partition>();
        for (var i = 0; i < h.NumberOfPartitionEntries; i++)
        {
            var e = GptEntry.Parse(array.AsSpan((int)(i * h.SizeOfPartitionEntry), GptEntry.Size));
            if (e.IsUnused)
            {
                continue;
            }

            if (e.FirstLba > e.LastLba || e.FirstLba < h.FirstUsableLba || e.LastLba > h.LastUsableLba)
            {
                list.Add(new Partition { Number = i + 1, Offset = -1, Length = 0, TypeGuid = e.Type, Name = e.Name, Kind = PartitionTypes.KindOf(e.Type) });
                continue;
            }

            list.Add(new Partition
            {
                Number = i + 1,
                Offset = (long)e.FirstLba * sectorSize,
                Length = (long)(e.LastLba - e.FirstLba + 1) * sectorSize,
                TypeGuid = e.Type,
                UniqueGuid = e.Unique,
                Name = e.Name,
                Attributes = e.Attributes,
                Kind = PartitionTypes.KindOf(e.Type),
            });
        }

        header = h;
        partitions = list;
        return null;
    }

    private static List<Partition> ReadMbr(VirtualDisk disk, int sectorSize, MbrRecord mbr, List<string> problems)
    {
        var partitions = new List<Partition>();
        for (var i = 0; i < 4; i++)
        {
            var e = mbr.Entries[i];
            if (e.IsEmpty)
            {
                continue;
            }

            partitions.Add(FromMbr(e, i + 1, 0, sectorSize, logical: false));
            if (PartitionTypes.IsExtended(e.Type))
            {
                ReadLogical(disk, sectorSize, e.FirstLba, e.SectorCount, partitions, problems);
            }
        }

        return partitions;
    }

    /// <summary>
    /// Follows the extended boot record chain: each EBR's first entry is a logical partition relative
    /// to that EBR, its second the next EBR relative to the extended partition. Bounded in length and
    /// checked for cycles and for EBRs outside the extended partition.
    /// </summary>
    private static void ReadLogical(VirtualDisk disk, int sectorSize, uint extendedStart, uint extendedSectors, List<Partition> partitions, List<string> problems)
    {
        var visited = new HashSet<ulong>();
        var sector = new byte[MbrRecord.Size];
        ulong ebr = extendedStart;
        var number = 5;
        while (true)
        {
            if (number - 5 >= MaxLogicalPartitions)
            {
                problems.Add($"The extended partition chain is longer than {MaxLogicalPartitions}; the rest was ignored.");
                return;
            }

            if (!visited.Add(ebr))
            {
                problems.Add($"The extended partition chain loops back to LBA {ebr}; it was cut there.");
                return;
            }

            if (ebr < extendedStart || ebr >= (ulong)extendedStart + extendedSectors || (long)(ebr + 1) * sectorSize > disk.Capacity)
            {
                problems.Add($"An extended boot record at LBA {ebr} lies outside its extended partition; the chain was cut there.");
                return;
            }

            disk.Read((long)ebr * sectorSize, sector);
            if (!MbrRecord.HasSignature(sector))
            {
                problems.Add($"The extended boot record at LBA {ebr} has no signature; the chain was cut there.");
                return;
            }

            var record = MbrRecord.Parse(sector);
            var logical = record.Entries[0];
            if (!logical.IsEmpty)
            {
                partitions.Add(FromMbr(logical, number++, ebr, sectorSize, logical: true));
            }

            var next = record.Entries[1];
            if (next.IsEmpty || !PartitionTypes.IsExtended(next.Type))
            {
                return;
            }

            ebr = (ulong)extendedStart + next.FirstLba;
        }
    }

    private static Partition FromMbr(MbrEntry e, int number, ulong baseLba, int sectorSize, bool logical) => new()
    {
        Number = number,
        Offset = (long)(baseLba + e.FirstLba) * sectorSize,
        Length = (long)e.SectorCount * sectorSize,
        MbrType = e.Type,
        Active = e.Status == 0x80,
        IsLogical = logical,
        Kind = PartitionTypes.KindOf(e.Type),
    };

    private static IEnumerable<Partition> Validate(List<Partition> partitions, long capacity, List<string> problems)
    {
        var valid = new List<Partition>();
        foreach (var p in partitions.OrderBy(p => p.Offset))
        {
            if (p.Offset < 0 || p.Length <= 0 || p.Offset > capacity - p.Length)
            {
                problems.Add($"Partition {p.Number} lies outside the disk ({p.Offset}+{p.Length} of {capacity} bytes); it was left out.");
                continue;
            }

            // The extended container overlaps its own logicals by design; other overlaps are damage.
            var clash = valid.FirstOrDefault(v => v.Kind != PartitionKind.Extended && p.Kind != PartitionKind.Extended && p.Offset < v.End && v.Offset < p.End);
            if (clash is not null)
            {
                problems.Add($"Partition {p.Number} overlaps partition {clash.Number}; it was left out.");
                continue;
            }

            valid.Add(p);
        }

        return valid;
    }
}
