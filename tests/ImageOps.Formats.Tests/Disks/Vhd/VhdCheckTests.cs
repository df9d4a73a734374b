using System;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhd;
using static ImageOps.Formats.Tests.Disks.Vhd.VhdTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vhd;

/// <summary>Check and repair on crafted images (qemu-img check does not support vpc).</summary>
public class VhdCheckTests
{
    private const long Capacity = 8L << 20;
    private const int BlockSize = 512 << 10;
    private const long TableAt = 1536;
    private static readonly int Span = BlockSize + 512;

    [Fact]
    public void New_written_and_converted_disks_check_clean()
    {
        var (bytes, _) = Valid();
        var report = Check(bytes);
        Assert.Equal(DiskCheckStatus.Clean, report.Status);
        Assert.Equal(5, report.AllocatedClusters);
        Assert.Equal(16, report.TotalClusters);
        Assert.Equal(DiskCheckStatus.Clean, Check(NewFixed(1 << 20).ToArray()).Status);
        Assert.Equal(DiskCheckStatus.Clean, Check(NewDynamic(1L << 30).ToArray()).Status);
    }

    [Fact]
    public void A_block_written_but_never_referenced_at_the_end_is_a_leak_that_repair_cuts_off()
    {
        var (valid, content) = Valid();
        var footer = valid.AsSpan(valid.Length - 512).ToArray();
        var leaked = valid.AsSpan(0, valid.Length - 512).ToArray().Concat(Pattern(Span, 9)).Concat(footer).ToArray();
        var report = Check(leaked);
        Assert.Equal(DiskCheckStatus.LeaksOnly, report.Status);
        Assert.Single(report.Problems);
        Assert.Equal(DiskProblemKind.Leak, report.Problems[0].Kind);

        var storage = new MemoryBlockStorage(leaked);
        var repaired = Format.Check(storage, new DiskCheckOptions { Repair = true });
        Assert.Equal(DiskCheckStatus.Clean, repaired.Status);
        Assert.True(repaired.Problems.All(p => p.Repaired));
        Assert.Equal(valid.Length, storage.Length);
        Assert.Equal(content, ReadAll(Open(storage)));
    }

    [Fact]
    public void An_unreferenced_block_inside_the_file_is_reclaimed_by_moving_the_last_block_into_it()
    {
        var (valid, content) = Valid();
        var entry = ReadBe32(valid, TableAt + 8);
        WriteBe32(valid, TableAt + 8, VhdBlockAllocationTable.Unused);
        Array.Clear(content, 2 * BlockSize, BlockSize);
        Assert.Equal(DiskCheckStatus.LeaksOnly, Check(valid).Status);

        var storage = new MemoryBlockStorage(valid);
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(storage, new DiskCheckOptions { Repair = true }).Status);
        Assert.True(storage.Length <= valid.Length - BlockSize);
        using var disk = Open(storage);
        Assert.Equal(content, ReadAll(disk));
        Assert.Contains(Enumerable.Range(0, 16).Select(i => ((VhdDisk)disk).BatEntry(i)), e => e == entry);
    }

    [Theory]
    [InlineData(0x7FFFFFFFu, "past the end of the file")]
    [InlineData(0u, "overlaps the footer copy")]
    [InlineData(1u, "overlaps the dynamic disk header")]
    [InlineData(3u, "overlaps the BAT")]
    public void A_block_past_the_end_or_over_metadata_is_corrupt_and_repair_clears_it(uint entry, string message)
    {
        var (valid, content) = Valid();
        WriteBe32(valid, TableAt + 8, entry);
        Array.Clear(content, 2 * BlockSize, BlockSize);
        var report = Check(valid);
        Assert.Equal(DiskCheckStatus.Corrupt, report.Status);
        Assert.Contains(report.Problems, p => p.Kind == DiskProblemKind.Corruption && p.Message.Contains(message) && p.Offset == TableAt + 8);

        var storage = new MemoryBlockStorage(valid);
        var repaired = Format.Check(storage, new DiskCheckOptions { Repair = true });
        Assert.Equal(DiskCheckStatus.Clean, repaired.Status);
        Assert.Equal(content, ReadAll(Open(storage, writable: true)));
    }

    [Fact]
    public void Blocks_sharing_space_are_corrupt_and_repair_gives_each_its_own_copy_without_changing_reads()
    {
        var (valid, _) = Valid();
        WriteBe32(valid, TableAt + 12, ReadBe32(valid, TableAt) + 8);
        var before = ReadAll(Open(new MemoryBlockStorage(valid)));
        Assert.Contains(Check(valid).Problems, p => p.Message.Contains("overlaps block"));

        var storage = new MemoryBlockStorage(valid);
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(storage, new DiskCheckOptions { Repair = true }).Status);
        using var disk = Open(storage, writable: true);
        Assert.Equal(before, ReadAll(disk));
        disk.Write(3 * BlockSize, Pattern(512, 77));
        var buffer = new byte[512];
        disk.Read(0, buffer);
        Assert.Equal(before.AsSpan(0, 512).ToArray(), buffer);
    }

    [Fact]
    public void Missing_damaged_differing_or_stale_footers_are_found_and_repair_rewrites_them_from_the_one_in_effect()
    {
        var (valid, content) = Valid();
        var noEnd = valid.AsSpan(0, valid.Length - 512).ToArray();
        var damagedCopy = (byte[])valid.Clone();
        damagedCopy[40] ^= 1;
        var otherDisk = (byte[])valid.Clone();
        otherDisk[otherDisk.Length - 512 + VhdFooter.UniqueIdOffset] ^= 1;
        FixFooterChecksum(otherDisk, otherDisk.Length - 512);

        // An interrupted resize or time stamp refresh: the end footer is an older version of the copy.
        var stale = (byte[])valid.Clone();
        WriteBe32(stale, stale.Length - 512 + VhdFooter.TimeStampOffset, 12345);
        WriteBe64(stale, stale.Length - 512 + VhdFooter.CurrentSizeOffset, 4L << 20);
        FixFooterChecksum(stale, stale.Length - 512);
        Assert.Equal(DiskCheckStatus.LeaksOnly, Check(stale).Status);

        foreach (var bytes in new[] { noEnd, damagedCopy, otherDisk, stale })
        {
            Assert.Equal(bytes == stale ? DiskCheckStatus.LeaksOnly : DiskCheckStatus.Corrupt, Check(bytes).Status);
            var storage = new MemoryBlockStorage(bytes);
            Assert.Equal(DiskCheckStatus.Clean, Format.Check(storage, new DiskCheckOptions { Repair = true }).Status);
            var repaired = storage.ToArray();
            Assert.Equal(repaired.AsSpan(0, 512).ToArray(), repaired.AsSpan(repaired.Length - 512).ToArray());
            Assert.Equal(content, ReadAll(Open(storage)));
        }
    }

    [Fact]
    public void A_last_block_cut_short_is_corrupt_and_repair_completes_it_with_zeros()
    {
        var (valid, content) = Valid();
        var cut = valid.AsSpan(0, valid.Length - 512 - 4096).ToArray();
        Assert.Equal("ImageTruncated", Assert.ThrowsAny<ImageOpsException>(() => Open(new MemoryBlockStorage(cut))).ErrorId);
        Assert.Equal(DiskCheckStatus.Corrupt, Check(cut).Status);
        var storage = new MemoryBlockStorage(cut);
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(storage, new DiskCheckOptions { Repair = true }).Status);
        var after = ReadAll(Open(storage));
        Array.Clear(content, (int)Capacity - 4096, 4096);
        Assert.Equal(content, after);
    }

    [Fact]
    public void An_unusable_header_is_reported_not_repaired_and_read_only_storage_is_not_repaired()
    {
        var (valid, _) = Valid();
        valid[512 + 40] ^= 1;
        var storage = new MemoryBlockStorage(valid);
        var report = Format.Check(storage, new DiskCheckOptions { Repair = true });
        Assert.Equal(DiskCheckStatus.Corrupt, report.Status);
        Assert.Equal("dynamic disk header", report.Problems.Single().Structure);

        var readOnly = new MemoryBlockStorage(Valid().Bytes, writable: false);
        Assert.Equal("DiskFileReadOnly", Assert.Throws<ImageOpsException>(() => Format.Check(readOnly, new DiskCheckOptions { Repair = true })).ErrorId);
    }

    [Fact]
    public void A_fixed_disk_shorter_than_its_size_is_corrupt()
    {
        var bytes = NewFixed(1 << 20).ToArray();
        var footer = bytes.AsSpan(bytes.Length - 512).ToArray();
        var shorter = bytes.AsSpan(0, 4096).ToArray().Concat(footer).ToArray();
        Assert.Equal(DiskCheckStatus.Corrupt, Check(shorter).Status);
        Assert.Equal("ImageTruncated", Assert.ThrowsAny<ImageOpsException>(() => Open(new MemoryBlockStorage(shorter))).ErrorId);
    }

    /// <summary>A 512 KiB-block dynamic disk with blocks 0, 1, 2, 3 and 15 stored, and its content.</summary>
    internal static (byte[] Bytes, byte[] Content) Valid()
    {
        var storage = NewDynamic(Capacity, BlockSize);
        var content = new byte[Capacity];
        using (var disk = Open(storage, writable: true))
        {
            foreach (var (offset, length, seed) in new[] { (0L, 4096, 1), ((long)BlockSize, BlockSize, 2), (2L * BlockSize, 1024, 3), (3L * BlockSize, 8192, 4), (Capacity - 512, 512, 5) })
            {
                var data = Pattern(length, seed);
                disk.Write(offset, data);
                data.CopyTo(content, offset);
            }
        }

        return (storage.ToArray(), content);
    }

    private static DiskCheckReport Check(byte[] bytes) => Format.Check(new MemoryBlockStorage(bytes), new DiskCheckOptions());
}
