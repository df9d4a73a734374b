using System.IO;
using System.Text;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks;

public class ProbingTests
{
    [SkippableTheory]
    [InlineData("empty.bochs.bz2", "Bochs")]
    [InlineData("parallels-v1.bz2", "Parallels")]
    [InlineData("parallels-v2.bz2", "Parallels")]
    [InlineData("simple-pattern.cloop.bz2", "cloop")]
    public void Recognised_unsupported_formats_from_the_corpus_are_refused_by_name(string file, string name)
    {
        using var dir = new TempFolder();
        var path = CorpusFiles.Disk(file, dir);
        var ex = Assert.Throws<UnsupportedFeatureException>(() => DiskFormats.Open(path));
        Assert.Equal("ImageFormatNotSupported", ex.ErrorId);
        Assert.Contains(name, ex.Message);
    }

    [SkippableFact]
    public void A_grub_boot_sector_is_raw_and_not_probed_as_anything_else()
    {
        using var dir = new TempFolder();
        var path = CorpusFiles.Disk("grub_mbr.raw.bz2", dir);
        using var disk = DiskFormats.Open(path);
        Assert.Equal(DiskFormat.Raw, disk.Format);
        Assert.Equal(512, disk.Capacity);
    }

    [Theory]
    [InlineData(0x40, new byte[] { 0x7f, 0x10, 0xda, 0xbe }, "VirtualBox VDI")]
    [InlineData(0, new byte[] { (byte)'Q', (byte)'E', (byte)'D', 0 }, "QED")]
    [InlineData(0, new byte[] { (byte)'Q', (byte)'F', (byte)'I', 0xfb, 0, 0, 0, 1 }, "QCOW (version 1)")]
    public void Synthetic_signatures_of_unsupported_formats_are_refused(int offset, byte[] signature, string name)
    {
        var content = new byte[4096];
        signature.CopyTo(content, offset);
        var ex = Assert.Throws<UnsupportedFeatureException>(() => DiskFormats.Probe(new MemoryBlockStorage(content)));
        Assert.Contains(name, ex.Message);
    }

    [Fact]
    public void A_dmg_trailer_is_recognised_from_the_end()
    {
        var content = new byte[8192];
        Encoding.ASCII.GetBytes("koly").CopyTo(content, 8192 - 512);
        Assert.Throws<UnsupportedFeatureException>(() => DiskFormats.Probe(new MemoryBlockStorage(content)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(511)]
    public void Tiny_files_probe_as_raw_without_error(int size)
    {
        Assert.Equal(DiskFormat.Raw, DiskFormats.Probe(new MemoryBlockStorage(new byte[size])).Format);
    }

    [Fact]
    public void A_declared_format_skips_probing()
    {
        var content = new byte[4096];
        Encoding.ASCII.GetBytes("QED\0").CopyTo(content, 0);
        using var disk = DiskFormats.Open(new MemoryBlockStorage(content), new DiskOpenOptions { Format = DiskFormat.Raw });
        Assert.Equal(DiskFormat.Raw, disk.Format);
    }
}
