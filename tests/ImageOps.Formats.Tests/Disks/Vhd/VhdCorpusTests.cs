using System;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Vhd;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Vhd;

/// <summary>The VHD samples of the shared corpus behave as its README (qemu iotests 135 and 146) says.</summary>
public class VhdCorpusTests
{
    [SkippableTheory]
    [InlineData("hyperv2012r2-dynamic.vhd.bz2", 0x1fc0000000L, false, "win ")]
    [InlineData("virtualpc-dynamic.vhd.bz2", 0x1fbfe04000L, true, "vpc ")]
    public void Hyper_V_and_Virtual_PC_disks_of_127_GiB_get_qemus_sizes_and_are_unallocated(string file, long size, bool fromGeometry, string creator)
    {
        using var dir = new TempFolder("vhd");
        var path = CorpusFiles.Disk(file, dir);
        using var disk = DiskFormats.Open(path);
        var vhd = Assert.IsType<VhdDisk>(disk);
        Assert.Equal(DiskVariant.Dynamic, disk.Variant);
        Assert.Equal(size, disk.Capacity);
        Assert.Equal(fromGeometry ? VhdSizeSource.Geometry : VhdSizeSource.CurrentSize, vhd.SizeSource);
        Assert.Equal(creator, vhd.Footer.CreatorApplication);
        var map = disk.GetAllocation(0, disk.Capacity).ToList();
        Assert.Equal(new[] { new AllocationRange(0, size, AllocationKind.Unallocated) }, map);
        var buffer = new byte[1 << 20];
        disk.Read(size - buffer.Length, buffer);
        Assert.True(ZeroDetector.IsAllZero(buffer));
        Assert.Equal(DiskCheckStatus.Clean, DiskFormats.Get(DiskFormat.Vhd).Check(Formats.Disks.Storage.FileBlockStorage.Open(path, false), new DiskCheckOptions()).Status);
    }

    [SkippableFact]
    public void A_Disk2vhd_disk_uses_current_size_and_is_all_allocated_zeros()
    {
        using var dir = new TempFolder("vhd");
        var path = CorpusFiles.Disk("d2v-zerofilled.vhd.bz2", dir);
        using var disk = DiskFormats.Open(path);
        Assert.Equal(0xfb40000L, disk.Capacity);
        Assert.Equal("d2v\0", ((VhdDisk)disk).Footer.CreatorApplication);
        Assert.Equal(new[] { new AllocationRange(0, 0xfb40000L, AllocationKind.Data) }, disk.GetAllocation(0, disk.Capacity).ToList());
        var buffer = new byte[4 << 20];
        for (long offset = 0; offset < disk.Capacity; offset += buffer.Length)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(buffer.Length, disk.Capacity - offset));
            disk.Read(offset, span);
            Assert.True(ZeroDetector.IsAllZero(span), $"non-zero data near {offset}");
        }
    }

    [SkippableFact]
    public void A_fuzzed_image_with_too_many_table_entries_is_refused_as_qemu_refuses_it()
    {
        using var dir = new TempFolder("vhd");
        var path = CorpusFiles.Disk("afl5.img.bz2", dir);
        var ex = Hostile.Refused(() => DiskFormats.Open(path).Dispose());
        var corrupt = Assert.IsType<CorruptImageException>(ex);
        Assert.Contains("Max Table Entries too large (1073741825)", corrupt.Message);
        Assert.Equal("dynamic disk header", corrupt.Structure);
    }
}
