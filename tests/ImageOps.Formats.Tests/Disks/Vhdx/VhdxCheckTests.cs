using System;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhdx.VhdxTestImages;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>Check: corruptions versus leaks, and what repair fixes (STYLE.md 21).</summary>
public class VhdxCheckTests
{
    [SkippableFact]
    public void Space_left_by_a_crash_before_the_bat_update_is_a_leak_that_repair_cuts_off()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("leak.vhdx");
        using (var disk = Format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = 16L << 20, ClusterSize = 1 << 20 }))
        {
            disk.Write(0, Pattern(4096, 1));
        }

        var clean = new FileInfo(path).Length;
        using (var storage = FileBlockStorage.Open(path, writable: true))
        {
            // What a kill between growing the file for a new block and logging its BAT entry leaves.
            storage.WriteAt(clean + 4096, Pattern(4096, 2));
            storage.SetLength(clean + (1 << 20));
        }

        using (var storage = FileBlockStorage.Open(path, writable: false))
        {
            var report = Format.Check(storage, new DiskCheckOptions());
            Assert.Equal(DiskCheckStatus.LeaksOnly, report.Status);
            Assert.Equal(DiskProblemKind.Leak, Assert.Single(report.Problems).Kind);
            Assert.Equal(1, report.AllocatedClusters);
            Assert.Equal(16, report.TotalClusters);
        }

        Assert.Equal(0, QemuImg.Check(path, "vhdx").ExitCode);
        using (var storage = FileBlockStorage.Open(path, writable: true))
        {
            var report = Format.Check(storage, new DiskCheckOptions { Repair = true });
            Assert.Equal(DiskCheckStatus.Clean, report.Status);
            Assert.True(Assert.Single(report.Problems).Repaired);
        }

        Assert.Equal(clean, new FileInfo(path).Length);
        AssertQemuClean(path);
    }

    [Fact]
    public void A_hole_between_blocks_is_a_leak_repair_cannot_reclaim()
    {
        var (storage, disk) = CreateInMemory(8L << 20);
        disk.Write(0, Pattern(3 << 20, 1));
        disk.Dispose();
        new VhdxPatcher(storage).Bat(1, 0);
        var report = Format.Check(storage, new DiskCheckOptions { Repair = true });
        Assert.Equal(DiskCheckStatus.LeaksOnly, report.Status);
        Assert.False(Assert.Single(report.Problems).Repaired);
    }

    [Fact]
    public void Repair_needs_writable_storage_and_other_files_are_reported_corrupt()
    {
        var (storage, disk) = CreateInMemory(8L << 20);
        disk.Dispose();
        Assert.Throws<InvalidOperationException>(() => Format.Check(storage.AsReadOnly(), new DiskCheckOptions { Repair = true }));
        var report = Format.Check(new MemoryBlockStorage(new byte[4 << 20]), new DiskCheckOptions());
        Assert.Equal(DiskCheckStatus.Corrupt, report.Status);
        Assert.Equal("file identifier", report.Problems.Single().Structure);
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(storage, new DiskCheckOptions()).Status);
    }

    [Fact]
    public void A_pending_log_is_checked_through_its_replay_and_repaired_in_place()
    {
        var (image, block) = VhdxLogTests.Image();
        var log = VhdxLogTests.Log(image);

        // The log moves block 0 past the end of the file: only the replayed view shows the corruption.
        var bat = new VhdxPatcher(image).File.BatRegion.FileOffset;
        var sector = new byte[4096];
        image.ReadAt(bat, sector);
        BitConverter.GetBytes(VhdxBatEntry.Make(6, 1L << 40)).CopyTo(sector, 0);
        log.WriteEntry(0, 1, 0, new[] { (bat, sector) });
        var report = Format.Check(image.AsReadOnly(), new DiskCheckOptions());
        Assert.Contains(report.Problems, p => p.Structure == "log");
        Assert.Contains(report.Problems, p => p.Structure == "block allocation table");
        _ = block;
    }
}
