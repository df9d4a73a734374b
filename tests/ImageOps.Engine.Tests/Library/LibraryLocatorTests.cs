using System;
using System.IO;
using ImageOps.Engine.Library;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Library;

[Collection(EnvironmentCollection.Name)]
public class LibraryLocatorTests
{
    [Fact]
    public void An_explicit_path_wins_over_the_environment()
    {
        using var env = new EnvironmentScope(LibraryLocator.HomeVariable, "/from/env");
        Assert.Equal(Path.GetFullPath("/explicit/lib"), LibraryLocator.Resolve("/explicit/lib"));
    }

    [Fact]
    public void IMAGEOPS_HOME_wins_over_the_default()
    {
        using var env = new EnvironmentScope(LibraryLocator.HomeVariable, "/from/env");
        Assert.Equal(Path.GetFullPath("/from/env"), LibraryLocator.Resolve());
    }

    [Fact]
    public void The_default_follows_XDG_DATA_HOME_then_HOME_on_unix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.EndsWith(Path.Combine("ImageOps"), LibraryLocator.DefaultPath());
            return;
        }

        using (new EnvironmentScope("XDG_DATA_HOME", "/xdg"))
        {
            Assert.Equal("/xdg/imageops", LibraryLocator.DefaultPath());
        }

        using (new EnvironmentScope("XDG_DATA_HOME", null))
        using (new EnvironmentScope("HOME", "/home/admin"))
        {
            Assert.Equal("/home/admin/.local/share/imageops", LibraryLocator.DefaultPath());
        }
    }

    [Fact]
    public void Opening_creates_the_library_once_and_keeps_its_identity()
    {
        using var dir = new TempFolder();
        var first = ImageLibrary.Open(dir.Combine("lib"));
        var second = ImageLibrary.Open(dir.Combine("lib"));
        Assert.Equal(first.Id, second.Id);
        Assert.True(File.Exists(dir.Combine("lib", "library.json")));
    }

    [Fact]
    public void A_library_that_cannot_be_created_is_a_typed_error()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.Combine("file"), "x");
        var ex = Assert.Throws<StorageUnavailableException>(() => ImageLibrary.Open(dir.Combine("file", "lib")));
        Assert.Equal(ErrorIds.LibraryUnavailable, ex.ErrorId);
    }
}
