using System.IO;
using ImageOps.Formats.Inf;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Inf;

public class InfFolderSourceTests
{
    [Fact]
    public void A_missing_folder_is_a_typed_error()
    {
        using var temp = new TempFolder("inf");
        var ex = Assert.Throws<ImageOpsException>(() => new InfFolderSource(temp.Combine("nope")));
        Assert.Equal(InfFolderSource.FolderNotFoundErrorId, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
    }

    [Fact]
    public void Files_are_found_without_case_and_folders_are_not_files()
    {
        using var temp = new TempFolder("inf");
        Directory.CreateDirectory(temp.Combine("Drivers", "X64"));
        File.WriteAllText(temp.Combine("Drivers", "X64", "Disk.SYS"), "data");
        var source = new InfFolderSource(temp.Path);
        Assert.True(source.FileExists("drivers/x64/disk.sys"));
        Assert.True(source.FileExists(@"drivers\x64\DISK.sys"));
        Assert.False(source.FileExists("drivers/x64"));
        Assert.False(source.FileExists("drivers/x64/other.sys"));
        Assert.False(source.FileExists("nothere/disk.sys"));
        using var stream = source.OpenRead("DRIVERS/x64/disk.sys");
        Assert.NotNull(stream);
        Assert.Equal("data", new StreamReader(stream!).ReadToEnd());
        Assert.Null(source.OpenRead("drivers/x64/other.sys"));
    }

    [Theory]
    [InlineData("../outside.inf")]
    [InlineData("drivers/../../outside.inf")]
    [InlineData("/etc/passwd")]
    [InlineData("\\Windows\\win.ini")]
    [InlineData("C:/Windows/win.ini")]
    [InlineData("C:win.ini")]
    [InlineData("\\\\server\\share\\x.inf")]
    [InlineData("//server/share/x.inf")]
    [InlineData("x.inf:stream")]
    [InlineData("CON")]
    [InlineData("drivers/nul.sys")]
    [InlineData("drivers/aux")]
    [InlineData("x.inf.")]
    [InlineData("x?.inf")]
    [InlineData("")]
    public void Paths_that_could_leave_the_package_are_refused(string path)
    {
        using var temp = new TempFolder("inf");
        var source = new InfFolderSource(temp.Path);
        var ex = Assert.Throws<InfFileReferenceException>(() => source.FileExists(path));
        Assert.Equal(InfFileReferenceException.RefusedErrorId, ex.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, ex.Kind);
        Assert.Throws<InfFileReferenceException>(() => source.OpenRead(path));
    }

    [Fact]
    public void Names_that_differ_only_in_case_are_ambiguous_and_refused()
    {
        using var temp = new TempFolder("inf");
        File.WriteAllText(temp.Combine("a.sys"), "1");
        File.WriteAllText(temp.Combine("A.SYS"), "2");
        if (Directory.GetFiles(temp.Path).Length < 2)
        {
            return; // A case-insensitive file system cannot hold both; nothing to check there.
        }

        var source = new InfFolderSource(temp.Path);
        Assert.Contains("differ only in case", Assert.Throws<InfFileReferenceException>(() => source.FileExists("a.sys")).Reason);
    }

    [Fact]
    public void Links_are_refused_even_when_they_point_inside()
    {
        using var temp = new TempFolder("inf");
        using var outside = new TempFolder("outside");
        File.WriteAllText(outside.Combine("secret.txt"), "secret");
        Directory.CreateDirectory(temp.Combine("pkg"));
        File.WriteAllText(temp.Combine("pkg", "real.sys"), "x");
        try
        {
            File.CreateSymbolicLink(temp.Combine("pkg", "escape.sys"), outside.Combine("secret.txt"));
            Directory.CreateSymbolicLink(temp.Combine("pkg", "dir"), outside.Path);
            File.CreateSymbolicLink(temp.Combine("pkg", "inside.sys"), temp.Combine("pkg", "real.sys"));
        }
        catch (IOException)
        {
            return; // The host does not allow creating links (Windows without developer mode).
        }
        catch (System.UnauthorizedAccessException)
        {
            return;
        }

        var source = new InfFolderSource(temp.Combine("pkg"));
        Assert.True(source.FileExists("real.sys"));
        Assert.Contains("link", Assert.Throws<InfFileReferenceException>(() => source.OpenRead("escape.sys")).Reason);
        Assert.Throws<InfFileReferenceException>(() => source.FileExists("dir/secret.txt"));
        Assert.Throws<InfFileReferenceException>(() => source.FileExists("inside.sys"));
    }
}
