using ImageOps.Tests.Disks;
using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhdx.VhdxTestImages;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>Random-access disks: the write protocol, resize, zeros, sectors, concurrency, options.</summary>
public class VhdxDiskTests
{
    [Fact]
    public void The_guids_follow_the_session_protocol_and_headers_stay_paired()
    {
        var (storage, created) = CreateInMemory(8L << 20);
        var first = ((VhdxDisk)created).Header.Clone();
        created.Dispose();

        // Opening for writing changes nothing until something is written.
        using (var disk = (VhdxDisk)Open(storage, writable: true))
        {
            disk.Flush();
            Assert.Equal(first.SequenceNumber, disk.Header.SequenceNumber);
        }

        Assert.Equal(first.FileWriteGuid, Headers(storage).Current.FileWriteGuid);

        // A data write changes FileWriteGuid and DataWriteGuid once for the session, and the log is
        // named while metadata changes are pending, then cleared by Flush.
        Guid fileGuid, dataGuid;
        using (var disk = (VhdxDisk)Open(storage, writable: true))
        {
            disk.Write(0, Pattern(4096, 1));
            fileGuid = disk.Header.FileWriteGuid;
            dataGuid = disk.Header.DataWriteGuid;
            Assert.NotEqual(first.FileWriteGuid, fileGuid);
            Assert.NotEqual(first.DataWriteGuid, dataGuid);
            Assert.NotEqual(Guid.Empty, disk.Header.LogGuid);
            Assert.Equal(Headers(storage).Current.LogGuid, disk.Header.LogGuid);

            disk.Write(1L << 20, Pattern(4096, 2));
            Assert.Equal(fileGuid, disk.Header.FileWriteGuid);
            Assert.Equal(dataGuid, disk.Header.DataWriteGuid);
            disk.Flush();
            Assert.Equal(Guid.Empty, disk.Header.LogGuid);
            Assert.Equal(disk.VhdxIdentity(), disk.Identity);
        }

        // Both headers are valid and say the same, the newer one is current.
        var (current, slot, header1, header2) = Headers(storage);
        Assert.NotNull(header1);
        Assert.NotNull(header2);
        Assert.True(header1!.SameContent(header2!));
        Assert.Equal(Math.Max(header1.SequenceNumber, header2.SequenceNumber), current.SequenceNumber);
        Assert.Equal(1, Math.Abs((long)header1.SequenceNumber - (long)header2.SequenceNumber));
        Assert.Equal(dataGuid, current.DataWriteGuid);
        Assert.Equal(Guid.Empty, current.LogGuid);
        _ = slot;

        // A read-only open never writes.
        var before = storage.ToArray();
        using (var disk = Open(storage))
        {
            var buffer = new byte[4096];
            disk.Read(0, buffer);
            Assert.Equal(Pattern(4096, 1), buffer);
        }

        Assert.Equal(before, storage.ToArray());
    }

    [Fact]
    public void A_change_too_big_for_one_log_entry_is_split_over_several()
    {
        // Zeroing 200 GiB of a child in 1 MiB blocks turns 204800 BAT entries (400 BAT sectors) into ZERO
        // blocks, more than a 1 MiB log entry carries.
        var parentStorage = new MemoryBlockStorage("/memory/base.vhdx");
        Format.Create(parentStorage, new DiskCreateOptions { Capacity = 200L << 30, ClusterSize = 1 << 20 }).Dispose();
        var parents = new InMemoryParents().Add(@".\base.vhdx", parentStorage);
        var childStorage = new MemoryBlockStorage("/memory/child.vhdx");
        using (var parent = VhdxTestImages.Open(parentStorage))
        using (var child = Format.Create(childStorage, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ParentReference = "base.vhdx", ClusterSize = 1 << 20 }))
        {
            child.WriteZeros(0, child.Capacity);
        }

        using var reopened = VhdxDifferencingTests.OpenChild(childStorage, parents);
        Assert.Equal(new[] { new AllocationRange(0, 200L << 30, AllocationKind.Zero) }, reopened.GetAllocation(0, reopened.Capacity));
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(childStorage.AsReadOnly(), new DiskCheckOptions()).Status);
    }

    [Fact]
    public void Zeros_on_a_dynamic_disk_need_no_space_and_hide_nothing_without_a_parent()
    {
        var (storage, disk) = CreateInMemory(8L << 20);
        disk.Write(0, Pattern(2 << 20, 1));
        var length = storage.Length;
        disk.WriteZeros(4L << 20, 2L << 20);
        Assert.Equal(length, storage.Length);
        disk.WriteZeros((1L << 20) - 100, 200);
        var buffer = new byte[2 << 20];
        disk.Read(0, buffer);
        var expected = Pattern(2 << 20, 1);
        expected.AsSpan((1 << 20) - 100, 200).Clear();
        Assert.Equal(expected, buffer);
        Assert.Throws<ArgumentOutOfRangeException>(() => disk.WriteZeros(7L << 20, 2L << 20));
        disk.Dispose();
        Assert.Throws<ObjectDisposedException>(() => disk.WriteZeros(0, 1));
    }

    [SkippableFact]
    public void Resizing_grows_inside_the_bat_moves_the_bat_and_shrinks_only_over_nothing()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("grow.vhdx");
        var capacity = (3L << 20) / 2;
        using (var disk = Format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = capacity, ClusterSize = 1 << 20 }))
        {
            disk.Write(0, Pattern((int)capacity, 1));
            var block = VhdxBatEntry.FileOffset(((VhdxDisk)disk).File.Bat[1]);
            disk.Dispose();

            // Junk past the old end inside the last block must not show up once the disk grows.
            using var raw = FileBlockStorage.Open(path, writable: true);
            raw.WriteAt(block + (capacity - (1L << 20)), Pattern(4096, 2));
        }

        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            disk.Resize(64L << 20);
            Assert.Equal(64L << 20, disk.Capacity);
            var tail = new byte[(1 << 20) / 2];
            disk.Read(capacity, tail);
            Assert.All(tail, b => Assert.Equal(0, b));

            // Past the 128 GiB the 1 MiB BAT region holds: the BAT moves.
            var batBefore = ((VhdxDisk)disk).File.BatRegion.FileOffset;
            disk.Resize(200L << 30);
            Assert.NotEqual(batBefore, ((VhdxDisk)disk).File.BatRegion.FileOffset);
            disk.Write(199L << 30, Pattern(4096, 3));

            var ex = Assert.Throws<ImageOpsException>(() => disk.Resize(100L << 30));
            Assert.Equal("VhdxShrinkWouldDiscardData", ex.ErrorId);
            disk.Resize((199L << 30) + 4096);
            Assert.Throws<ArgumentOutOfRangeException>(() => disk.Resize(1000));
            Assert.Throws<ArgumentOutOfRangeException>(() => disk.Resize((64L << 40) + 512));
        }

        using (var disk = DiskFormats.Open(path))
        {
            Assert.Equal((199L << 30) + 4096, disk.Capacity);
            var buffer = new byte[4096];
            disk.Read(199L << 30, buffer);
            Assert.Equal(Pattern(4096, 3), buffer);
            var head = new byte[(int)capacity];
            disk.Read(0, head);
            Assert.Equal(Pattern((int)capacity, 1), head);
        }

        AssertQemuClean(path);
        Assert.Equal((199L << 30) + 4096, QemuImg.Info(path).GetProperty("virtual-size").GetInt64());
        var io = QemuImg.Io("vhdx", path, "read -P 0 3M 1M");
        Assert.Equal(0, io.ExitCode);
        Assert.DoesNotContain("failed", io.Out);
    }

    [SkippableFact]
    public void Resizing_a_fixed_disk_allocates_the_new_blocks_and_qemu_agrees()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("fixed.vhdx");
        using (var disk = Format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = 4L << 20, Variant = DiskVariant.Fixed, ClusterSize = 1 << 20 }))
        {
            disk.Write(0, Pattern(4 << 20, 4));
            disk.Resize(10L << 20);
            Assert.Equal(DiskVariant.Fixed, disk.Variant);
            Assert.All(disk.GetAllocation(0, disk.Capacity), r => Assert.NotEqual(AllocationKind.Unallocated, r.Kind));
            Assert.Throws<ImageOpsException>(() => disk.Resize(2L << 20));
        }

        AssertQemuClean(path);
        var mirror = new MemoryBlockStorage();
        mirror.SetLength(10L << 20);
        mirror.WriteAt(0, Pattern(4 << 20, 4));
        AssertQemuSame(path, WriteRaw(mirror, dir.Combine("fixed.raw")));
    }

    [Fact]
    public void Four_kilobyte_logical_sectors_round_unaligned_writes_to_whole_sectors()
    {
        var (storage, disk) = CreateInMemory(16L << 20, logicalSector: 4096);
        Assert.Equal(4096, disk.LogicalSectorSize);
        disk.Write(4096 + 10, new byte[] { 1, 2, 3 });
        disk.Write((8L << 20) - 5, Pattern(10, 4));
        disk.Dispose();
        using var reopened = Open(storage);
        var buffer = new byte[(8 << 20) + 8192];
        reopened.Read(0, buffer);
        Assert.Equal(new byte[] { 1, 2, 3 }, buffer.Skip(4106).Take(3));
        Assert.Equal(Pattern(10, 4), buffer.Skip((8 << 20) - 5).Take(10));
        Assert.Equal(13, buffer.Count(b => b != 0));
        var geometry = ((VhdxDisk)reopened).File.Geometry;
        Assert.Equal((1L << 23) * 4096 / geometry.BlockSize, geometry.ChunkRatio);
    }

    [Fact]
    public void Reads_are_thread_safe_through_the_replay_overlay_and_sector_bitmaps()
    {
        var (parents, baseStorage) = VhdxDifferencingTests.Base();
        var childStorage = new MemoryBlockStorage("/memory/child.vhdx");
        using (var parent = VhdxTestImages.Open(baseStorage))
        using (var child = Format.Create(childStorage, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ParentReference = "base.vhdx", ClusterSize = 1 << 20 }))
        {
            for (var i = 0; i < 64; i++)
            {
                child.Write(((long)i * 123457) % ((8L << 20) - 4096), Pattern(3000, i));
            }
        }

        // Leave a pending log for the overlay: rewrite one data sector through a crafted entry.
        var log = VhdxLogTests.Log(childStorage);
        using (var layer = (VhdxDisk)DiskFormats.Open(childStorage.AsReadOnly(), new DiskOpenOptions { SkipParents = true }))
        {
            var block = VhdxBatEntry.FileOffset(layer.File.Bat[layer.File.Geometry.PayloadEntryIndex(0)]);
            log.WriteEntry(0, 1, 0, new[] { (block, VhdxLogBuilder.Fill(0x77)) });
        }

        using var disk = VhdxDifferencingTests.OpenChild(childStorage, parents);
        var expected = new byte[8 << 20];
        disk.Read(0, expected);
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var random = new Random(i);
            var buffer = new byte[70000];
            for (var n = 0; n < 50; n++)
            {
                var offset = random.Next(0, expected.Length - buffer.Length);
                disk.Read(offset, buffer);
                Assert.True(buffer.AsSpan().SequenceEqual(expected.AsSpan(offset, buffer.Length)));
            }
        });
    }

    [Fact]
    public void Create_options_out_of_range_are_refused()
    {
        Assert.Equal("DiskSizeNotSupported", Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 0 })).ErrorId);
        Assert.Equal("DiskSizeNotSupported", Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = (64L << 40) + 512 })).ErrorId);
        Assert.Equal("DiskSizeNotSupported", Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 1000 })).ErrorId);
        Assert.Equal("DiskSectorSizeNotSupported", Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 4096, LogicalSectorSize = 4096, PhysicalSectorSize = 1024 })).ErrorId);
        Assert.Equal("DiskSectorSizeNotSupported", Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 4096, LogicalSectorSize = 1024 })).ErrorId);
        Assert.Equal("DiskSizeNotSupported", Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 512 * 7, LogicalSectorSize = 4096 })).ErrorId);
        Assert.Equal("DiskClusterSizeNotSupported", Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 1 << 20, ClusterSize = 512 << 10 })).ErrorId);
        Assert.Equal("DiskClusterSizeNotSupported", Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 1 << 20, ClusterSize = 3 << 20 })).ErrorId);
        Assert.Equal("DiskClusterSizeNotSupported", Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 1 << 20, ClusterSize = 512 << 20 })).ErrorId);
        var notEmpty = new MemoryBlockStorage(new byte[10]);
        Assert.Throws<ArgumentException>(() => Format.Create(notEmpty, new DiskCreateOptions { Capacity = 1 << 20 }));
    }

    [Fact]
    public void A_new_disk_has_the_defaults_and_the_requested_identity()
    {
        var id = Guid.NewGuid();
        using var disk = (VhdxDisk)Format.Create(new MemoryBlockStorage("/memory/new.vhdx"), new DiskCreateOptions { Capacity = 64L << 20, DiskId = id });
        Assert.Equal(32 << 20, disk.ClusterSize);
        Assert.Equal(512, disk.LogicalSectorSize);
        Assert.Equal(4096, disk.PhysicalSectorSize);
        Assert.Equal(DiskVariant.Dynamic, disk.Variant);
        Assert.Equal(id, disk.VirtualDiskId);
        Assert.Equal("dynamic", disk.Subformat);
        Assert.All(disk.GetAllocation(0, disk.Capacity), r => Assert.Equal(AllocationKind.Unallocated, r.Kind));
        var capabilities = Format.Capabilities;
        Assert.Equal(64L << 40, capabilities.MaxCapacity);
        Assert.Equal(new[] { DiskFormat.Vhdx }, capabilities.ParentFormats);
    }

    [Fact]
    public void Measure_counts_the_blocks_data_touches()
    {
        var options = new DiskCreateOptions { Capacity = 1L << 30, ClusterSize = 32 << 20 };
        var empty = Format.Measure(options, Array.Empty<AllocationRange>());
        var one = Format.Measure(options, new[] { new AllocationRange(100, 1, AllocationKind.Data) });
        var two = Format.Measure(options, new[] { new AllocationRange((32L << 20) - 1, 2, AllocationKind.Data), new AllocationRange(40L << 20, 1 << 20, AllocationKind.Zero) });
        Assert.Equal(4L << 20, empty.RequiredBytes);
        Assert.Equal(empty.RequiredBytes + (32L << 20), one.RequiredBytes);
        Assert.Equal(empty.RequiredBytes + (64L << 20), two.RequiredBytes);
        Assert.Equal((4L << 20) + (1L << 30), empty.FullyAllocatedBytes);
        var fixedDisk = Format.Measure(new DiskCreateOptions { Capacity = 1L << 30, Variant = DiskVariant.Fixed }, Array.Empty<AllocationRange>());
        Assert.Equal(fixedDisk.FullyAllocatedBytes, fixedDisk.RequiredBytes);
    }

    private static (VhdxHeader Current, int Slot, VhdxHeader? Header1, VhdxHeader? Header2) Headers(IBlockStorage storage) => VhdxFile.ReadHeaders(storage, storage.Name);
}

internal static class VhdxDiskTestExtensions
{
    public static string VhdxIdentity(this VhdxDisk disk) => disk.Header.DataWriteGuid.ToString("B");
}
