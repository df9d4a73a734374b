using System;
using System.Buffers.Binary;
using ImageOps.Formats.Checksums;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Partitions;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Partitions;

/// <summary>HOSTILE.md for partition tables: each case patches a valid table.</summary>
public class HostilePartitionTableTests
{
    private const int Sector = 512;

    private static VirtualDisk GptDisk(int partitions = 3)
    {
        var disk = DiskFormats.Open(new MemoryBlockStorage(new byte[64 << 20]), new DiskOpenOptions { Writable = true });
        var specs = new PartitionSpec[partitions];
        for (var i = 0; i < partitions; i++)
        {
            specs[i] = new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = 8L << 20, Name = "p" + i };
        }

        PartitionTableWriter.WriteGpt(disk, specs);
        return disk;
    }

    /// <summary>Edits the primary GPT (header fields and/or the entry array), then restores valid CRCs.</summary>
    private static void PatchPrimary(VirtualDisk disk, Action<byte[], byte[]> edit, bool fixCrcs = true)
    {
        var header = new byte[Sector];
        disk.Read(Sector, header);
        var array = new byte[128 * 128];
        disk.Read(2 * Sector, array);
        edit(header, array);
        if (fixCrcs)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(88), Crc32.Compute(array));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 0);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), Crc32.Compute(header.AsSpan(0, 92)));
        }

        disk.Write(Sector, header);
        disk.Write(2 * Sector, array);
    }

    private static PartitionTable ReadSafely(VirtualDisk disk)
    {
        PartitionTable? table = null;
        var refused = Hostile.Survives(() => table = PartitionTable.Read(disk));
        if (refused is not null)
        {
            throw refused;
        }

        return table!;
    }

    [Fact]
    public void A_damaged_primary_header_falls_back_to_the_backup()
    {
        using var disk = GptDisk();
        PatchPrimary(disk, (header, _) => header[60] ^= 0xFF, fixCrcs: false);
        var table = ReadSafely(disk);
        Assert.Equal(3, table.Partitions.Count);
        Assert.Contains(table.Problems, p => p.Contains("primary GPT header is damaged"));
    }

    [Fact]
    public void A_damaged_entry_array_falls_back_to_the_backup()
    {
        using var disk = GptDisk();
        PatchPrimary(disk, (_, array) => array[5] ^= 1, fixCrcs: false);
        var table = ReadSafely(disk);
        Assert.Equal(3, table.Partitions.Count);
        Assert.Contains(table.Problems, p => p.Contains("entry array CRC mismatch"));
    }

    [Fact]
    public void Both_copies_damaged_is_a_typed_error_naming_the_structure()
    {
        using var disk = GptDisk();
        PatchPrimary(disk, (header, _) => header[60] ^= 0xFF, fixCrcs: false);
        var backup = new byte[Sector];
        disk.Read(disk.Capacity - Sector, backup);
        backup[60] ^= 0xFF;
        disk.Write(disk.Capacity - Sector, backup);
        var ex = Assert.IsType<CorruptImageException>(Hostile.Refused(() => PartitionTable.Read(disk)));
        Assert.Equal("PartitionTableCorrupt", ex.ErrorId);
        Assert.Equal("GPT header", ex.Structure);
    }

    [Theory]
    [InlineData(0xFFFFFFFFu, 128u)]
    [InlineData(0x80000000u, 128u)]
    [InlineData(128u, 0u)]
    [InlineData(128u, 100u)]
    [InlineData(128u, 0xFFFFFFF8u)]
    [InlineData(70000u, 128u)]
    public void Absurd_entry_counts_and_sizes_are_refused_without_allocating_them(uint count, uint size)
    {
        using var disk = GptDisk();
        PatchPrimary(disk, (header, _) =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(80), count);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(84), size);
        });
        var table = ReadSafely(disk);
        Assert.Contains(table.Problems, p => p.Contains("primary GPT header is damaged"));
        Assert.Equal(3, table.Partitions.Count);
    }

    [Theory]
    [InlineData(0xFFFFFFFFFFFFFFFFul)]
    [InlineData(1ul)]
    [InlineData(0ul)]
    public void An_entry_array_pointing_outside_the_disk_or_into_the_header_is_refused(ulong lba)
    {
        using var disk = GptDisk();
        PatchPrimary(disk, (header, _) => BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(72), lba));
        Assert.Contains(ReadSafely(disk).Problems, p => p.Contains("primary GPT header is damaged"));
    }

    [Fact]
    public void Entries_outside_the_usable_area_or_overlapping_are_left_out()
    {
        using var disk = GptDisk();
        PatchPrimary(disk, (_, array) =>
        {
            // Entry 1 ends past the disk; entry 2 overlaps entry 0; entry 3 is reversed.
            BinaryPrimitives.WriteUInt64LittleEndian(array.AsSpan(128 + 40), ulong.MaxValue);
            var first0 = BinaryPrimitives.ReadUInt64LittleEndian(array.AsSpan(32));
            BinaryPrimitives.WriteUInt64LittleEndian(array.AsSpan(256 + 32), first0 + 8);
            array.AsSpan(0, 128).CopyTo(array.AsSpan(384));
            BinaryPrimitives.WriteUInt64LittleEndian(array.AsSpan(384 + 32), 90000);
            BinaryPrimitives.WriteUInt64LittleEndian(array.AsSpan(384 + 40), 80000);
        });

        var table = ReadSafely(disk);
        Assert.Equal(new[] { 1 }, System.Linq.Enumerable.Select(table.Partitions, p => p.Number));
        Assert.Equal(3, table.Problems.Count);
    }

    [Fact]
    public void An_mbr_partition_beyond_the_disk_is_left_out()
    {
        var sector = new byte[512];
        BinaryPrimitives.WriteUInt16LittleEndian(sector.AsSpan(510), 0xAA55);
        sector[0x1BE + 4] = 0x07;
        BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(0x1BE + 8), 2048);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.AsSpan(0x1BE + 12), uint.MaxValue);
        var content = new byte[8 << 20];
        sector.CopyTo(content, 0);
        using var disk = DiskFormats.Open(new MemoryBlockStorage(content));
        var table = ReadSafely(disk);
        Assert.Equal(PartitionScheme.Mbr, table.Scheme);
        Assert.Empty(table.Partitions);
        Assert.Single(table.Problems);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(2048u)]
    public void An_extended_partition_chain_that_loops_is_cut(uint nextRelative)
    {
        var content = new byte[16 << 20];
        void Entry(int sectorLba, int slot, byte type, uint first, uint count)
        {
            var at = (sectorLba * 512) + 0x1BE + (slot * 16);
            content[at + 4] = type;
            BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan(at + 8), first);
            BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan(at + 12), count);
            BinaryPrimitives.WriteUInt16LittleEndian(content.AsSpan((sectorLba * 512) + 510), 0xAA55);
        }

        Entry(0, 0, 0x05, 2048, 20000);
        Entry(2048, 0, 0x07, 63, 100);
        Entry(2048, 1, 0x05, 2048, 1000);
        Entry(4096, 0, 0x07, 63, 100);
        Entry(4096, 1, 0x05, nextRelative, 1000);
        using var disk = DiskFormats.Open(new MemoryBlockStorage(content));
        var table = ReadSafely(disk);
        Assert.Contains(table.Problems, p => p.Contains("loops"));
        Assert.Equal(2, System.Linq.Enumerable.Count(table.Partitions, p => p.IsLogical));
    }

    [Fact]
    public void A_long_extended_chain_is_bounded()
    {
        // Every EBR points to the next: more logical partitions than the limit.
        var count = PartitionTable.MaxLogicalPartitions + 20;
        var content = new byte[(count + 10) * 4096L];
        var extendedStart = 8u;
        void Put(long lba, int slot, byte type, uint first, uint sectors)
        {
            var at = (int)(lba * 512) + 0x1BE + (slot * 16);
            content[at + 4] = type;
            BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan(at + 8), first);
            BinaryPrimitives.WriteUInt32LittleEndian(content.AsSpan(at + 12), sectors);
            BinaryPrimitives.WriteUInt16LittleEndian(content.AsSpan((int)(lba * 512) + 510), 0xAA55);
        }

        Put(0, 0, 0x05, extendedStart, (uint)(count * 8) + 8);
        for (var i = 0; i < count; i++)
        {
            var ebr = extendedStart + (uint)(i * 8);
            Put(ebr, 0, 0x83, 1, 7);
            Put(ebr, 1, 0x05, (uint)((i + 1) * 8), 8);
        }

        using var disk = DiskFormats.Open(new MemoryBlockStorage(content));
        var table = ReadSafely(disk);
        Assert.Equal(PartitionTable.MaxLogicalPartitions, System.Linq.Enumerable.Count(table.Partitions, p => p.IsLogical));
        Assert.Contains(table.Problems, p => p.Contains("longer than"));
    }
}
