using System;
using System.IO;
using System.Linq;
using System.Threading;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Disks;

/// <summary>Engine operations exercised with raw images (every format's own suite covers the rest).</summary>
public sealed class DiskFileServiceRawTests : IDisposable
{
    private readonly TempFolder _dir = new("disks");
    private readonly DiskFileService _service = new();

    public void Dispose() => _dir.Dispose();

    private string Sparse(string name, long size, params (long Offset, byte Value, int Length)[] writes) => _dir.SparseRaw(name, size, writes);

    [Fact]
    public void Info_describes_a_raw_file()
    {
        var path = Sparse("a.img", 64L << 20, (1L << 20, 7, 4096));
        var info = _service.GetInfo(path);
        Assert.Equal(DiskFormat.Raw, info.Format);
        Assert.Equal(64L << 20, info.CapacityBytes);
        Assert.InRange(info.AllocatedBytes, 4096, 2L << 20);
        var entry = Assert.Single(info.Chain);
        Assert.Equal(ChainLinkStatus.None, entry.ParentLink);
    }

    [Fact]
    public void Convert_copies_only_data_and_renames_into_place()
    {
        var source = Sparse("src.img", 256L << 20, (3L << 20, 0xa5, 1 << 20), (200L << 20, 0x11, 65536));
        var destination = _dir.Combine("out.img");
        var result = _service.Convert(new ConversionRequest { SourcePath = source, DestinationPath = destination, Format = DiskFormat.Raw, Variant = DiskVariant.Fixed });

        Assert.Equal(256L << 20, result.CapacityBytes);
        Assert.InRange(result.DataBytesWritten, (1L << 20) + 65536, 4L << 20);
        Assert.True(_service.Compare(source, destination).Identical);
        Assert.Equal(0, QemuImg.Compare(source, "raw", destination, "raw").ExitCode);
        Assert.Equal(new[] { "out.img", "src.img" }, Directory.GetFiles(_dir.Path).Select(Path.GetFileName).OrderBy(n => n));
    }

    [Fact]
    public void Convert_refuses_an_existing_destination_unless_told_to_replace_it()
    {
        var source = Sparse("src.img", 1L << 20, (0, 1, 512));
        var destination = Sparse("dst.img", 4096, (0, 9, 512));
        var ex = Assert.Throws<ObjectExistsException>(() => _service.Convert(new ConversionRequest { SourcePath = source, DestinationPath = destination, Format = DiskFormat.Raw }));
        Assert.Equal("DiskFileExists", ex.ErrorId);
        Assert.Equal(4096, new FileInfo(destination).Length);

        _service.Convert(new ConversionRequest { SourcePath = source, DestinationPath = destination, Format = DiskFormat.Raw, Overwrite = true });
        Assert.Equal(1L << 20, new FileInfo(destination).Length);
    }

    [Fact]
    public void Convert_refuses_to_write_over_its_own_source()
    {
        var source = Sparse("src.img", 1L << 20, (0, 1, 512));
        var ex = Assert.Throws<InvalidRequestException>(() => _service.Convert(new ConversionRequest { SourcePath = source, DestinationPath = source, Format = DiskFormat.Raw, Overwrite = true }));
        Assert.Equal("DestinationInSourceChain", ex.ErrorId);
    }

    [Fact]
    public void A_cancelled_conversion_leaves_no_destination_and_no_temp_file()
    {
        var source = Sparse("src.img", 512L << 20, Enumerable.Range(0, 64).Select(i => ((long)i << 23, (byte)(i + 1), 1 << 20)).ToArray());
        var destination = _dir.Combine("out.img");
        using var cts = new CancellationTokenSource();
        var progress = new Progress(p =>
        {
            if (p.Done > 0)
            {
                cts.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => _service.Convert(
            new ConversionRequest { SourcePath = source, DestinationPath = destination, Format = DiskFormat.Raw, Workers = 2 },
            new OperationContext(progress, cancellation: cts.Token)));
        Assert.Equal(new[] { "src.img" }, Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_profile_refuses_options_that_contradict_it()
    {
        var source = Sparse("src.img", 1L << 20);
        Assert.Equal("ProfileConflict", Assert.Throws<InvalidRequestException>(() => _service.Convert(new ConversionRequest { SourcePath = source, DestinationPath = _dir.Combine("a.vhd"), Profile = TargetProfile.Azure, Format = DiskFormat.Qcow2 })).ErrorId);
        Assert.Equal("ProfileConflict", Assert.Throws<InvalidRequestException>(() => _service.Convert(new ConversionRequest { SourcePath = source, DestinationPath = _dir.Combine("a.vmdk"), Profile = TargetProfile.Esxi, Subformat = "monolithicSparse" })).ErrorId);
        Assert.Equal(ErrorIds.InvalidArgument, Assert.Throws<InvalidRequestException>(() => _service.Convert(new ConversionRequest { SourcePath = source, DestinationPath = _dir.Combine("a.x") })).ErrorId);
    }

    [Fact]
    public void Compare_finds_the_first_difference_and_treats_a_zero_tail_as_equal()
    {
        var a = Sparse("a.img", 8L << 20, (5L << 20, 3, 4096));
        var b = Sparse("b.img", 16L << 20, (5L << 20, 3, 4096));
        Assert.True(_service.Compare(a, b).Identical);

        var c = Sparse("c.img", 8L << 20, (5L << 20, 3, 4096), ((5L << 20) + 1234, 4, 1));
        var diff = _service.Compare(a, c);
        Assert.False(diff.Identical);
        Assert.Equal((5L << 20) + 1234, diff.FirstDifferenceOffset);

        var d = Sparse("d.img", 16L << 20, (5L << 20, 3, 4096), (12L << 20, 1, 1));
        Assert.Equal(12L << 20, _service.Compare(a, d).FirstDifferenceOffset);
        Assert.Equal(0, QemuImg.Compare(a, "raw", b, "raw").ExitCode);
        Assert.Equal(1, QemuImg.Compare(a, "raw", d, "raw").ExitCode);
    }

    [Fact]
    public void Resize_grows_and_shrinks_only_when_allowed()
    {
        var path = Sparse("r.img", 4L << 20, (0, 1, 512));
        Assert.Equal(8L << 20, _service.Resize(path, 8L << 20).CapacityBytes);
        Assert.Equal("DiskShrinkNotAllowed", Assert.Throws<InvalidRequestException>(() => _service.Resize(path, 1L << 20)).ErrorId);
        Assert.Equal(1L << 20, _service.Resize(path, 1L << 20, allowShrink: true).CapacityBytes);
        Assert.Equal("DiskSizeInvalid", Assert.Throws<InvalidRequestException>(() => _service.Resize(path, 1000)).ErrorId);
    }

    [Fact]
    public void Checking_raw_is_not_supported_and_says_so()
    {
        var path = Sparse("c.img", 1L << 20);
        Assert.Equal(DiskCheckStatus.NotSupported, _service.Check(path).Status);
        Assert.Equal("DiskFileNotFound", Assert.Throws<ImageOpsException>(() => _service.Check(_dir.Combine("missing.img"))).ErrorId);
    }

    [Fact]
    public void Create_makes_an_empty_sparse_raw_disk()
    {
        var info = _service.Create(new NewDiskRequest { Path = _dir.Combine("new.img"), Format = DiskFormat.Raw, Variant = DiskVariant.Fixed, SizeBytes = 1L << 30 });
        Assert.Equal(1L << 30, info.CapacityBytes);
        Assert.Equal(0, info.AllocatedBytes);
        Assert.Equal("DiskSizeInvalid", Assert.Throws<InvalidRequestException>(() => _service.Create(new NewDiskRequest { Path = _dir.Combine("bad.img"), Format = DiskFormat.Raw, SizeBytes = 1000 })).ErrorId);
        Assert.Equal("DiskFileExists", Assert.Throws<ObjectExistsException>(() => _service.Create(new NewDiskRequest { Path = _dir.Combine("new.img"), Format = DiskFormat.Raw, SizeBytes = 4096 })).ErrorId);
    }

    private sealed class Progress : IProgress<OperationProgress>
    {
        private readonly Action<OperationProgress> _report;

        public Progress(Action<OperationProgress> report) => _report = report;

        public void Report(OperationProgress value) => _report(value);
    }
}
