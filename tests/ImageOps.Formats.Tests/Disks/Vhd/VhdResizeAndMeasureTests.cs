using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhd;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhd.VhdTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vhd;

/// <summary>Resize (grow; shrink when nothing is lost), Measure, and the writer's contract.</summary>
public class VhdResizeAndMeasureTests
{
    [SkippableTheory]
    [InlineData(2 << 20, 9L << 20)]
    [InlineData(512 << 10, 100L << 20)]
    public void A_dynamic_disk_grows_in_place_or_with_a_moved_table_and_qemu_agrees(int blockSize, long newCapacity)
    {
        using var dir = new TempFolder("vhd");
        var path = dir.Combine("grow.vhd");
        var expected = new byte[newCapacity];
        using (var disk = Format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = 8L << 20, ClusterSize = blockSize }))
        {
            disk.Write(100, Pattern(5000, 1));
            disk.Write((8L << 20) - 512, Pattern(512, 2));
            Pattern(5000, 1).CopyTo(expected, 100);
            Pattern(512, 2).CopyTo(expected, (8L << 20) - 512);
            disk.Resize(newCapacity);
            Assert.Equal(newCapacity, disk.Capacity);
            disk.Write(newCapacity - 4096, Pattern(4096, 3));
            Pattern(4096, 3).CopyTo(expected, newCapacity - 4096);
        }

        Assert.Equal(newCapacity, QemuImg.Info(path).GetProperty("virtual-size").GetInt64());
        Assert.Equal(expected, QemuRawBytes(path, "vpc", dir));
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(FileBlockStorage.Open(path, false), new DiskCheckOptions()).Status);
        using var reopened = (VhdDisk)DiskFormats.Open(path);
        Assert.True(reopened.Header!.MaxTableEntries >= newCapacity / blockSize);
        Assert.Equal(expected, ReadAll(reopened));
    }

    [Fact]
    public void A_dynamic_disk_shrinks_only_when_no_stored_block_reaches_past_the_new_size()
    {
        var storage = NewDynamic(16L << 20);
        using var disk = Open(storage, writable: true);
        disk.Write(0, Pattern(4096, 1));
        disk.Write(9L << 20, Pattern(4096, 2));
        var ex = Assert.Throws<ImageOpsException>(() => disk.Resize(9L << 20));
        Assert.Equal("DiskShrinkWouldLoseData", ex.ErrorId);
        Assert.Equal("DiskShrinkWouldLoseData", Assert.Throws<ImageOpsException>(() => disk.Resize((9L << 20) + 4096)).ErrorId);
        disk.Resize(10L << 20);
        Assert.Equal(10L << 20, disk.Capacity);
        disk.Dispose();
        using var reopened = Open(storage);
        Assert.Equal(10L << 20, reopened.Capacity);
        var buffer = new byte[4096];
        reopened.Read(9L << 20, buffer);
        Assert.Equal(Pattern(4096, 2), buffer);
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(storage, new DiskCheckOptions()).Status);
    }

    [SkippableFact]
    public void A_fixed_disk_grows_with_zeros_where_its_footer_was_and_shrinks_only_over_zeros()
    {
        using var dir = new TempFolder("vhd");
        var path = dir.Combine("fixed.vhd");
        using (var disk = Format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = 4L << 20, Variant = DiskVariant.Fixed }))
        {
            disk.Write(1000, Pattern(3000, 1));
            disk.Resize(6L << 20);
            var buffer = new byte[1024];
            disk.Read(4L << 20, buffer);
            Assert.True(ZeroDetector.IsAllZero(buffer));
            disk.Write((6L << 20) - 512, Pattern(512, 2));
            Assert.Equal("DiskShrinkWouldLoseData", Assert.Throws<ImageOpsException>(() => disk.Resize(5L << 20)).ErrorId);
            disk.Write((6L << 20) - 512, new byte[512]);
            disk.Resize(5L << 20);
        }

        Assert.Equal((5L << 20) + 512, new FileInfo(path).Length);
        Assert.Equal(5L << 20, QemuImg.Info(path, "vpc").GetProperty("virtual-size").GetInt64());
        var bytes = QemuRawBytes(path, "vpc", dir);
        Assert.Equal(Pattern(3000, 1), bytes.AsSpan(1000, 3000).ToArray());
        Assert.True(ZeroDetector.IsAllZero(bytes.AsSpan(4000)));
    }

    [SkippableFact]
    public void Resizing_a_qemu_disk_sized_by_geometry_records_a_creator_that_makes_the_new_size_exact()
    {
        using var dir = new TempFolder("vhd");
        var path = dir.Combine("qemu.vhd");
        QemuImg.Create("vpc", path, 20L << 20);
        QemuImg.Io("vpc", path, "write -P 0x3c 0 64k").EnsureSuccess("qemu-io");
        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            Assert.Equal(VhdSizeSource.Geometry, ((VhdDisk)disk).SizeSource);
            disk.Resize(30L << 20);
            Assert.Equal("win ", ((VhdDisk)disk).Footer.CreatorApplication);
        }

        Assert.Equal(30L << 20, QemuImg.Info(path).GetProperty("virtual-size").GetInt64());
        var io = QemuImg.Io("vpc", path, "read -P 0x3c 0 64k", "read -P 0 64k 29M");
        Assert.DoesNotContain("Pattern verification failed", io.Out);
    }

    [Fact]
    public void Resize_refuses_sizes_VHD_cannot_hold_and_read_only_disks()
    {
        var storage = NewDynamic(4L << 20);
        using (var disk = Open(storage, writable: true))
        {
            Assert.Equal("DiskSizeTooLarge", Assert.Throws<ImageOpsException>(() => disk.Resize(2041L << 30)).ErrorId);
            Assert.Equal("DiskSizeNotSupported", Assert.Throws<ImageOpsException>(() => disk.Resize((4L << 20) + 100)).ErrorId);
        }

        using var readOnly = Open(storage);
        Assert.Throws<InvalidOperationException>(() => readOnly.Resize(8L << 20));
    }

    [Theory]
    [InlineData(DiskVariant.Dynamic)]
    [InlineData(DiskVariant.Fixed)]
    public void Measure_predicts_the_file_size_the_writer_produces(DiskVariant variant)
    {
        var capacity = (30L << 20) + 512;
        var ranges = new List<AllocationRange>
        {
            new(0, 1 << 20, AllocationKind.Data),
            new(1 << 20, 4L << 20, AllocationKind.Zero),
            new(5L << 20, 3L << 20, AllocationKind.Data),
            new(8L << 20, capacity - (8L << 20), AllocationKind.Unallocated),
        };
        var options = new DiskCreateOptions { Capacity = capacity, Variant = variant };
        var measured = Format.Measure(options, ranges);

        var storage = new MemoryBlockStorage();
        using (var writer = Format.CreateWriter(storage, options))
        {
            // As the engine does: every chunk that holds some data is written whole.
            for (var offset = 0L; offset < capacity; offset += writer.ChunkSize)
            {
                var end = Math.Min(capacity, offset + writer.ChunkSize);
                if (ranges.Any(r => r.Kind == AllocationKind.Data && r.Offset < end && r.End > offset))
                {
                    writer.Write(offset, Pattern((int)(end - offset), 1), transformed: false);
                }
            }

            writer.Complete();
        }

        Assert.Equal(measured.RequiredBytes, storage.Length);
        Assert.True(measured.FullyAllocatedBytes >= measured.RequiredBytes);
        var full = Format.Measure(options, new[] { new AllocationRange(0, capacity, AllocationKind.Data) });
        Assert.Equal(full.FullyAllocatedBytes, full.RequiredBytes);
        if (variant == DiskVariant.Fixed)
        {
            Assert.Equal(capacity + 512, measured.RequiredBytes);
        }
    }

    [Fact]
    public void The_writer_refuses_chunks_out_of_order_or_misaligned_and_transformed_payloads()
    {
        using var writer = Format.CreateWriter(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 8L << 20 });
        var chunk = new byte[writer.ChunkSize];
        writer.Write(writer.ChunkSize, chunk, transformed: false);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write(0, chunk, transformed: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write((2L * writer.ChunkSize) + 512, chunk, transformed: false));
        Assert.Throws<InvalidOperationException>(() => writer.Write(2L * writer.ChunkSize, chunk, transformed: true));
        Assert.False(writer.TransformsChunks);
    }

    [Fact]
    public void Zero_chunks_handed_to_the_writer_allocate_nothing_except_over_a_parent()
    {
        var storage = new MemoryBlockStorage();
        using (var writer = Format.CreateWriter(storage, new DiskCreateOptions { Capacity = 8L << 20 }))
        {
            writer.Write(0, new byte[writer.ChunkSize], transformed: false);
            writer.Write(writer.ChunkSize, Pattern(writer.ChunkSize, 1), transformed: false);
            writer.Complete();
        }

        using var disk = Open(storage);
        Assert.Equal(new[] { (2L << 20, 2L << 20) }, DataRanges(disk));
    }

    [Fact]
    public void Create_refuses_what_VHD_cannot_represent()
    {
        ImageOpsException Refused(DiskCreateOptions options) => Assert.ThrowsAny<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), options));
        Assert.Equal("DiskClusterSizeNotSupported", Refused(new() { Capacity = 1 << 20, ClusterSize = 256 << 10 }).ErrorId);
        Assert.Equal("DiskClusterSizeNotSupported", Refused(new() { Capacity = 1 << 20, ClusterSize = 512 << 20 }).ErrorId);
        Assert.Equal("DiskClusterSizeNotSupported", Refused(new() { Capacity = 1 << 20, ClusterSize = 3 << 20 }).ErrorId);
        Assert.Equal("CompressionNotSupported", Refused(new() { Capacity = 1 << 20, Compress = true }).ErrorId);
        Assert.Equal("SectorSizeNotSupported", Refused(new() { Capacity = 1 << 20, LogicalSectorSize = 4096 }).ErrorId);
        Assert.Equal("DiskSizeNotSupported", Refused(new() { Capacity = 1000 }).ErrorId);
        Assert.Equal("DiskSizeTooLarge", Refused(new() { Capacity = 2041L << 30, Variant = DiskVariant.Fixed }).ErrorId);
        Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 1 << 20, Variant = DiskVariant.Fixed, ClusterSize = 64 << 10 }).Dispose();
        var used = new MemoryBlockStorage(new byte[10]);
        Assert.Equal("DiskFileNotEmpty", Assert.ThrowsAny<ImageOpsException>(() => Format.Create(used, new DiskCreateOptions { Capacity = 1 << 20 })).ErrorId);
    }

    [SkippableFact]
    public void Blocks_larger_than_a_chunk_are_filled_by_several_chunks()
    {
        using var dir = new TempFolder("vhd");
        var raw = dir.Combine("source.raw");
        QemuImg.Create("raw", raw, 200L << 20);
        QemuImg.Io("raw", raw, "write -P 0x21 1M 1M", "write -P 0x22 130M 4k").EnsureSuccess("qemu-io");
        var target = dir.Combine("big-blocks.vhd");
        using (var source = DiskFormats.Open(raw, new DiskOpenOptions { Format = DiskFormat.Raw }))
        using (var writer = Format.CreateWriter(FileBlockStorage.Create(target), new DiskCreateOptions { Capacity = source.Capacity, ClusterSize = 128 << 20 }))
        {
            Assert.Equal(64 << 20, writer.ChunkSize);
            Convert(source, writer);
        }

        Assert.Equal(0, QemuImg.Compare(target, "vpc", raw, "raw").ExitCode);
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(FileBlockStorage.Open(target, false), new DiskCheckOptions()).Status);
    }
}
