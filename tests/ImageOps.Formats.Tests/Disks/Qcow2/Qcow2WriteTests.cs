using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Qcow2;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Qcow2;

/// <summary>Random-access create and write, resize, zeros, snapshots and feature bits, verified by qemu.</summary>
public class Qcow2WriteTests
{
    [SkippableTheory]
    [InlineData(null, 65536)]
    [InlineData("v2", 65536)]
    [InlineData(null, 512)]
    [InlineData("v2", 4096)]
    [InlineData(null, 2 << 20)]
    public void Create_and_random_writes_match_a_raw_mirror(string? subformat, int clusterSize)
    {
        using var dir = new TempFolder("qcow2-write");
        var path = dir.Combine("w.qcow2");
        var size = 12L << 20;
        var mirror = new byte[size];
        var random = new Random(clusterSize);
        using (var disk = Qcow2TestSupport.Format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = size, ClusterSize = clusterSize, Subformat = subformat }))
        {
            for (var i = 0; i < 60; i++)
            {
                var offset = random.Next(0, (int)size - 70000);
                var data = Qcow2TestSupport.Pattern(random.Next(1, 70000), i);
                disk.Write(offset, data);
                data.CopyTo(mirror, offset);
                if (i % 10 == 9)
                {
                    var zeroAt = random.Next(0, (int)size - 200000);
                    var zeroLength = random.Next(1, 200000);
                    disk.WriteZeros(zeroAt, zeroLength);
                    Array.Clear(mirror, zeroAt, zeroLength);
                }
            }

            Assert.Equal(mirror, Qcow2TestSupport.ReadAll(disk));
        }

        Qcow2TestSupport.AssertQemuCheckClean(path);
        var raw = dir.Combine("mirror.raw");
        File.WriteAllBytes(raw, mirror);
        Assert.Equal(0, QemuImg.Compare(raw, "raw", path, "qcow2").ExitCode);
        Qcow2TestSupport.AssertMapMatchesQemu(path);
    }

    [SkippableFact]
    public void Writes_into_a_qemu_image_with_compressed_clusters_and_snapshots_keep_the_snapshots()
    {
        using var dir = new TempFolder("qcow2-cow");
        var raw = dir.Combine("src.raw");
        File.WriteAllBytes(raw, Qcow2TestSupport.TextLike(2 << 20, 7));
        var path = dir.Combine("c.qcow2");
        QemuImg.Convert(raw, "raw", path, "qcow2", "-c");
        QemuImg.Run("snapshot", "-c", "before", path).EnsureSuccess("snapshot");
        var before = dir.Combine("before.raw");
        QemuImg.Convert(path, "qcow2", before, "raw");

        var mirror = File.ReadAllBytes(raw);
        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            var data = Qcow2TestSupport.Pattern(100000, 1);
            disk.Write(30000, data);
            data.CopyTo(mirror, 30000);
            disk.Write(1 << 20, data.AsSpan(0, 65536));
            data.AsSpan(0, 65536).CopyTo(mirror.AsSpan(1 << 20));
            disk.WriteZeros(1536 << 10, 128 << 10);
            Array.Clear(mirror, 1536 << 10, 128 << 10);
        }

        Qcow2TestSupport.AssertQemuCheckClean(path);
        File.WriteAllBytes(raw, mirror);
        Assert.Equal(0, QemuImg.Compare(raw, "raw", path, "qcow2").ExitCode);
        var after = dir.Combine("after.raw");
        QemuImg.Run("convert", "-f", "qcow2", "-O", "raw", "-l", "snapshot.name=before", path, after).EnsureSuccess("convert snapshot");
        Assert.Equal(File.ReadAllBytes(before), File.ReadAllBytes(after));
    }

    [SkippableFact]
    public void A_differencing_disk_over_qcow2_and_raw_writes_partial_clusters_from_the_backing_file()
    {
        using var dir = new TempFolder("qcow2-diff");
        var basePath = dir.Combine("base.qcow2");
        QemuImg.Create("qcow2", basePath, 4L << 20);
        QemuImg.Io("qcow2", basePath, "write -P 0xab 0 4M").EnsureSuccess("qemu-io");
        var child = dir.Combine("child.qcow2");
        using (var parent = DiskFormats.Open(basePath))
        using (var disk = Qcow2TestSupport.Format.Create(FileBlockStorage.Create(child), new DiskCreateOptions { Capacity = 6L << 20, Variant = DiskVariant.Differencing, Parent = parent }))
        {
            disk.Write(1000, new byte[] { 1, 2, 3 });
            disk.WriteZeros(1L << 20, 64 << 10);
            disk.Write((4L << 20) + 10, new byte[] { 9 });
        }

        Qcow2TestSupport.AssertQemuCheckClean(child);
        var info = QemuImg.Info(child);
        Assert.Equal("base.qcow2", info.GetProperty("backing-filename").GetString());
        Assert.Equal("qcow2", info.GetProperty("backing-filename-format").GetString());
        var io = QemuImg.Io("qcow2", child, "read -P 0xab 0 1000", "read -P 1 1000 1", "read -P 0xab 1003 1045501", "read -P 0 1M 64k", "read -P 0xab 1088k 2496k", "read -P 0 4M 10", "read -P 9 4194314 1");
        Assert.DoesNotContain("Pattern verification failed", io.Out);
        Assert.Equal(0, io.ExitCode);
        Qcow2TestSupport.AssertSameAsQemuRaw(child, dir);
    }

    [SkippableFact]
    public void Resize_grows_the_L1_table_and_shrinks_only_unallocated_space()
    {
        using var dir = new TempFolder("qcow2-resize");
        var path = dir.Combine("r.qcow2");
        using (var disk = Qcow2TestSupport.Format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = 1L << 20, ClusterSize = 512 }))
        {
            disk.Write(0, Enumerable.Repeat((byte)7, 1 << 20).ToArray());

            // 512-byte clusters: one L2 table maps 32 KiB, so 64 MiB needs 2048 L1 entries (4 clusters).
            disk.Resize(64L << 20);
            disk.Write((64L << 20) - 512, Enumerable.Repeat((byte)8, 512).ToArray());
            Assert.Equal(64L << 20, disk.Capacity);
            Assert.Equal("Qcow2ShrinkWouldDiscardData", Assert.Throws<ImageOpsException>(() => disk.Resize(32L << 20)).ErrorId);
        }

        Qcow2TestSupport.AssertQemuCheckClean(path);
        var io = QemuImg.Io("qcow2", path, "read -P 7 0 1M", "read -P 0 1M 62M", "read -P 8 67108352 512");
        Assert.DoesNotContain("Pattern verification failed", io.Out);

        QemuImg.Create("qcow2", dir.Combine("s.qcow2"), 8L << 20);
        QemuImg.Io("qcow2", dir.Combine("s.qcow2"), "write -P 1 0 1M").EnsureSuccess("qemu-io");
        using (var disk = DiskFormats.Open(dir.Combine("s.qcow2"), new DiskOpenOptions { Writable = true }))
        {
            disk.Resize(2L << 20);
            disk.Resize(3L << 20);
        }

        Qcow2TestSupport.AssertQemuCheckClean(dir.Combine("s.qcow2"));
        Assert.Equal(3L << 20, QemuImg.Info(dir.Combine("s.qcow2")).GetProperty("virtual-size").GetInt64());
        io = QemuImg.Io("qcow2", dir.Combine("s.qcow2"), "read -P 1 0 1M", "read -P 0 1M 2M");
        Assert.DoesNotContain("Pattern verification failed", io.Out);
    }

    [SkippableFact]
    public void Many_allocations_grow_the_refcount_table()
    {
        // 512-byte clusters and 64-bit refcounts: one refcount block counts 64 clusters and one table
        // cluster lists 64 blocks, so a few MiB of data outgrow the first table several times.
        using var dir = new TempFolder("qcow2-reftable");
        var path = dir.Combine("g.qcow2");
        QemuImg.Create("qcow2", path, 8L << 20, "cluster_size=512,refcount_bits=64");
        var content = Qcow2TestSupport.Pattern(6 << 20, 11);
        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            ((Qcow2Disk)disk).DurableOrdering = false;
            for (var offset = 0; offset < content.Length; offset += 256 << 10)
            {
                disk.Write(offset, content.AsSpan(offset, 256 << 10));
            }
        }

        Qcow2TestSupport.AssertQemuCheckClean(path);
        var raw = dir.Combine("g.raw");
        File.WriteAllBytes(raw, content.Concat(new byte[2 << 20]).ToArray());
        Assert.Equal(0, QemuImg.Compare(raw, "raw", path, "qcow2").ExitCode);
    }

    [SkippableFact]
    public void Feature_bits_dirty_corrupt_autoclear_and_unknown_compatible()
    {
        using var dir = new TempFolder("qcow2-features");

        // Dirty (lazy refcounts, killed qemu): opening for writing rebuilds the refcounts first.
        var dirty = dir.Combine("dirty.qcow2");
        QemuImg.Create("qcow2", dirty, 4L << 20, "lazy_refcounts=on");
        QemuImg.Io("qcow2", dirty, "write -P 0x12 0 1M").EnsureSuccess("qemu-io");
        PatchHeader(dirty, h => h[79] |= 1);
        PatchRefcount(dirty, clusterIndex: 5, value: 0); // a data cluster now counted free
        Assert.NotEqual(0, QemuImg.Check(dirty, "qcow2").ExitCode);
        using (var ro = DiskFormats.Open(dirty))
        {
            Assert.Equal(0x12, Qcow2TestSupport.ReadAll(ro)[1000]);
        }

        using (var rw = DiskFormats.Open(dirty, new DiskOpenOptions { Writable = true }))
        {
            rw.Write(2L << 20, new byte[] { 0x34 });
        }

        Qcow2TestSupport.AssertQemuCheckClean(dirty);
        Assert.Equal(0, File.ReadAllBytes(dirty)[79] & 1);

        // Corrupt: read-only is fine, writing is refused.
        var corrupt = dir.Combine("corrupt.qcow2");
        QemuImg.Create("qcow2", corrupt, 1L << 20);
        PatchHeader(corrupt, h => h[79] |= 2);
        using (DiskFormats.Open(corrupt))
        {
        }

        Assert.Equal("Qcow2ImageMarkedCorrupt", Assert.Throws<CorruptImageException>(() => DiskFormats.Open(corrupt, new DiskOpenOptions { Writable = true })).ErrorId);

        // Unknown compatible bits are ignored and preserved; unknown autoclear bits are cleared on write.
        var bits = dir.Combine("bits.qcow2");
        QemuImg.Create("qcow2", bits, 1L << 20);
        PatchHeader(bits, h =>
        {
            h[80] |= 0x80; // compatible bit 63
            h[88] |= 0x40; // autoclear bit 62
        });
        using (var rw = DiskFormats.Open(bits, new DiskOpenOptions { Writable = true }))
        {
            rw.Write(0, new byte[] { 1 });
        }

        var header = File.ReadAllBytes(bits).AsSpan(0, 112).ToArray();
        Assert.Equal(0x80, header[80]);
        Assert.Equal(0UL, BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(88)));
        Qcow2TestSupport.AssertQemuCheckClean(bits);

        // Read-only opens never modify the image.
        var before = File.ReadAllBytes(dirty);
        PatchHeader(dirty, h => h[88] |= 0x40);
        before = File.ReadAllBytes(dirty);
        using (var ro = DiskFormats.Open(dirty))
        {
            Qcow2TestSupport.ReadAll(ro);
        }

        Assert.Equal(before, File.ReadAllBytes(dirty));
    }

    internal static void PatchHeader(string path, Action<byte[]> patch)
    {
        var bytes = File.ReadAllBytes(path);
        var header = bytes.AsSpan(0, 512).ToArray();
        patch(header);
        using var f = File.OpenWrite(path);
        f.Write(header, 0, header.Length);
    }

    /// <summary>Sets the 16-bit refcount of a cluster in the first refcount block.</summary>
    internal static void PatchRefcount(string path, long clusterIndex, ushort value)
    {
        var bytes = File.ReadAllBytes(path);
        var reftable = (long)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(48));
        var block = (long)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan((int)reftable));
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan((int)(block + (clusterIndex * 2))), value);
        File.WriteAllBytes(path, bytes);
    }
}
