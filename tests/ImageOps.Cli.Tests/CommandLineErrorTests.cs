using System.IO;
using System.Linq;
using ImageOps.Tests;

namespace ImageOps.Cli.Tests;

/// <summary>
/// What scripts pass by mistake: an empty string from an unset variable, a path with a NUL, a command
/// line that does not parse. Each must be a failure with an error id (exit 1, or 2 where the verb says
/// so), never a crash, and must touch nothing.
/// </summary>
public sealed class CommandLineErrorTests : System.IDisposable
{
    private readonly TempFolder _dir = new("cli-errors");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string[]> EmptyPaths => new()
    {
        new[] { "disk", "info", "" },
        new[] { "disk", "check", " " },
        new[] { "disk", "convert", "", "out.vhdx", "--format", "vhdx" },
        new[] { "disk", "create", "", "--size-bytes", "1048576", "--format", "raw" },
        new[] { "disk", "compare", "", "" },
        new[] { "disk", "measure", "", "--format", "qcow2" },
        new[] { "disk", "capture", "", "out.vhdx", "--format", "vhdx" },
        new[] { "image", "inventory", "" },
        new[] { "image", "drivers", "" },
        new[] { "image", "diff", "", "" },
        new[] { "driver", "inspect", "" },
        new[] { "driver", "add", "" },
        new[] { "pool", "new", "--name", "Gold", "--path", "" },
        new[] { "pool", "register", "" },
    };

    [Theory]
    [MemberData(nameof(EmptyPaths))]
    public void An_empty_path_is_PathInvalid_not_a_crash(string[] args)
    {
        var result = Cli.Run(args.Concat(new[] { "--library", _dir.Combine("library"), "--json" }).ToArray());

        // compare and diff keep qemu-img compare's meanings: 0 same, 1 different, 2 error.
        Assert.Equal(args[1] is "compare" or "diff" ? 2 : 1, result.ExitCode);
        Assert.Equal("PathInvalid", result.ErrorId);
        Assert.Contains("imageops: error PathInvalid:", result.Err);
        Assert.False(Directory.Exists(_dir.Combine("library", "pools")) && Directory.EnumerateFileSystemEntries(_dir.Combine("library", "pools")).Any());
    }

    [Fact]
    public void A_path_with_a_nul_is_PathInvalid_and_the_message_stays_printable()
    {
        var result = Cli.Run("disk", "info", "a\0b.vhdx", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("PathInvalid", result.ErrorId);
        Assert.DoesNotContain('\0', result.Err);
    }

    [Fact]
    public void An_empty_library_is_refused_rather_than_the_default_used()
    {
        var result = Cli.Run("pool", "list", "--library", "", "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("PathInvalid", result.ErrorId);
    }

    [Theory]
    [InlineData("disk", "info")]
    [InlineData("disk", "convert", "a.raw", "b.vhdx", "--format", "floppy")]
    [InlineData("pool", "frobnicate")]
    [InlineData("disk", "info", "a.raw", "--no-such-option")]
    public void With_json_a_command_line_that_does_not_parse_is_an_error_object(params string[] args)
    {
        var result = Cli.Run(args.Append("--json").ToArray());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("CommandLineInvalid", result.ErrorId);
        Assert.Equal("InvalidArgument", result.Json["error"]!["category"]!.ToString());
        Assert.False(string.IsNullOrWhiteSpace(result.Json["error"]!["message"]!.ToString()));
    }

    [Fact]
    public void Without_json_a_usage_error_is_reported_for_a_person()
    {
        var result = Cli.Run("disk", "info");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Required argument missing", result.Err);
        Assert.Contains("Usage:", result.Out);
    }

    [Theory]
    [InlineData("vhdx", "--block-size-bytes", "3", "DiskClusterSizeNotSupported")]
    [InlineData("qcow2", "--block-size-bytes", "3", "DiskClusterSizeNotSupported")]
    [InlineData("vmdk", "--block-size-bytes", "3", "DiskClusterSizeNotSupported")]
    [InlineData("vhd", "--block-size-bytes", "3", "DiskClusterSizeNotSupported")]
    [InlineData("vhdx", "--logical-sector-bytes", "1000", "DiskSectorSizeNotSupported")]
    [InlineData("vhdx", "--physical-sector-bytes", "1000", "DiskSectorSizeNotSupported")]
    public void Create_options_a_format_cannot_take_are_typed_errors_and_leave_no_file(string format, string option, string value, string errorId)
    {
        var path = _dir.Combine("new." + format);
        var result = Cli.Run("disk", "create", path, "--format", format, "--size-bytes", "1048576", option, value, "--json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(errorId, result.ErrorId);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }
}
