using System;
using System.IO;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks;

public sealed class ParentResolverTests : IDisposable
{
    private readonly TempFolder _dir = new("parents");
    private readonly string _child;

    public ParentResolverTests()
    {
        Directory.CreateDirectory(_dir.Combine("images", "sub"));
        File.WriteAllText(_dir.Combine("images", "base.img"), "base");
        File.WriteAllText(_dir.Combine("images", "sub", "mid.img"), "mid");
        File.WriteAllText(_dir.Combine("outside.img"), "outside");
        _child = _dir.Combine("images", "child.img");
        File.WriteAllText(_child, "child");
    }

    public void Dispose() => _dir.Dispose();

    private ParentResolver Resolver => ParentResolver.ForImage(_child);

    [Theory]
    [InlineData("base.img", "images/base.img")]
    [InlineData("./base.img", "images/base.img")]
    [InlineData(@".\base.img", "images/base.img")]
    [InlineData("sub/mid.img", "images/sub/mid.img")]
    [InlineData(@"sub\mid.img", "images/sub/mid.img")]
    [InlineData("sub/../base.img", "images/base.img")]
    public void Relative_references_resolve_beside_the_child(string reference, string expected)
        => Assert.Equal(Path.GetFullPath(_dir.Combine(expected.Split('/'))), Resolver.Resolve(_child, reference));

    [Fact]
    public void An_absolute_path_inside_the_roots_is_used()
        => Assert.Equal(_dir.Combine("images", "base.img"), Resolver.Resolve(_child, _dir.Combine("images", "base.img")));

    [Fact]
    public void An_absolute_windows_path_from_another_machine_finds_the_file_beside_the_child()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.Equal(_dir.Combine("images", "base.img"), Resolver.Resolve(_child, @"C:\Hyper-V\Disks\base.img"));
    }

    [Theory]
    [InlineData("../outside.img")]
    [InlineData("sub/../../outside.img")]
    [InlineData("/etc/passwd")]
    [InlineData("/etc/shadow-not-there")]
    public void References_that_leave_the_allowed_folders_are_refused(string reference)
    {
        var ex = Assert.Throws<ImageOpsException>(() => Resolver.Resolve(_child, reference));
        Assert.Equal("ParentReferenceRefused", ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
    }

    [Theory]
    [InlineData("http://evil.example/base.img")]
    [InlineData("nbd://host:10809/export")]
    [InlineData("json:{\"driver\":\"file\",\"filename\":\"/etc/passwd\"}")]
    [InlineData("file:/etc/passwd")]
    [InlineData(@"\\server\share\base.vhd")]
    [InlineData("//server/share/base.vhd")]
    [InlineData("NUL")]
    [InlineData("con.vhd")]
    [InlineData("base.img:stream")]
    [InlineData("base\0.img")]
    [InlineData("")]
    [InlineData("   ")]
    public void Hostile_references_are_refused_before_anything_is_opened(string reference)
    {
        var ex = Assert.Throws<ImageOpsException>(() => Resolver.Resolve(_child, reference));
        Assert.Equal("ParentReferenceRefused", ex.ErrorId);
    }

    [Fact]
    public void A_missing_parent_inside_the_roots_is_not_found()
    {
        var ex = Assert.Throws<ImageOpsException>(() => Resolver.Resolve(_child, "missing.img"));
        Assert.Equal("ParentNotFound", ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
    }

    [Fact]
    public void A_symbolic_link_is_refused_because_its_target_cannot_be_checked()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.CreateSymbolicLink(_dir.Combine("images", "link.img"), _dir.Combine("outside.img"));
        var ex = Assert.Throws<ImageOpsException>(() => Resolver.Resolve(_child, "link.img"));
        Assert.Equal("ParentReferenceRefused", ex.ErrorId);
    }

    [Fact]
    public void More_roots_can_be_allowed()
    {
        var resolver = new ParentResolver(new[] { _dir.Combine("images"), _dir.Path });
        Assert.Equal(_dir.Combine("outside.img"), resolver.Resolve(_child, "../outside.img"));
    }
}
