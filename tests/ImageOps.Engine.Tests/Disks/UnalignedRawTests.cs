using System.IO;
using System.Linq;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Disks;

/// <summary>
/// A raw file whose length is not a whole number of sectors (an exported partition cut short, a file
/// someone truncated): qemu presents it as a disk of the next whole sector with a zero tail, and every
/// format ImageOps writes stores whole sectors, so ImageOps reads it the same way and can convert it.
/// Before, the conversion died on an ArgumentOutOfRangeException from the writers' option check.
/// </summary>
public sealed class UnalignedRawTests : System.IDisposable
{
    private readonly TempFolder _dir = new("unaligned-raw");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [MemberData(nameof(ConversionMatrixTests.Formats), MemberType = typeof(ConversionMatrixTests))]
    public void A_raw_file_of_a_partial_last_sector_converts_and_qemu_img_agrees(DiskFormat target)
    {
        var source = _dir.Combine("partial.raw");
        var content = Enumerable.Range(0, (1 << 20) + 1000).Select(i => (byte)(i % 251 + 1)).ToArray();
        File.WriteAllBytes(source, content);

        var info = new DiskFileService().GetInfo(source);
        Assert.Equal((1 << 20) + 1024, info.CapacityBytes);
        Assert.Equal(QemuImg.Info(source, "raw").GetProperty("virtual-size").GetInt64(), info.CapacityBytes);

        var destination = _dir.Combine($"out.{target}");
        var result = new DiskFileService().Convert(new ConversionRequest { SourcePath = source, DestinationPath = destination, Format = target });

        Assert.Equal((1 << 20) + 1024, result.CapacityBytes);
        Assert.True(new DiskFileService().Compare(source, destination).Identical);
        var compare = QemuImg.Compare(source, "raw", destination, ConversionMatrixTests.Qemu(target));
        Assert.True(compare.ExitCode == 0, $"qemu-img compare: {compare.Out}{compare.Err}");

        // The tail past the file's end reads as zeros, and the source file was not extended.
        using (var disk = DiskFormats.Open(destination))
        {
            var tail = new byte[24];
            disk.Read((1 << 20) + 1000, tail);
            Assert.All(tail, b => Assert.Equal(0, b));
        }

        Assert.Equal(content.Length, new FileInfo(source).Length);
    }
}
