using System;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vmdk.VmdkTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vmdk;

/// <summary>Images qemu-img writes read byte-identically and with qemu's allocation map.</summary>
public class VmdkQemuReadTests
{
    [SkippableTheory]
    [InlineData("monolithicSparse", null, 5L << 20)]
    [InlineData("monolithicSparse", "zeroed_grain=on", (5L << 20) + 3 * 512)]
    [InlineData("monolithicSparse", "adapter_type=lsilogic,hwversion=6,toolsversion=10346", 5L << 20)]
    [InlineData("monolithicSparse", "compat6=on,adapter_type=legacyESX", 2L << 20)]
    [InlineData("streamOptimized", "adapter_type=buslogic", (2L << 20) + 512)]
    [InlineData("streamOptimized", null, (4L << 20) + 512)]
    [InlineData("monolithicFlat", null, 3L << 20)]
    [InlineData("twoGbMaxExtentFlat", null, 3L << 20)]
    [InlineData("twoGbMaxExtentSparse", null, (3L << 20) + 1024)]
    public void Reads_every_subformat_qemu_writes(string subformat, string? extra, long size)
    {
        using var dir = new TempFolder("vmdk");
        var path = dir.Combine("disk.vmdk");
        var source = dir.Combine("source.raw");
        QemuImg.Create("raw", source, size);
        QemuImg.Io("raw", source, "write -P 0x11 0 64k", "write -P 0x22 100k 3k", "write -P 0x33 1M 1M", $"write -P 0x44 {size - 1024} 1024").EnsureSuccess("qemu-io");
        QemuImg.Convert(source, "raw", path, "vmdk", "-o", "subformat=" + subformat + (extra is null ? string.Empty : "," + extra));

        using var disk = DiskFormats.Open(path);
        Assert.Equal(DiskFormat.Vmdk, disk.Format);
        Assert.Equal(subformat, disk.Subformat);
        Assert.Equal(size, disk.Capacity);
        Assert.Equal(File.ReadAllBytes(source), ReadAll(disk));
        Assert.Equal(QemuRead(path, dir), ReadAll(disk));
    }

    [SkippableTheory]
    [InlineData("monolithicSparse", "zeroed_grain=on")]
    [InlineData("monolithicSparse", null)]
    [InlineData("streamOptimized", null)]
    public void The_allocation_map_matches_qemu_img_map(string subformat, string? extra)
    {
        using var dir = new TempFolder("vmdk");
        var path = dir.Combine("disk.vmdk");
        QemuImg.Create("vmdk", path, 6L << 20, "subformat=" + subformat + (extra is null ? string.Empty : "," + extra));
        var writes = subformat == "streamOptimized"
            ? new[] { "write -c -P 0x11 0 64k", "write -c -P 0x22 1M 64k", "write -c -P 0x33 5M 64k" }
            : new[] { "write -P 0x11 0 64k", "write -z 128k 64k", "write -P 0x22 1M 4k", "write -P 0x33 5M 1M" };
        QemuIo(path, writes);

        using var disk = DiskFormats.Open(path);
        Assert.Equal(QemuMap(path), disk.GetAllocation(0, disk.Capacity).ToList());
        Assert.Equal(QemuRead(path, dir), ReadAll(disk));
    }

    [SkippableFact]
    public void Reads_are_thread_safe_and_agree_with_a_sequential_read()
    {
        using var dir = new TempFolder("vmdk");
        var source = RawSource(dir, "source.raw", 8L << 20, "write -P 0x5a 0 3M", "write -P 0x6b 4M 2M");
        var path = dir.Combine("disk.vmdk");
        QemuImg.Convert(source, "raw", path, "vmdk", "-o", "subformat=streamOptimized");
        using var disk = DiskFormats.Open(path);
        var expected = File.ReadAllBytes(source);
        System.Threading.Tasks.Parallel.For(0, 64, i =>
        {
            var offset = (long)(i * 131_071L % (disk.Capacity - 70_000));
            var buffer = new byte[70_000];
            disk.Read(offset, buffer);
            Assert.True(expected.AsSpan((int)offset, buffer.Length).SequenceEqual(buffer));
        });
    }

    [SkippableFact]
    public void A_read_only_open_never_changes_the_file()
    {
        using var dir = new TempFolder("vmdk");
        var path = dir.Combine("disk.vmdk");
        QemuImg.Create("vmdk", path, 4L << 20);
        QemuIo(path, "write -P 0x42 0 100k");
        var before = File.ReadAllBytes(path);
        using (var disk = DiskFormats.Open(path))
        {
            ReadAll(disk);
            Assert.False(disk.CanWrite);
            Assert.Throws<System.InvalidOperationException>(() => disk.Write(0, new byte[512]));
        }

        Assert.Equal(before, File.ReadAllBytes(path));
    }
}
