using System.IO;
using System.Linq;
using Newtonsoft.Json.Linq;
using ImageOps.Tests;

namespace ImageOps.Cli.Tests;

/// <summary>The disk verbs' contract: JSON shapes and qemu-img's exit codes. Format-specific behaviour is tested per format.</summary>
public sealed class DiskVerbTests : System.IDisposable
{
    private readonly TempFolder _dir = new("cli-disk");

    public void Dispose() => _dir.Dispose();

    private string Raw(string name, long size, params (long Offset, byte Value, int Length)[] writes) => _dir.SparseRaw(name, size, writes);

    [Fact]
    public void Info_reports_format_size_and_chain_as_json()
    {
        var path = Raw("a.img", 16L << 20, (1L << 20, 5, 4096));
        var result = Cli.Run("disk", "info", path, "--json");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Raw", result.Json["format"]!.ToString());
        Assert.Equal(16L << 20, (long)result.Json["capacityBytes"]!);
        Assert.Single((JArray)result.Json["chain"]!);
    }

    [Fact]
    public void Convert_then_compare_exits_0_and_a_difference_exits_1_with_the_offset()
    {
        var a = Raw("a.img", 8L << 20, (4096, 1, 512));
        var b = _dir.Combine("b.img");
        var converted = Cli.Run("disk", "convert", a, b, "--format", "raw", "--json");
        Assert.Equal(0, converted.ExitCode);
        Assert.Equal(b, converted.Json["destinationPath"]!.ToString());

        Assert.Equal(0, Cli.Run("disk", "compare", a, b).ExitCode);
        var c = Raw("c.img", 8L << 20, (4096, 1, 512), (5000, 2, 1));
        var different = Cli.Run("disk", "compare", a, c, "--json");
        Assert.Equal(1, different.ExitCode);
        Assert.False((bool)different.Json["identical"]!);
        Assert.Equal(5000, (long)different.Json["firstDifferenceOffset"]!);
    }

    [Fact]
    public void Capture_writes_the_image_and_reports_it_as_json()
    {
        var source = Raw("disk.img", 8L << 20, (0, 7, 4096), (3L << 20, 9, 8192));
        var image = _dir.Combine("captured.vhdx");
        var captured = Cli.Run("disk", "capture", source, image, "--format", "vhdx", "--used-only", "--json");
        Assert.Equal(0, captured.ExitCode);
        Assert.Equal(image, captured.Json["destinationPath"]!.ToString());
        Assert.Equal("Vhdx", captured.Json["format"]!.ToString());
        Assert.True((bool)captured.Json["usedOnly"]!);
        Assert.Equal(8L << 20, (long)captured.Json["capacityBytes"]!);
        Assert.Equal("AllSectors", captured.Json["volumes"]![0]!["method"]!.ToString());
        Assert.Equal(0, Cli.Run("disk", "compare", source, image).ExitCode);
    }

    [Fact]
    public void Capture_of_a_missing_partition_fails_with_its_error_id()
    {
        var source = Raw("disk.img", 8L << 20, (4096, 7, 512));
        var result = Cli.Run("disk", "capture", source, _dir.Combine("p.vhdx"), "--format", "vhdx", "--partition", "3", "--json");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal("PartitionNotFound", result.ErrorId);
        Assert.False(File.Exists(_dir.Combine("p.vhdx")));
    }

    [Fact]
    public void Compare_errors_exit_2_as_qemu_img_compare_does()
    {
        var a = Raw("a.img", 4096);
        var result = Cli.Run("disk", "compare", a, _dir.Combine("missing.img"), "--json");
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("DiskFileNotFound", result.ErrorId);
    }

    [Fact]
    public void Check_of_raw_exits_63_not_supported()
    {
        var result = Cli.Run("disk", "check", Raw("a.img", 4096), "--json");
        Assert.Equal(63, result.ExitCode);
        Assert.Equal("NotSupported", result.Json["status"]!.ToString());
    }

    [Fact]
    public void Check_errors_exit_1()
        => Assert.Equal(1, Cli.Run("disk", "check", _dir.Combine("missing.img")).ExitCode);

    [Fact]
    public void Create_resize_and_measure()
    {
        var path = _dir.Combine("new.img");
        var created = Cli.Run("disk", "create", path, "--format", "raw", "--size-bytes", (32L << 20).ToString(), "--fixed", "--json");
        Assert.Equal(0, created.ExitCode);
        Assert.Equal(32L << 20, (long)created.Json["capacityBytes"]!);

        Assert.Equal("DiskShrinkNotAllowed", Cli.Run("disk", "resize", path, "--size-bytes", (16L << 20).ToString(), "--json").ErrorId);
        Assert.Equal(16L << 20, (long)Cli.Run("disk", "resize", path, "--size-bytes", (16L << 20).ToString(), "--shrink", "--json").Json["capacityBytes"]!);

        var measured = Cli.Run("disk", "measure", path, "--format", "raw", "--json");
        Assert.Equal(16L << 20, (long)measured.Json["fullyAllocatedBytes"]!);
    }

    [Fact]
    public void What_if_creates_and_converts_nothing()
    {
        var a = Raw("a.img", 4096);
        Assert.Equal(0, Cli.Run("disk", "convert", a, _dir.Combine("b.img"), "--format", "raw", "--what-if").ExitCode);
        Assert.Equal(0, Cli.Run("disk", "create", _dir.Combine("c.img"), "--format", "raw", "--size-bytes", "4096", "--what-if").ExitCode);
        Assert.Equal(new[] { "a.img" }, Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void An_unknown_format_name_is_a_usage_error()
    {
        var result = Cli.Run("disk", "convert", Raw("a.img", 4096), _dir.Combine("b"), "--format", "vdi");
        Assert.NotEqual(0, result.ExitCode);
        Assert.False(File.Exists(_dir.Combine("b")));
    }
}
