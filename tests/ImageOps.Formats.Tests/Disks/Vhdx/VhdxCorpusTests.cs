using System;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>The VHDX samples of the shared corpus behave as /work/shared/corpus/disks/README.md says.</summary>
public class VhdxCorpusTests
{
    private const long MiB = 1 << 20;

    [SkippableFact]
    public void The_dirty_log_sample_replays_in_memory_read_only_and_the_file_is_untouched()
    {
        using var dir = new TempFolder();
        var path = CorpusFiles.Disk("iotest-dirtylog-10G-4M.vhdx.bz2", dir);
        var before = File.ReadAllBytes(path);

        // Where qemu gives up ("opened read-only, but contains a log that needs to be replayed").
        Assert.NotEqual(0, QemuImg.Run("info", "-f", "vhdx", path).ExitCode);
        using (var disk = DiskFormats.Open(path))
        {
            var vhdx = Assert.IsType<VhdxDisk>(disk);
            Assert.Equal(VhdxDisk.LogReplay.InMemory, vhdx.Replay);
            Assert.Equal(10L << 30, disk.Capacity);
            Assert.Equal(1 << 20, disk.ClusterSize);
            AssertPattern(disk, 0, 18 * MiB, 0xa5);
        }

        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [SkippableFact]
    public void The_dirty_log_sample_replays_in_place_when_opened_for_writing_and_qemu_then_agrees()
    {
        using var dir = new TempFolder();
        var path = CorpusFiles.Disk("iotest-dirtylog-10G-4M.vhdx.bz2", dir);
        Guid dataWriteGuid;
        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            var vhdx = Assert.IsType<VhdxDisk>(disk);
            Assert.Equal(VhdxDisk.LogReplay.InPlace, vhdx.Replay);
            Assert.Equal(Guid.Empty, vhdx.Header.LogGuid);
            dataWriteGuid = vhdx.Header.DataWriteGuid;
            AssertPattern(disk, 0, 18 * MiB, 0xa5);
        }

        Assert.Equal(0, QemuImg.Check(path, "vhdx").ExitCode);

        // qemu refused the file read-only before; now it opens it read-only (info, qemu-io -r).
        Assert.Equal(10L << 30, QemuImg.Info(path, "vhdx").GetProperty("virtual-size").GetInt64());
        var io = ProcessRunner.Run(External.Tool("qemu-io"), TimeSpan.FromMinutes(1), "-r", "-f", "vhdx", "-c", "read -P 0xa5 0 18M", path);
        Assert.Equal(0, io.ExitCode);
        Assert.DoesNotContain("Pattern verification failed", io.Out);

        using var reopened = (VhdxDisk)DiskFormats.Open(path);
        Assert.Equal(VhdxDisk.LogReplay.None, reopened.Replay);

        // Replay is not a change of user-visible data: children made against the committed state stay valid.
        Assert.Equal(dataWriteGuid, reopened.Header.DataWriteGuid);
    }

    [SkippableFact]
    public void The_dirty_log_sample_is_repaired_by_check_as_qemu_does()
    {
        using var dir = new TempFolder();
        var path = CorpusFiles.Disk("iotest-dirtylog-10G-4M.vhdx.bz2", dir);
        var format = DiskFormats.Get(DiskFormat.Vhdx);
        using (var storage = FileBlockStorage.Open(path, writable: false))
        {
            var report = format.Check(storage, new DiskCheckOptions());
            Assert.Equal(DiskCheckStatus.Corrupt, report.Status);
            Assert.Equal("log", Assert.Single(report.Problems, p => p.Kind == DiskProblemKind.Corruption).Structure);

            // qemu-img check cannot see it, but two 2 MiB stretches between blocks belong to no BAT entry.
            Assert.Equal(2, report.Problems.Count(p => p.Kind == DiskProblemKind.Leak));
        }

        using (var storage = FileBlockStorage.Open(path, writable: true))
        {
            var report = format.Check(storage, new DiskCheckOptions { Repair = true });
            Assert.True(report.Problems.Single(p => p.Structure == "log").Repaired);
            Assert.Equal(DiskCheckStatus.LeaksOnly, report.Status);
        }

        Assert.Equal(0, QemuImg.Check(path, "vhdx").ExitCode);
    }

    [SkippableFact]
    public void The_windows_log_replay_sample_replays_into_a_partitioned_disk()
    {
        using var dir = new TempFolder();
        var path = CorpusFiles.Disk("discutils-vhdx-log-replay.vhdx.gz", dir);
        var raw = File.ReadAllBytes(path);
        using var disk = DiskFormats.Open(path);
        var vhdx = Assert.IsType<VhdxDisk>(disk);
        Assert.Equal(VhdxDisk.LogReplay.InMemory, vhdx.Replay);
        Assert.StartsWith("Microsoft Windows 10", vhdx.Creator);

        // The replay rewrites the BAT sector: the replayed view differs from the file there.
        var batOffset = vhdx.File.BatRegion.FileOffset;
        var replayed = new byte[4096];
        vhdx.File.View.ReadAt(batOffset, replayed);
        Assert.False(replayed.AsSpan().SequenceEqual(raw.AsSpan((int)batOffset, 4096)));

        // After replay the disk is partitioned: an MBR with its signature and exactly two partitions.
        var sector = new byte[512];
        disk.Read(0, sector);
        Assert.Equal(0x55, sector[510]);
        Assert.Equal(0xaa, sector[511]);
        var partitions = Enumerable.Range(0, 4).Count(i => sector[0x1be + (i * 16) + 4] != 0);
        Assert.Equal(2, partitions);

        // Without the replay the first block is not present and the disk reads as zeros.
        using var unreplayed = new MemoryBlockStorage(raw);
        var header = VhdxFile.ReadHeaders(unreplayed, path).Current;
        var stale = VhdxFile.Load(unreplayed, path, header);
        Assert.NotEqual(6, VhdxBatEntry.State(stale.Bat[0]));
    }

    [SkippableFact]
    public void The_disk2vhd_sample_with_identical_headers_opens_clean()
    {
        using var dir = new TempFolder();
        var path = CorpusFiles.Disk("test-disk2vhd.vhdx.bz2", dir);
        using (var disk = DiskFormats.Open(path))
        {
            Assert.Equal(DiskFormat.Vhdx, disk.Format);
            Assert.Equal(256L << 20, disk.Capacity);
            Assert.Equal(2 << 20, disk.ClusterSize);
            Assert.Equal("d2v", ((VhdxDisk)disk).Creator);
            var buffer = new byte[MiB];
            disk.Read(disk.Capacity - MiB, buffer);
        }

        using var storage = FileBlockStorage.Open(path, writable: false);
        var report = DiskFormats.Get(DiskFormat.Vhdx).Check(storage, new DiskCheckOptions());
        Assert.Equal(DiskCheckStatus.Clean, report.Status);
        Assert.Equal(128, report.AllocatedClusters);
    }

    [SkippableFact]
    public void The_hyperv_dynamic_sample_reads_its_patterns_and_takes_writes()
    {
        using var dir = new TempFolder();
        var path = CorpusFiles.Disk("iotest-dynamic-1G.vhdx.bz2", dir);
        using (var disk = DiskFormats.Open(path))
        {
            Assert.Equal(1L << 30, disk.Capacity);
            Assert.Equal(32 << 20, disk.ClusterSize);
            AssertPattern(disk, 0, 33 * MiB, 0xa5);
            AssertPattern(disk, 33 * MiB, 33 * MiB, 0x96);
            AssertPattern(disk, 66 * MiB, 958 * MiB, 0x00);
        }

        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            disk.Write(99 * MiB, Enumerable.Repeat((byte)0xc3, (int)(58 * MiB)).ToArray());
        }

        using (var disk = DiskFormats.Open(path))
        {
            AssertPattern(disk, 0, 33 * MiB, 0xa5);
            AssertPattern(disk, 33 * MiB, 33 * MiB, 0x96);
            AssertPattern(disk, 66 * MiB, 33 * MiB, 0x00);
            AssertPattern(disk, 99 * MiB, 58 * MiB, 0xc3);
            AssertPattern(disk, 157 * MiB, 867 * MiB, 0x00);
        }

        Assert.Equal(0, QemuImg.Check(path, "vhdx").ExitCode);
        var io = QemuImg.Io("vhdx", path, "read -P 0xa5 0 33M", "read -P 0x96 33M 33M", "read -P 0 66M 33M", "read -P 0xc3 99M 58M", "read -P 0 157M 867M");
        Assert.Equal(0, io.ExitCode);
        Assert.DoesNotContain("Pattern verification failed", io.Out);
    }

    internal static void AssertPattern(VirtualDisk disk, long offset, long length, byte value)
    {
        var buffer = new byte[4 * MiB];
        for (var done = 0L; done < length; done += buffer.Length)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done));
            disk.Read(offset + done, span);
            var bad = span.IndexOfAnyExcept(value);
            Assert.True(bad < 0, $"byte {offset + done + bad} is 0x{(bad < 0 ? 0 : span[bad]):x2}, expected 0x{value:x2}");
        }
    }
}
