using System;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks;

public class RawFormatTests
{
    [Fact]
    public void A_raw_file_opens_as_raw_and_reads_its_bytes()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("disk.img");
        var content = Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(path, content);
        using var disk = DiskFormats.Open(path);
        Assert.Equal(DiskFormat.Raw, disk.Format);
        Assert.Equal(DiskVariant.Fixed, disk.Variant);
        Assert.Equal(8192, disk.Capacity);
        Assert.False(disk.CanWrite);
        var buffer = new byte[100];
        disk.Read(4000, buffer);
        Assert.Equal(content.Skip(4000).Take(100), buffer);
    }

    [Fact]
    public void Writes_resize_and_the_allocation_map_of_a_sparse_raw_file()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("disk.img");
        var format = DiskFormats.Get(DiskFormat.Raw);
        using (var created = format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = 32L << 20, Variant = DiskVariant.Fixed }))
        {
            created.Write(8L << 20, Enumerable.Repeat((byte)0xa5, 1 << 20).ToArray());
            created.Resize(48L << 20);
            Assert.Equal(48L << 20, created.Capacity);
        }

        using var disk = DiskFormats.Open(path);
        Assert.Equal(48L << 20, disk.Capacity);
        var data = disk.GetAllocation(0, disk.Capacity).Where(r => r.Kind == AllocationKind.Data).ToList();
        Assert.Contains(data, r => r.Offset <= 8L << 20 && r.End >= 9L << 20);
        Assert.True(data.Sum(r => r.Length) < 4L << 20);
        var check = QemuImg.Io("raw", path, "read -P 0xa5 8M 1M", "read -P 0 9M 39M");
        Assert.DoesNotContain("Pattern verification failed", check.Out);
        Assert.Equal(0, check.ExitCode);
    }

    [Fact]
    public void The_writer_leaves_holes_and_qemu_img_agrees_with_the_content()
    {
        using var dir = new TempFolder();
        var source = dir.Combine("source.img");
        QemuImg.Create("raw", source, 16L << 20);
        QemuImg.Io("raw", source, "write -P 0x5c 1M 64k", "write -P 0x11 15M 1M").EnsureSuccess("qemu-io");

        var target = dir.Combine("copy.img");
        using (var src = DiskFormats.Open(source))
        using (var writer = DiskFormats.Get(DiskFormat.Raw).CreateWriter(FileBlockStorage.Create(target), new DiskCreateOptions { Capacity = src.Capacity, Variant = DiskVariant.Fixed }))
        {
            var chunk = new byte[writer.ChunkSize];
            for (long offset = 0; offset < src.Capacity; offset += chunk.Length)
            {
                src.Read(offset, chunk);
                if (!ZeroDetector.IsAllZero(chunk))
                {
                    writer.Write(offset, chunk, transformed: false);
                }
            }

            writer.Complete();
        }

        Assert.Equal(0, QemuImg.Compare(source, "raw", target, "raw").ExitCode);
    }

    [Fact]
    public void Raw_refuses_parents_and_compression()
    {
        var format = DiskFormats.Get(DiskFormat.Raw);
        var differencing = Assert.Throws<UnsupportedFeatureException>(() => format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 4096, Variant = DiskVariant.Differencing }));
        Assert.Equal("DiskVariantNotSupported", differencing.ErrorId);
        Assert.Equal("CompressionNotSupported", Assert.Throws<UnsupportedFeatureException>(() => format.CreateWriter(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 4096, Compress = true })).ErrorId);
        Assert.Equal(DiskCheckStatus.NotSupported, format.Check(new MemoryBlockStorage(), new DiskCheckOptions()).Status);
    }

    [Fact]
    public void A_missing_file_is_a_typed_error()
    {
        var ex = Assert.Throws<ImageOpsException>(() => DiskFormats.Open("/no/such/disk.vhdx"));
        Assert.Equal("DiskFileNotFound", ex.ErrorId);
    }
}
