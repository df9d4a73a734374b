using ImageOps.Tests.Disks;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhdx.VhdxTestImages;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>The sequential writer: qemu-img checks and compares its output; Measure predicts its size.</summary>
public class VhdxWriterTests
{
    [SkippableTheory]
    [InlineData(DiskVariant.Dynamic, 1 << 20, 512)]
    [InlineData(DiskVariant.Dynamic, 32 << 20, 512)]
    [InlineData(DiskVariant.Fixed, 2 << 20, 512)]
    [InlineData(DiskVariant.Dynamic, 8 << 20, 4096)]
    public void Converted_images_pass_qemu_img_check_and_compare(DiskVariant variant, int blockSize, int logicalSector)
    {
        using var dir = new TempFolder();
        var capacity = (48L << 20) + 4096;
        var source = dir.Combine("source.raw");
        QemuImg.Create("raw", source, capacity);
        QemuImg.Io("raw", source, "write -P 0x11 0 64k", "write -P 0x22 3M 5M", "write -P 0x33 20M 4k", $"write -P 0x44 {capacity - 4096} 4096").EnsureSuccess("qemu-io");

        var target = dir.Combine("target.vhdx");
        var options = new DiskCreateOptions { Capacity = capacity, ClusterSize = blockSize, Variant = variant, LogicalSectorSize = logicalSector };
        using (var src = DiskFormats.Open(source))
        using (var writer = VhdxTestImages.Format.CreateWriter(FileBlockStorage.Create(target), options))
        {
            Copy(src, writer, chunk => true);
            writer.Complete();
        }

        using (var written = DiskFormats.Open(target))
        {
            Assert.Equal(variant, written.Variant);
            Assert.Equal(blockSize, written.ClusterSize);
            AssertSameAsRaw(written, source);
            if (variant == DiskVariant.Dynamic)
            {
                // Only blocks holding data are allocated.
                var data = written.GetAllocation(0, capacity).Where(r => r.Kind == AllocationKind.Data).Sum(r => r.Length);
                Assert.True(data <= 4L * blockSize + (6L << 20), $"{data} bytes allocated");

                // Blocks the source maps as holes became ZERO blocks, which qemu reads as zeros too (with 32 MiB
                // blocks every block of this disk holds some data).
                var vhdx = (VhdxDisk)written;
                Assert.True(blockSize == 32 << 20 || Enumerable.Range(0, (int)vhdx.File.Geometry.DataBlocks).Where(b => VhdxBatEntry.State(vhdx.File.Bat[vhdx.File.Geometry.PayloadEntryIndex(b)]) == (int)VhdxPayloadState.Zero).Any());
            }
        }

        using (var src = DiskFormats.Open(source))
        {
            var measured = VhdxTestImages.Format.Measure(options, src.GetAllocation(0, capacity).ToList());
            Assert.Equal(new FileInfo(target).Length, measured.RequiredBytes);
            Assert.True(measured.FullyAllocatedBytes >= measured.RequiredBytes);
        }

        using (var storage = FileBlockStorage.Open(target, writable: false))
        {
            Assert.Equal(DiskCheckStatus.Clean, VhdxTestImages.Format.Check(storage, new DiskCheckOptions()).Status);
        }

        if (logicalSector == 512)
        {
            AssertQemuClean(target);
            AssertQemuSame(target, source);
            var info = QemuImg.Info(target);
            Assert.Equal(capacity, info.GetProperty("virtual-size").GetInt64());
            Assert.Equal(blockSize, info.GetProperty("cluster-size").GetInt32());
        }
    }

    [Fact]
    public void All_zero_parts_of_a_chunk_stay_holes_and_the_header_is_written_last()
    {
        var storage = new MemoryBlockStorage("/memory/out.vhdx");
        var options = new DiskCreateOptions { Capacity = 16L << 20, ClusterSize = 4 << 20 };
        var writer = VhdxTestImages.Format.CreateWriter(storage, options);
        var chunk = new byte[writer.ChunkSize];
        Pattern(4096, 7).CopyTo(chunk, 0);
        writer.Write(4L << 20, chunk, transformed: false);

        // Until Complete there is no header: an interrupted file is never taken for a VHDX.
        Assert.False(VhdxTestImages.Format.Probe(storage));
        writer.Complete();
        Assert.True(VhdxTestImages.Format.Probe(storage));

        using var disk = Open(storage);
        var ranges = disk.GetAllocation(0, disk.Capacity).ToList();
        Assert.Contains(ranges, r => r.Kind == AllocationKind.Data && r.Offset == 4L << 20);

        // The 4 KiB of data is stored; the rest of its 4 MiB block is a hole (64 KiB pages in memory storage).
        Assert.True(storage.AllocatedBytes < 4L << 20, $"{storage.AllocatedBytes} bytes stored");
        var back = new byte[chunk.Length];
        disk.Read(4L << 20, back);
        Assert.Equal(chunk, back);
    }

    [Fact]
    public void Differencing_output_uses_zero_blocks_and_sector_bitmaps_and_reads_back_through_the_parent()
    {
        const long MiB4 = 4L << 20;
        const long capacity = 12 * MiB4;
        var parents = new InMemoryParents();
        var baseStorage = new MemoryBlockStorage("/memory/base.vhdx");
        using (var parent = VhdxTestImages.Format.Create(baseStorage, new DiskCreateOptions { Capacity = capacity, ClusterSize = 1 << 20 }))
        {
            parent.Write(0, Pattern((int)capacity, 3));
        }

        parents.Add(".\\base.vhdx", baseStorage);
        var childStorage = new MemoryBlockStorage("/memory/child.vhdx");
        var expected = new MemoryBlockStorage();
        expected.WriteAt(0, Pattern((int)capacity, 3));
        using (var parent = DiskFormats.Open(baseStorage.AsReadOnly()))
        {
            using var writer = VhdxTestImages.Format.CreateWriter(childStorage, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ParentReference = "base.vhdx", ClusterSize = 8 << 20 });
            Assert.Equal(MiB4, writer.ChunkSize);

            // 8 MiB blocks of two chunks. Block 0: data in its first chunk only (partially present). Block 1:
            // all zeros (a ZERO block). Block 2: zeros in its second chunk only (partially present). Block 3:
            // data everywhere (fully present). Blocks 4-5: nothing, the parent shows.
            writer.Write(0, Pattern((int)MiB4, 9), transformed: false);
            writer.WriteZeros(2 * MiB4, 2 * MiB4);
            writer.WriteZeros(5 * MiB4, MiB4);
            writer.Write(6 * MiB4, Pattern((int)MiB4, 10), transformed: false);
            writer.Write(7 * MiB4, Pattern((int)MiB4, 11), transformed: false);
            writer.Complete();
            expected.WriteAt(0, Pattern((int)MiB4, 9));
            expected.WriteAt(2 * MiB4, new byte[2 * MiB4]);
            expected.WriteAt(5 * MiB4, new byte[MiB4]);
            expected.WriteAt(6 * MiB4, Pattern((int)MiB4, 10));
            expected.WriteAt(7 * MiB4, Pattern((int)MiB4, 11));
        }

        var options = new DiskOpenOptions { Parents = parents, Format = DiskFormat.Vhdx };
        using var child = DiskFormats.Open(childStorage.AsReadOnly(), options);
        Assert.Equal(DiskVariant.Differencing, child.Variant);
        Assert.Equal(capacity, child.Capacity);
        Assert.True(child.ParentLink!.IdentityMatches);
        AssertSame(child, expected);

        var vhdx = (VhdxDisk)child;
        var geometry = vhdx.File.Geometry;
        int State(long block) => VhdxBatEntry.State(vhdx.File.Bat[geometry.PayloadEntryIndex(block)]);
        Assert.Equal((int)VhdxPayloadState.PartiallyPresent, State(0));
        Assert.Equal((int)VhdxPayloadState.Zero, State(1));
        Assert.Equal((int)VhdxPayloadState.PartiallyPresent, State(2));
        Assert.Equal((int)VhdxPayloadState.FullyPresent, State(3));
        Assert.Equal((int)VhdxPayloadState.NotPresent, State(4));

        // Stored zeros are holes of the file, so they map as zeros (hiding the parent), like a ZERO block.
        Assert.Equal(new[]
        {
            new AllocationRange(0, MiB4, AllocationKind.Data),
            new AllocationRange(MiB4, MiB4, AllocationKind.Unallocated),
            new AllocationRange(2 * MiB4, 2 * MiB4, AllocationKind.Zero),
            new AllocationRange(4 * MiB4, MiB4, AllocationKind.Unallocated),
            new AllocationRange(5 * MiB4, MiB4, AllocationKind.Zero),
            new AllocationRange(6 * MiB4, 2 * MiB4, AllocationKind.Data),
            new AllocationRange(8 * MiB4, 4 * MiB4, AllocationKind.Unallocated),
        }, child.GetAllocation(0, capacity).ToList());

        // The sector bitmap block was written once; nothing leaks.
        var report = VhdxTestImages.Format.Check(childStorage.AsReadOnly(), new DiskCheckOptions());
        Assert.Equal(DiskCheckStatus.Clean, report.Status);

        // Measure predicts the file from the same ranges.
        using (var parent = DiskFormats.Open(baseStorage.AsReadOnly()))
        {
            var measured = VhdxTestImages.Format.Measure(new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ClusterSize = 8 << 20 }, new[]
            {
                new AllocationRange(0, MiB4, AllocationKind.Data),
                new AllocationRange(2 * MiB4, 2 * MiB4, AllocationKind.Zero),
                new AllocationRange(5 * MiB4, MiB4, AllocationKind.Zero),
                new AllocationRange(6 * MiB4, 2 * MiB4, AllocationKind.Data),
            });
            Assert.Equal(childStorage.Length, measured.RequiredBytes);
        }
    }

    [Fact]
    public void The_writer_refuses_chunks_out_of_order_and_compression()
    {
        var writer = VhdxTestImages.Format.CreateWriter(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 16L << 20, ClusterSize = 1 << 20 });
        writer.Write(2L << 20, new byte[writer.ChunkSize], transformed: false);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write(1L << 20, new byte[writer.ChunkSize], transformed: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Write((3L << 20) + 512, new byte[writer.ChunkSize], transformed: false));
        var ex = Assert.Throws<UnsupportedFeatureException>(() => VhdxTestImages.Format.CreateWriter(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 1 << 20, Compress = true }));
        Assert.Equal("CompressionNotSupported", ex.ErrorId);
    }

    /// <summary>
    /// A conversion as the engine runs it: ascending chunks; chunks the source maps as zeros are recorded
    /// with WriteZeros, all-zero data chunks are skipped, the rest is written.
    /// </summary>
    internal static void Copy(VirtualDisk source, DiskWriter writer, Func<long, bool> include)
    {
        var chunk = new byte[writer.ChunkSize];
        for (long offset = 0; offset < source.Capacity; offset += chunk.Length)
        {
            var length = (int)Math.Min(chunk.Length, source.Capacity - offset);
            if (!include(offset))
            {
                continue;
            }

            var kinds = source.GetAllocation(offset, length).Select(r => r.Kind).Distinct().ToList();
            if (kinds.Count == 1 && kinds[0] == AllocationKind.Zero)
            {
                writer.WriteZeros(offset, length);
                continue;
            }

            var span = chunk.AsSpan(0, length);
            source.Read(offset, span);
            if (!ZeroDetector.IsAllZero(span))
            {
                writer.Write(offset, span, transformed: false);
            }
        }
    }
}
