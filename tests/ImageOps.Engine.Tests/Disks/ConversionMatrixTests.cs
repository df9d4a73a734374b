using System;
using System.IO;
using System.Linq;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Disks;

/// <summary>
/// Issue 3's conversion matrix: sources written by qemu-img in every format qemu writes, converted by
/// ImageOps into every format it writes (plain, compressed, fixed), each output checked by qemu-img
/// check and found equal to the source by qemu-img compare and by our own compare.
/// </summary>
public sealed class ConversionMatrixTests : IClassFixture<ConversionMatrixTests.Sources>
{
    private const long Size = (24L << 20) + (64 << 10);
    private readonly Sources _sources;

    public ConversionMatrixTests(Sources sources)
    {
        _sources = sources;
    }

    /// <summary>qemu-img's name for each format.</summary>
    internal static string Qemu(DiskFormat format) => format switch
    {
        DiskFormat.Vhd => "vpc",
        _ => format.ToString().ToLowerInvariant(),
    };

    public static TheoryData<DiskFormat, DiskFormat, string> Pairs()
    {
        var data = new TheoryData<DiskFormat, DiskFormat, string>();
        var registered = DiskFormats.All.Select(f => f.Format).ToList();
        foreach (var source in registered)
        {
            foreach (var target in registered)
            {
                data.Add(source, target, "dynamic");
            }

            data.Add(source, DiskFormat.Qcow2, "compressed");
            if (registered.Contains(DiskFormat.Vmdk))
            {
                data.Add(source, DiskFormat.Vmdk, "streamOptimized");
            }

            foreach (var target in registered.Where(f => DiskFormats.Get(f).Capabilities.Variants.Contains(DiskVariant.Fixed) && f != DiskFormat.Raw))
            {
                data.Add(source, target, "fixed");
            }
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Pairs))]
    public void Every_format_converts_to_every_format_and_qemu_img_agrees(DiskFormat from, DiskFormat to, string kind)
    {
        var source = _sources.In(from);
        var target = _sources.Folder.Combine($"{from}-to-{to}-{kind}.out");
        File.Delete(target);
        var result = new DiskFileService().Convert(new ConversionRequest
        {
            SourcePath = source,
            DestinationPath = target,
            Format = to,
            Variant = kind == "fixed" ? DiskVariant.Fixed : DiskVariant.Dynamic,
            Compress = kind is "compressed" or "streamOptimized",
            Subformat = kind == "streamOptimized" ? "streamOptimized" : null,
        });

        Assert.Equal(Size, result.CapacityBytes);
        var compare = QemuImg.Compare(source, Qemu(from), target, Qemu(to));
        Assert.True(compare.ExitCode == 0, $"qemu-img compare: {compare.Out}{compare.Err}");
        var check = QemuImg.Check(target, Qemu(to));
        Assert.True(check.ExitCode is 0 or 63, $"qemu-img check exited {check.ExitCode}: {check.Out}{check.Err}");
        Assert.True(new DiskFileService().Compare(source, target).Identical);
        var info = QemuImg.Info(target, Qemu(to));
        Assert.Equal(Size, info.GetProperty("virtual-size").GetInt64());
        File.Delete(target);
    }

    public static TheoryData<DiskFormat> Formats()
    {
        var data = new TheoryData<DiskFormat>();
        foreach (var format in DiskFormats.All.Select(f => f.Format))
        {
            data.Add(format);
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Formats))]
    public void Our_compare_agrees_with_qemu_img_compare_on_equal_and_different_images(DiskFormat format)
    {
        var source = _sources.In(format);
        var copy = _sources.Folder.Combine($"changed-{format}.img");
        File.Delete(copy);
        QemuImg.Convert(_sources.Raw, "raw", copy, "qcow2");
        Assert.Equal(0, QemuImg.Compare(source, Qemu(format), copy, "qcow2").ExitCode);
        Assert.True(new DiskFileService().Compare(source, copy).Identical);

        // One byte changed, in the middle of an allocated run.
        QemuImg.Io("qcow2", copy, "write -P 0xee 21000000 1").EnsureSuccess("qemu-io");
        var qemu = QemuImg.Compare(source, Qemu(format), copy, "qcow2");
        Assert.Equal(1, qemu.ExitCode);
        var ours = new DiskFileService().Compare(source, copy);
        Assert.False(ours.Identical);
        Assert.Equal(21000000, ours.FirstDifferenceOffset);
        // qemu-img names the differing sector; we name the byte within it.
        Assert.Contains($"offset {21000000 / 512 * 512}!", qemu.Out);
        File.Delete(copy);
    }

    /// <summary>One source per format, written by qemu-img from a raw image with scattered, unaligned data.</summary>
    public sealed class Sources : IDisposable
    {
        public Sources()
        {
            Folder = new TempFolder("matrix");
            Raw = Folder.Combine("source.raw");
            QemuImg.Create("raw", Raw, Size);
            QemuImg.Io("raw", Raw,
                "write -P 0x11 0 1M",
                "write -P 0x22 3M 4096",
                "write -P 0x33 5242880 512",
                "write -P 0x44 20M 2M",
                "write -P 0x55 24M 64k").EnsureSuccess("qemu-io");
        }

        public TempFolder Folder { get; }

        public string Raw { get; }

        public string In(DiskFormat format)
        {
            if (format == DiskFormat.Raw)
            {
                return Raw;
            }

            var path = Folder.Combine("source." + Qemu(format));
            if (!File.Exists(path))
            {
                var options = format == DiskFormat.Vhd ? new[] { "-o", "force_size=on" } : Array.Empty<string>();
                QemuImg.Convert(Raw, "raw", path, Qemu(format), options);
            }

            return path;
        }

        public void Dispose() => Folder.Dispose();
    }
}
