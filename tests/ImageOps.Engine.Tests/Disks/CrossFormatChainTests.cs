using System.IO;
using System.Linq;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Disks;

/// <summary>
/// Chains across formats (DESIGN.md §4): a QCOW2 child over parents of every other format, created and
/// written by ImageOps, read identically by ImageOps and qemu-img, flattened by conversion.
/// </summary>
public class CrossFormatChainTests
{
    public static TheoryData<DiskFormat> Parents()
    {
        var data = new TheoryData<DiskFormat>();
        foreach (var format in DiskFormats.All.Select(f => f.Format).Where(f => f != DiskFormat.Qcow2))
        {
            data.Add(format);
        }

        data.Add(DiskFormat.Qcow2);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Parents))]
    public void A_qcow2_child_over_a_parent_of_any_format_reads_the_same_in_qemu_and_flattens(DiskFormat parentFormat)
    {
        using var dir = new TempFolder("chain");
        var raw = dir.Combine("base.raw");
        QemuImg.Create("raw", raw, 16L << 20);
        QemuImg.Io("raw", raw, "write -P 0x61 0 4M", "write -P 0x62 8M 1M").EnsureSuccess("qemu-io");

        var service = new DiskFileService();
        var parent = dir.Combine("base.parent");
        service.Convert(new ConversionRequest { SourcePath = raw, DestinationPath = parent, Format = parentFormat });
        var child = dir.Combine("child.qcow2");
        var info = service.Create(new NewDiskRequest { Path = child, Format = DiskFormat.Qcow2, ParentPath = parent });
        Assert.Equal(2, info.Chain.Length);
        Assert.Equal(parentFormat, info.Chain[1].Format);

        // Change part of the parent's data through the child, and add new data.
        using (var disk = DiskFormats.Open(child, new DiskOpenOptions { Writable = true }))
        {
            disk.Write(1L << 20, Enumerable.Repeat((byte)0x7a, 512 * 1024).ToArray());
            disk.Write(12L << 20, Enumerable.Repeat((byte)0x7b, 4096).ToArray());
            disk.WriteZeros(8L << 20, 65536);
        }

        var expected = dir.Combine("expected.raw");
        File.Copy(raw, expected);
        QemuImg.Io("raw", expected, "write -P 0x7a 1M 512k", "write -P 0x7b 12M 4k", "write -z 8M 64k").EnsureSuccess("qemu-io");

        Assert.True(service.Compare(child, expected).Identical);
        var compare = QemuImg.Compare(child, "qcow2", expected, "raw");
        Assert.True(compare.ExitCode == 0, "qemu-img reading our chain: " + compare.Out + compare.Err);
        Assert.Equal(0, QemuImg.Check(child, "qcow2").ExitCode);

        var flat = dir.Combine("flat.vmdk");
        service.Convert(new ConversionRequest { SourcePath = child, DestinationPath = flat, Format = DiskFormat.Vmdk });
        Assert.Single(service.GetInfo(flat).Chain);
        Assert.Equal(0, QemuImg.Compare(flat, "vmdk", expected, "raw").ExitCode);
    }
}
