using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Qcow2;

/// <summary>Check and repair agree with qemu-img check on crafted leaks and corruptions.</summary>
public class Qcow2CheckTests
{
    public enum Damage
    {
        None,
        LeakUnreferencedCluster,
        RefcountRaisedOnData,
        RefcountTooLow,
        L2EntryMisaligned,
        L2EntryPastEof,
        TwoEntriesShareACluster,
        CopiedFlagCleared,
        RefcountBlockOutsideImage,
        L1EntryMisaligned,
        RefcountBlockOffsetWithBit63,
    }

    [SkippableTheory]
    [InlineData(Damage.None, DiskCheckStatus.Clean)]
    [InlineData(Damage.LeakUnreferencedCluster, DiskCheckStatus.LeaksOnly)]
    [InlineData(Damage.RefcountRaisedOnData, DiskCheckStatus.Corrupt)]
    [InlineData(Damage.RefcountTooLow, DiskCheckStatus.Corrupt)]
    [InlineData(Damage.L2EntryMisaligned, DiskCheckStatus.Corrupt)]
    [InlineData(Damage.L2EntryPastEof, DiskCheckStatus.Corrupt)]
    [InlineData(Damage.TwoEntriesShareACluster, DiskCheckStatus.Corrupt)]
    [InlineData(Damage.CopiedFlagCleared, DiskCheckStatus.Corrupt)]
    [InlineData(Damage.RefcountBlockOutsideImage, DiskCheckStatus.Corrupt)]
    [InlineData(Damage.L1EntryMisaligned, DiskCheckStatus.Corrupt)]
    [InlineData(Damage.RefcountBlockOffsetWithBit63, DiskCheckStatus.Corrupt)]
    public void Check_and_repair_agree_with_qemu_img(Damage damage, DiskCheckStatus expected)
    {
        using var dir = new TempFolder("qcow2-check");
        var path = dir.Combine("d.qcow2");
        Build(path, damage);

        var ours = Check(path, repair: false);
        var qemu = QemuImg.Check(path, "qcow2");
        Assert.Equal(expected, ours.Status);
        Assert.True((int)ours.Status == qemu.ExitCode, $"ours {ours.Status}, qemu-img check exit {qemu.ExitCode}: {qemu.Out}{qemu.Err}\nours: {string.Join("\n", ours.Problems)}");

        // Repair like -r all on a copy, then both agree on what is left.
        var repaired = dir.Combine("r.qcow2");
        File.Copy(path, repaired);
        var report = Check(repaired, repair: true);
        var after = Check(repaired, repair: false);
        var qemuAfter = QemuImg.Check(repaired, "qcow2");
        Assert.Equal(report.Status, after.Status);
        Assert.True((int)after.Status == qemuAfter.ExitCode, $"after repair: ours {after.Status}, qemu {qemuAfter.ExitCode}: {qemuAfter.Out}{qemuAfter.Err}");

        var qemuRepaired = dir.Combine("q.qcow2");
        File.Copy(path, qemuRepaired);
        var qemuRepair = QemuImg.Run("check", "-r", "all", "-f", "qcow2", qemuRepaired);
        Assert.True((int)after.Status == qemuRepair.ExitCode, $"after repair: ours {after.Status}, qemu -r all {qemuRepair.ExitCode}: {qemuRepair.Out}{qemuRepair.Err}");
        if (expected != DiskCheckStatus.Clean && after.Status == DiskCheckStatus.Clean)
        {
            Assert.Contains(report.Problems, p => p.Repaired);
        }
    }

    [SkippableFact]
    public void Counts_clusters_of_compressed_images_with_snapshots_and_bitmaps()
    {
        using var dir = new TempFolder("qcow2-check2");
        var raw = dir.Combine("s.raw");
        File.WriteAllBytes(raw, Qcow2TestSupport.TextLike(3 << 20, 3));
        var path = dir.Combine("c.qcow2");
        QemuImg.Convert(raw, "raw", path, "qcow2", "-c", "-o", "cluster_size=4k");
        QemuImg.Run("snapshot", "-c", "s1", path).EnsureSuccess("snapshot");
        QemuImg.Io("qcow2", path, "write -P 1 0 100k").EnsureSuccess("qemu-io");
        QemuImg.Run("bitmap", "--add", path, "b0").EnsureSuccess("bitmap");
        QemuImg.Io("qcow2", path, "write -P 2 1M 100k").EnsureSuccess("qemu-io");
        Assert.Equal(0, QemuImg.Check(path, "qcow2").ExitCode);
        var ours = Check(path, repair: false);
        Assert.True(ours.Status == DiskCheckStatus.Clean, string.Join("\n", ours.Problems));
        Assert.Equal(768, ours.TotalClusters);

        // Writing clears the bitmaps' autoclear bit; qemu then ignores the bitmaps and counts their
        // clusters as leaks, and so do we.
        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            disk.Write(0, new byte[] { 5 });
        }

        var qemu = QemuImg.Check(path, "qcow2");
        Assert.Equal((int)Check(path, repair: false).Status, qemu.ExitCode);
    }

    private static DiskCheckReport Check(string path, bool repair)
    {
        using var storage = FileBlockStorage.Open(path, writable: repair);
        return Qcow2TestSupport.Format.Check(storage, new DiskCheckOptions { Repair = repair });
    }

    /// <summary>A 64 KiB-cluster v3 image: 0 header, 1 reftable, 2 refblock, 3 L1, 4 L2, 5.. data.</summary>
    private static void Build(string path, Damage damage)
    {
        QemuImg.Create("qcow2", path, 8L << 20);
        QemuImg.Io("qcow2", path, "write -P 0x11 0 192k").EnsureSuccess("qemu-io");
        var bytes = File.ReadAllBytes(path);
        const int cs = 65536;
        var reftable = (int)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(48));
        var refblock = (int)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(reftable));
        var l1 = (int)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(40));
        var l2 = (int)(BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(l1)) & 0x00fffffffffffe00UL);
        var clusters = bytes.Length / cs;
        switch (damage)
        {
            case Damage.LeakUnreferencedCluster:
                Array.Resize(ref bytes, bytes.Length + cs);
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(refblock + (clusters * 2)), 1);
                break;
            case Damage.RefcountRaisedOnData:
                // Refcount 2 on a cluster referenced once is a leak, but qemu then also flags the
                // data's OFLAG_COPIED bit; here the header has no such flag, so use a data cluster.
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(refblock + (5 * 2)), 2);
                break;
            case Damage.RefcountTooLow:
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(refblock + (6 * 2)), 0);
                break;
            case Damage.L2EntryMisaligned:
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(l2 + 8), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(l2 + 8)) + 512);
                break;
            case Damage.L2EntryPastEof:
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(l2 + 16), (1UL << 63) | (ulong)(long)(bytes.Length + (16 * cs)));
                break;
            case Damage.TwoEntriesShareACluster:
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(l2 + 16), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(l2 + 8)));
                break;
            case Damage.CopiedFlagCleared:
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(l2), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(l2)) & ~(1UL << 63));
                break;
            case Damage.RefcountBlockOutsideImage:
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(reftable + 8), (ulong)(bytes.Length + (64 * cs)));
                break;
            case Damage.RefcountBlockOffsetWithBit63:
                // Found by fuzzing: the refcount table mask keeps bit 63, so the offset is negative as
                // a long and once slipped past the "outside the image" test into an array index.
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(reftable + 8), (1UL << 63) | (ulong)(2 * cs));
                break;
            case Damage.L1EntryMisaligned:
                BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(l1), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(l1)) + 4096);
                break;
        }

        File.WriteAllBytes(path, bytes);
    }
}
