using System.IO;
using ImageOps.Engine.OfflineVolumes.Windows;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.OfflineVolumes.Windows;

/// <summary>The storage type comes from the file's content through ImageOps' format registry.</summary>
public class VirtualDiskContentProbeTests
{
    [Theory]
    [InlineData(DiskFormat.Vhd, 2u)]
    [InlineData(DiskFormat.Vhdx, 3u)]
    public void VHD_and_VHDX_are_told_apart_by_content_whatever_the_name(DiskFormat format, uint deviceId)
    {
        using var folder = new TempFolder("probe");
        var path = folder.Combine("image.img");
        Create(path, format);

        Assert.Equal(deviceId, VirtualDiskContentProbe.DeviceIdFor(path));
    }

    [Theory]
    [InlineData(DiskFormat.Qcow2)]
    [InlineData(DiskFormat.Vmdk)]
    [InlineData(DiskFormat.Raw)]
    public void Other_formats_are_refused_with_their_own_id(DiskFormat format)
    {
        using var folder = new TempFolder("probe");
        var path = folder.Combine("image.vhdx");
        Create(path, format);

        var error = Assert.Throws<UnsupportedFeatureException>(() => VirtualDiskContentProbe.DeviceIdFor(path));
        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskFormatNotSupported, error.ErrorId);
    }

    [Fact]
    public void A_missing_file_is_not_found()
    {
        using var folder = new TempFolder("probe");
        var error = Assert.Throws<ObjectNotFoundException>(() => VirtualDiskContentProbe.DeviceIdFor(folder.Combine("missing.vhdx")));
        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskNotFound, error.ErrorId);
    }

    [Fact]
    public void The_probe_reads_a_file_another_program_holds_open_for_writing()
    {
        using var folder = new TempFolder("probe");
        var path = folder.Combine("attached.vhdx");
        Create(path, DiskFormat.Vhdx);
        using var holder = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);

        Assert.Equal(3u, VirtualDiskContentProbe.DeviceIdFor(path));
    }

    private static void Create(string path, DiskFormat format)
    {
        using var disk = DiskFormats.Get(format).Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = 64L << 20 });
        disk.Flush();
    }
}
