using System;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.OfflineVolumes;

/// <summary>The folder backend: same contract, and nothing outside the folder is ever touched.</summary>
public class DirectoryVolumeTests
{
    [Fact]
    public void Writes_reads_replaces_lists_and_deletes_inside_the_folder()
    {
        using var folder = new TempFolder("dirvol");
        using var volume = new DirectoryVolume(folder.Path);
        volume.WriteAllBytes("Windows/System32/config/SYSTEM", Encoding.ASCII.GetBytes("old"));
        volume.WriteAllBytes("Windows\\System32\\config\\SYSTEM", Encoding.ASCII.GetBytes("new hive"));
        Assert.Equal("new hive", Encoding.ASCII.GetString(File.ReadAllBytes(folder.Combine("Windows", "System32", "config", "SYSTEM"))));
        Assert.Equal("new hive", Encoding.ASCII.GetString(volume.ReadAllBytes("/Windows/System32/config/SYSTEM")));
        Assert.Equal(new[] { "SYSTEM" }, volume.ListDirectory("Windows/System32/config"));
        Assert.Equal(OfflineEntryKind.Directory, volume.GetEntryKind("Windows"));
        Assert.Equal(OfflineEntryKind.File, volume.GetEntryKind("Windows/System32/config/SYSTEM"));
        Assert.Empty(Directory.GetFiles(folder.Combine("Windows", "System32", "config"), "*.tmp"));
        volume.DeleteFile("Windows/System32/config/SYSTEM");
        Assert.Equal(OfflineEntryKind.None, volume.GetEntryKind("Windows/System32/config/SYSTEM"));
        Assert.Equal("OfflinePathNotFound", Assert.ThrowsAny<ImageOpsException>(() => volume.DeleteFile("Windows/System32/config/SYSTEM")).ErrorId);
        Assert.Equal("OfflinePathIsDirectory", Assert.ThrowsAny<ImageOpsException>(() => volume.DeleteFile("Windows")).ErrorId);
    }

    [Fact]
    public void A_link_inside_the_image_is_not_followed_out_of_the_folder()
    {
        using var folder = new TempFolder("dirvol");
        using var outside = new TempFolder("outside");
        Directory.CreateSymbolicLink(folder.Combine("Windows"), outside.Path);
        using var volume = new DirectoryVolume(folder.Path);
        var error = Assert.ThrowsAny<ImageOpsException>(() => volume.WriteAllBytes("Windows/evil.txt", new byte[1]));
        Assert.Equal("OfflinePathIsLink", error.ErrorId);
        Assert.Equal(ErrorKind.SecurityError, error.Kind);
        Assert.Empty(Directory.GetFileSystemEntries(outside.Path));
        Assert.Equal("OfflinePathIsLink", Assert.ThrowsAny<ImageOpsException>(() => volume.ReadAllBytes("Windows/anything")).ErrorId);
    }

    [Fact]
    public void Read_only_folders_refuse_writes_and_missing_roots_are_errors()
    {
        using var folder = new TempFolder("dirvol");
        using var volume = new DirectoryVolume(folder.Path, readOnly: true);
        Assert.False(volume.CanWrite);
        Assert.Equal("OfflineVolumeReadOnly", Assert.ThrowsAny<ImageOpsException>(() => volume.CreateDirectory("x")).ErrorId);
        Assert.Equal("OfflinePathNotFound", Assert.ThrowsAny<ImageOpsException>(() => new DirectoryVolume(folder.Combine("missing"))).ErrorId);
    }

    [Theory]
    [InlineData("", new string[0])]
    [InlineData("\\", new string[0])]
    [InlineData("a/./b\\\\c/", new[] { "a", "b", "c" })]
    [InlineData("Windows\\System32", new[] { "Windows", "System32" })]
    public void Paths_split_into_names(string path, string[] names)
    {
        Assert.Equal(names, OfflinePath.Split(path).ToArray());
    }
}
