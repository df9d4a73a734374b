using System;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Qcow2;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Qcow2;

/// <summary>Images qemu writes, across the option space, read byte-identically with the same allocation map.</summary>
public class Qcow2ReadTests
{
    // qemu-io patterns: data, a partial cluster, an explicit zero range and a discarded range.
    private static readonly string[] Writes =
    {
        "write -P 0x11 0 64k",
        "write -P 0x22 100k 3k",
        "write -P 0x33 1M 1M",
        "write -z 1536k 256k",
        "write -P 0x44 5000k 512",
        "discard 1024k 64k",
    };

    [SkippableTheory]
    [InlineData("compat=0.10")]
    [InlineData("compat=1.1")]
    [InlineData("compat=1.1,cluster_size=512")]
    [InlineData("compat=1.1,cluster_size=4096,refcount_bits=1")]
    [InlineData("compat=1.1,cluster_size=2M,refcount_bits=64")]
    [InlineData("compat=0.10,cluster_size=16k")]
    [InlineData("compat=1.1,lazy_refcounts=on,refcount_bits=8")]
    [InlineData("compat=1.1,extended_l2=on,cluster_size=64k")]
    [InlineData("compat=1.1,extended_l2=on,cluster_size=32k")]
    [InlineData("compat=1.1,compression_type=zlib,refcount_bits=32")]
    public void Reads_what_qemu_wrote(string options)
    {
        using var dir = new TempFolder("qcow2-read");
        var path = dir.Combine("disk.qcow2");
        var size = (6L << 20) + 4096 + 512; // not a multiple of the cluster
        QemuImg.Create("qcow2", path, size, options);
        QemuImg.Io("qcow2", path, Writes).EnsureSuccess("qemu-io");
        Qcow2TestSupport.AssertSameAsQemuRaw(path, dir);
        Qcow2TestSupport.AssertMapMatchesQemu(path);
        using var disk = DiskFormats.Open(path);
        Assert.Equal(DiskFormat.Qcow2, disk.Format);
        Assert.Equal(size, disk.Capacity);
        Assert.Equal(options.Contains("0.10") ? "v2" : "v3", disk.Subformat);
    }

    [SkippableFact]
    public void Reads_compressed_clusters_qemu_wrote()
    {
        using var dir = new TempFolder("qcow2-read");
        var raw = dir.Combine("src.raw");
        File.WriteAllBytes(raw, Qcow2TestSupport.TextLike(3 << 20, 1).Concat(Qcow2TestSupport.Pattern(1 << 20, 2)).ToArray());
        var path = dir.Combine("c.qcow2");
        QemuImg.Convert(raw, "raw", path, "qcow2", "-c", "-o", "cluster_size=16k");
        Qcow2TestSupport.AssertSameAsQemuRaw(path, dir);
        Qcow2TestSupport.AssertMapMatchesQemu(path);
    }

    [SkippableFact]
    public void Reads_a_backing_chain_with_declared_formats_and_a_larger_child()
    {
        using var dir = new TempFolder("qcow2-chain");
        var baseRaw = dir.Combine("base.raw");
        File.WriteAllBytes(baseRaw, Qcow2TestSupport.Pattern(2 << 20, 3));
        var mid = dir.Combine("mid.qcow2");
        QemuImg.Run("create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", mid, "3M").EnsureSuccess("create mid");
        QemuImg.Io("qcow2", mid, "write -P 0x55 64k 64k", "write -z 512k 128k", "write -P 0x66 2560k 4k").EnsureSuccess("qemu-io");
        var top = dir.Combine("top.qcow2");
        QemuImg.Run("create", "-q", "-f", "qcow2", "-b", "mid.qcow2", "-F", "qcow2", "-o", "compat=0.10", top, "4M").EnsureSuccess("create top");
        QemuImg.Io("qcow2", top, "write -P 0x77 96k 8k", "write -P 0x78 3584k 4k").EnsureSuccess("qemu-io");
        Qcow2TestSupport.AssertSameAsQemuRaw(top, dir);
        Qcow2TestSupport.AssertMapMatchesQemu(top);
        using var disk = (Qcow2Disk)DiskFormats.Open(top);
        Assert.Equal(DiskVariant.Differencing, disk.Variant);
        Assert.Equal("mid.qcow2", disk.BackingFile);
        Assert.Equal("qcow2", disk.BackingFormat);
        Assert.Equal(DiskFormat.Qcow2, disk.Parent!.Format);
        Assert.Equal(DiskFormat.Raw, disk.Parent.Parent!.Format);
        Assert.Null(disk.ParentLink!.IdentityMatches);
    }

    [SkippableTheory]
    [InlineData("extended_l2=on,cluster_size=64k")]
    [InlineData("extended_l2=on,cluster_size=16k,compat=1.1")]
    [InlineData("compat=0.10,cluster_size=512")]
    public void Subclusters_and_small_clusters_over_a_backing_file_read_through_to_it(string options)
    {
        using var dir = new TempFolder("qcow2-subclusters");
        File.WriteAllBytes(dir.Combine("base.raw"), Qcow2TestSupport.Pattern(3 << 20, 12));
        var path = dir.Combine("top.qcow2");
        QemuImg.Run("create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", "-o", options, path, "3M").EnsureSuccess("create");
        QemuImg.Io("qcow2", path, "write -P 0x31 4k 2k", "write -P 0x32 70k 9k", "write -z 200k 8k", "write -P 0x33 1M 64k").EnsureSuccess("qemu-io");
        Qcow2TestSupport.AssertSameAsQemuRaw(path, dir);
        Qcow2TestSupport.AssertMapMatchesQemu(path);
    }

    [SkippableFact]
    public void Lists_internal_snapshots_and_reads_each_one()
    {
        using var dir = new TempFolder("qcow2-snap");
        var path = dir.Combine("snap.qcow2");
        QemuImg.Create("qcow2", path, 4L << 20);
        QemuImg.Io("qcow2", path, "write -P 0x01 0 128k").EnsureSuccess("qemu-io");
        QemuImg.Run("snapshot", "-c", "first", path).EnsureSuccess("snapshot");
        QemuImg.Io("qcow2", path, "write -P 0x02 64k 128k").EnsureSuccess("qemu-io");
        QemuImg.Run("snapshot", "-c", "second", path).EnsureSuccess("snapshot");
        QemuImg.Io("qcow2", path, "write -P 0x03 0 32k", "write -z 160k 32k").EnsureSuccess("qemu-io");

        using var disk = (Qcow2Disk)DiskFormats.Open(path);
        Assert.Equal(new[] { "first", "second" }, disk.Snapshots.Select(s => s.Name));
        Assert.Equal(new[] { "1", "2" }, disk.Snapshots.Select(s => s.Id));
        Assert.All(disk.Snapshots, s => Assert.Equal(4L << 20, s.VirtualSize));

        foreach (var name in new[] { "first", "second" })
        {
            var expectedPath = dir.Combine(name + ".raw");
            QemuImg.Run("convert", "-f", "qcow2", "-O", "raw", "-l", "snapshot.name=" + name, path, expectedPath).EnsureSuccess("convert snapshot");
            using var view = disk.OpenSnapshot(name);
            Assert.False(view.CanWrite);
            Assert.True(view.IsSnapshotView);
            Assert.Equal(File.ReadAllBytes(expectedPath), Qcow2TestSupport.ReadAll(view));
        }

        using (var byId = disk.OpenSnapshot("1"))
        {
            var b = new byte[1];
            byId.Read(100 << 10, b);
            Assert.Equal(0x01, b[0]);
        }

        Assert.Equal("Qcow2SnapshotNotFound", Assert.Throws<ImageOpsException>(() => disk.OpenSnapshot("nope")).ErrorId);
        Qcow2TestSupport.AssertSameAsQemuRaw(path, dir);
    }

    [SkippableFact]
    public void Reads_are_safe_from_many_threads()
    {
        using var dir = new TempFolder("qcow2-threads");
        var raw = dir.Combine("src.raw");
        var content = Qcow2TestSupport.TextLike(4 << 20, 9);
        File.WriteAllBytes(raw, content);
        var path = dir.Combine("c.qcow2");
        QemuImg.Convert(raw, "raw", path, "qcow2", "-c", "-o", "cluster_size=4k");
        using var disk = DiskFormats.Open(path);
        System.Threading.Tasks.Parallel.For(0, 64, i =>
        {
            var random = new System.Random(i);
            var buffer = new byte[10000];
            for (var n = 0; n < 50; n++)
            {
                var offset = random.Next(0, content.Length - buffer.Length);
                disk.Read(offset, buffer);
                Assert.True(buffer.AsSpan().SequenceEqual(content.AsSpan(offset, buffer.Length)));
            }
        });
    }
}
