using ImageOps.Formats.Disks;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vmdk.VmdkTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vmdk;

/// <summary>The corpus samples made by VMware and by a fuzzer (corpus README, qemu iotest 059).</summary>
public class VmdkCorpusTests
{
    [SkippableFact]
    public void The_vmware_made_version_3_stream_reads_the_digit_pattern()
    {
        using var dir = new TempFolder("vmdk");
        var path = CorpusFiles.Disk("iotest-version3.vmdk.bz2", dir);
        using var disk = DiskFormats.Open(path);
        Assert.Equal(DiskFormat.Vmdk, disk.Format);
        Assert.Equal(VmdkFormat.StreamOptimized, disk.Subformat);
        Assert.Equal(17179869184L, disk.Capacity);
        Assert.Equal(65536, disk.ClusterSize);
        Assert.Equal("a454774a", disk.Identity);
        var sector = new byte[512];
        for (var i = 0; i < 100; i++)
        {
            disk.Read(i * 655360L + i * 512L, sector);
            Assert.All(sector, b => Assert.Equal((byte)('0' + i % 10), b));
        }

        // The bytes around a written sector are zero, and the report agrees with qemu's reading of the first 64 MiB.
        disk.Read(655360L + 1024, sector);
        Assert.All(sector, b => Assert.Equal(0, b));
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(ImageOps.Formats.Disks.Storage.FileBlockStorage.Open(path, false), new DiskCheckOptions()).Status);
    }

    [SkippableFact]
    public void The_fuzzed_afl9_with_an_absurd_capacity_is_refused_without_allocating()
    {
        using var dir = new TempFolder("vmdk");
        var path = CorpusFiles.Disk("afl9.vmdk.bz2", dir);
        var error = Hostile.Refused(() => DiskFormats.Open(path).Dispose(), maxAllocatedBytes: 1 << 20);
        var corrupt = Assert.IsType<CorruptImageException>(error);
        Assert.Equal("VmdkCapacityTooLarge", corrupt.ErrorId);
        Assert.Equal("sparse extent header", corrupt.Structure);
        Assert.Equal(12, corrupt.Offset);
        var check = Hostile.Refused(() => Format.Check(ImageOps.Formats.Disks.Storage.FileBlockStorage.Open(path, false), new DiskCheckOptions()), maxAllocatedBytes: 1 << 20);
        Assert.Equal("VmdkCapacityTooLarge", check.ErrorId);
    }
}
