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
}
