using System;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhd;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhd.VhdTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vhd;

/// <summary>Reads what qemu-img writes and writes what qemu-img reads (qemu 7.2 on Debian 12, driver "vpc").</summary>
public class VhdQemuInteropTests
{
    // Writes that cross a block boundary, start and end mid-sector, and touch the last sector.
    private static readonly string[] QemuWrites =
    {
        "write -P 0x11 0 4k",
        "write -P 0x22 1536 3000",
        "write -P 0x33 2047k 2k",
        "write -P 0x44 5M 1M",
        "write -P 0x55 9000k 513",
    };

    [SkippableTheory]
    [InlineData("dynamic", 12L << 20, null)]
    [InlineData("dynamic-odd-size", (12L << 20) + (3 * 512), null)]
    [InlineData("dynamic-force-size", (12L << 20) + (3 * 512), "force_size=on")]
    [InlineData("fixed", 12L << 20, "subformat=fixed")]
    [InlineData("fixed-force-size", (10L << 20) + 512, "subformat=fixed,force_size=on")]
    public void Images_qemu_writes_read_byte_identically_with_the_same_size_and_map(string name, long size, string? options)
    {
        using var dir = new TempFolder("vhd");
        var path = dir.Combine(name + ".vhd");
        QemuImg.Create("vpc", path, size, options);
        var info = QemuImg.Info(path, "vpc");
        var lastSector = info.GetProperty("virtual-size").GetInt64() - 512;
        QemuImg.Io("vpc", path, QemuWrites.Append($"write -P 0x66 {lastSector} 512").ToArray()).EnsureSuccess("qemu-io");
        var expected = QemuRawBytes(path, "vpc", dir);

        using var disk = DiskFormats.Open(path, new DiskOpenOptions { Format = DiskFormat.Vhd });
        Assert.Equal(DiskFormat.Vhd, disk.Format);
        Assert.Equal(options?.Contains("fixed") == true ? DiskVariant.Fixed : DiskVariant.Dynamic, disk.Variant);
        Assert.Equal(QemuImg.Info(path, "vpc").GetProperty("virtual-size").GetInt64(), disk.Capacity);
        if (options?.Contains("force_size") == true)
        {
            Assert.Equal(size, disk.Capacity);
        }

        Assert.Equal(expected, ReadAll(disk));
        if (disk.Variant == DiskVariant.Dynamic)
        {
            Assert.Equal(QemuDataRanges(path), DataRanges(disk));
            Assert.Equal(2 << 20, disk.ClusterSize);
        }
    }

    [SkippableFact]
    public void A_dynamic_disk_created_and_written_here_reads_the_same_in_qemu()
    {
        using var dir = new TempFolder("vhd");
        var path = dir.Combine("ours.vhd");
        var capacity = (17L << 20) + (5 * 512);
        var expected = new byte[capacity];
        using (var disk = Format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = capacity }))
        {
            foreach (var (offset, length, seed) in new[] { (0L, 4096, 1), (1000L, 70000, 2), ((2L << 20) - 100, 300, 3), (9L << 20, 3 << 20, 4), (capacity - 700, 700, 5) })
            {
                var data = Pattern(length, seed);
                disk.Write(offset, data);
                data.CopyTo(expected, offset);
            }
        }

        var info = QemuImg.Info(path);
        Assert.Equal("vpc", info.GetProperty("format").GetString());
        Assert.Equal(capacity, info.GetProperty("virtual-size").GetInt64());
        Assert.Equal(expected, QemuRawBytes(path, "vpc", dir));
        var raw = dir.Combine("expected.raw");
        File.WriteAllBytes(raw, expected);
        Assert.Equal(0, QemuImg.Compare(path, "vpc", raw, "raw").ExitCode);

        // qemu can keep writing to it, and we read what it wrote.
        QemuImg.Io("vpc", path, "write -P 0x7e 6M 8k").EnsureSuccess("qemu-io");
        using var reopened = DiskFormats.Open(path);
        var buffer = new byte[8192];
        reopened.Read(6L << 20, buffer);
        Assert.All(buffer, b => Assert.Equal(0x7e, b));
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(FileBlockStorage.Open(path, writable: false), new DiskCheckOptions()).Status);
    }

    [SkippableTheory]
    [InlineData(1L << 20)]
    [InlineData(127L << 20)]
    [InlineData(30721L << 20)]
    public void Fixed_disks_have_exactly_the_requested_whole_MiB_size_in_qemu_as_Azure_requires(long capacity)
    {
        using var dir = new TempFolder("vhd");
        var path = dir.Combine("azure.vhd");
        using (var disk = Format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = capacity, Variant = DiskVariant.Fixed }))
        {
            disk.Write(capacity - 4096, Pattern(4096, 9));
        }

        Assert.Equal(capacity + 512, new FileInfo(path).Length);
        Assert.Equal(capacity, QemuImg.Info(path, "vpc").GetProperty("virtual-size").GetInt64());
        var check = QemuImg.Io("vpc", path, $"read -P 0 0 {Math.Min(capacity - 4096, 1 << 20)}", $"read -v {capacity - 4096} 16");
        Assert.Equal(0, check.ExitCode);
        Assert.DoesNotContain("Pattern verification failed", check.Out);
        using var reopened = DiskFormats.Open(path);
        Assert.Equal(DiskVariant.Fixed, reopened.Variant);
        Assert.Equal(capacity, reopened.Capacity);
    }

    [SkippableTheory]
    [InlineData(DiskVariant.Dynamic, 2 << 20)]
    [InlineData(DiskVariant.Dynamic, 512 << 10)]
    [InlineData(DiskVariant.Dynamic, 16 << 20)]
    [InlineData(DiskVariant.Fixed, 0)]
    public void The_writer_output_compares_equal_in_qemu_and_stores_no_zero_chunks(DiskVariant variant, int blockSize)
    {
        using var dir = new TempFolder("vhd");
        var source = dir.Combine("source.qcow2");
        QemuImg.Create("qcow2", source, (40L << 20) + 4096);
        QemuImg.Io("qcow2", source, "write -P 0x5c 1M 64k", "write -P 0x11 15M 3M", "write -P 0x22 38M 100k", "write -P 0x33 40M 4k").EnsureSuccess("qemu-io");
        var target = dir.Combine("copy.vhd");
        // The Formats layer of this branch reads VHD and raw: qemu turns the qcow2 source into raw.
        var raw = dir.Combine("source.raw");
        QemuImg.Convert(source, "qcow2", raw, "raw");
        using (var src = DiskFormats.Open(raw, new DiskOpenOptions { Format = DiskFormat.Raw }))
        using (var writer = Format.CreateWriter(FileBlockStorage.Create(target), new DiskCreateOptions { Capacity = src.Capacity, Variant = variant, ClusterSize = variant == DiskVariant.Fixed ? null : blockSize }))
        {
            Convert(src, writer);
        }

        Assert.Equal(0, QemuImg.Compare(target, "vpc", source, "qcow2").ExitCode);
        Assert.Equal((40L << 20) + 4096, QemuImg.Info(target, "vpc").GetProperty("virtual-size").GetInt64());
        using var ours = DiskFormats.Open(target);
        Assert.Equal(variant, ours.Variant);
        if (variant == DiskVariant.Dynamic)
        {
            Assert.Equal(blockSize, ours.ClusterSize);
            var stored = DataRanges(ours).Sum(r => r.Length);
            Assert.True(stored <= 6 * blockSize + (4L << 20), $"{stored} bytes stored");
            Assert.True(new FileInfo(target).Length < (12L << 20) + (6L * blockSize));
            Assert.Equal(QemuDataRanges(target), DataRanges(ours));
        }

        Assert.Equal(DiskCheckStatus.Clean, Format.Check(FileBlockStorage.Open(target, writable: false), new DiskCheckOptions()).Status);
    }

    [SkippableFact]
    public void Qemu_refuses_to_create_what_we_refuse_and_we_refuse_images_over_2040_GiB()
    {
        using var dir = new TempFolder("vhd");
        var path = dir.Combine("huge.vhd");
        Assert.NotEqual(0, QemuImg.Run("create", "-f", "vpc", "-o", "force_size=on", path, "2041G").ExitCode);
        var ex = Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 2041L << 30 }));
        Assert.Equal("DiskSizeTooLarge", ex.ErrorId);
        using var max = Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = VhdVirtualSize.MaxCapacity });
        Assert.Equal(2040L << 30, max.Capacity);
    }

    [SkippableFact]
    public void Qemu_makes_no_VHD_children_so_chains_over_qcow2_or_raw_parents_cannot_come_from_qemu()
    {
        // qemu's vpc driver has no backing files (create and rebase refuse them), and no check.
        using var dir = new TempFolder("vhd");
        var parent = dir.Combine("base.qcow2");
        QemuImg.Create("qcow2", parent, 4L << 20);
        var create = QemuImg.Run("create", "-f", "vpc", "-b", parent, "-F", "qcow2", dir.Combine("child.vhd"));
        Assert.NotEqual(0, create.ExitCode);
        Assert.Contains("not supported", create.Err);
        var path = dir.Combine("plain.vhd");
        QemuImg.Create("vpc", path, 4L << 20);
        Assert.Equal(63, QemuImg.Check(path, "vpc").ExitCode);
    }
}
