using System;
using System.Globalization;

namespace ImageOps.Formats.Tests.Diagnostics;

public class ErrorTypesTests
{
    [Fact]
    public void A_corrupt_image_error_names_file_format_structure_and_offset()
    {
        var inner = new InvalidOperationException("inner");
        var ex = new CorruptImageException("/images/a.vhdx", "VHDX", 0x30000, "region table", "checksum mismatch", innerException: inner);
        Assert.Equal("ImageCorrupt", ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal("/images/a.vhdx", ex.Target);
        Assert.Same(inner, ex.InnerException);
        Assert.Contains("VHDX region table", ex.Message);
        Assert.Contains("196608 (0x30000)", ex.Message);
        Assert.Contains("/images/a.vhdx", ex.Message);
        Assert.Contains("checksum mismatch", ex.Message);
    }

    [Fact]
    public void An_unknown_offset_is_left_out_of_the_message()
    {
        var ex = new CorruptImageException("f", "QCOW2", -1, "header", "bad");
        Assert.DoesNotContain("offset", ex.Message);
    }

    [Fact]
    public void A_native_error_carries_function_and_code()
    {
        var ex = new NativeOperationException("ntfs_mount", 5, "I/O error", "/dev/x");
        Assert.Equal("NativeCallFailed", ex.ErrorId);
        Assert.Equal(ErrorKind.DeviceError, ex.Kind);
        Assert.Contains("ntfs_mount failed with code 5 (0x00000005)", ex.Message);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1536L * 1024 * 1024, "1.5 GiB")]
    [InlineData(8L * 1024 * 1024 * 1024 * 1024, "8.0 TiB")]
    public void Byte_sizes_use_binary_units(long bytes, string expected)
        => Assert.Equal(expected, ByteSize.Format(bytes, CultureInfo.InvariantCulture));

    [Fact]
    public void Percent_is_unknown_without_a_total_and_capped_at_100()
    {
        Assert.Equal(-1, new OperationProgress("a", "p", 10, -1).Percent);
        Assert.Equal(50, new OperationProgress("a", "p", 5, 10).Percent);
        Assert.Equal(100, new OperationProgress("a", "p", 11, 10).Percent);
    }

    [Fact]
    public void The_estimator_says_unknown_until_it_has_a_rate()
    {
        var estimator = new ProgressEstimator();
        Assert.Equal(-1, estimator.SecondsRemaining(new OperationProgress("a", "copy", 0, 100)));
        Assert.Equal(-1, estimator.SecondsRemaining(new OperationProgress("a", "copy", 1, 100)));
    }
}
