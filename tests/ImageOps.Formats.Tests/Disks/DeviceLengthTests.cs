using System;
using System.IO;
using System.Runtime.InteropServices;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks;

/// <summary>
/// A block device opens like a file, but fstat reports it as 0 bytes long; its size is asked with
/// lseek(SEEK_END). No loop device is available to tests, so the logic is exercised through its seam
/// with a regular file: lseek(SEEK_END) on a file answers its length just as it answers a device's size.
/// </summary>
public class DeviceLengthTests
{
    [Fact]
    public void A_reported_length_is_kept_and_the_end_is_not_asked()
    {
        var length = FileBlockStorage.ResolveLength(4096, () => throw new InvalidOperationException("asked"), out var device);
        Assert.Equal(4096, length);
        Assert.False(device);
    }

    [SkippableFact]
    public void A_zero_length_with_a_further_end_is_a_block_device_of_that_size()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "lseek(SEEK_END) is asked on Linux only");
        using var folder = new TempFolder("device");
        var path = folder.Combine("device-like.img");
        using (var file = File.Create(path))
        {
            file.SetLength(5L << 20);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
        var length = FileBlockStorage.ResolveLength(0, () => DeviceSize.SeekEnd(stream.SafeFileHandle), out var device);
        Assert.Equal(5L << 20, length);
        Assert.True(device);
    }

    [Fact]
    public void An_empty_file_is_empty_not_a_device()
    {
        using var folder = new TempFolder("device");
        var path = folder.Combine("empty.img");
        File.WriteAllBytes(path, Array.Empty<byte>());
        using var storage = FileBlockStorage.Open(path, writable: false);
        Assert.Equal(0, storage.Length);
        Assert.False(storage.IsBlockDevice);
    }

    [Fact]
    public void An_unsupported_query_leaves_the_reported_length()
    {
        Assert.Equal(0, FileBlockStorage.ResolveLength(0, () => -1, out var device));
        Assert.False(device);
    }

    [Fact]
    public void A_regular_file_is_not_a_device_and_raw_disks_over_it_keep_its_size()
    {
        using var folder = new TempFolder("device");
        var path = folder.Combine("disk.img");
        using (var file = File.Create(path))
        {
            file.SetLength(3L << 20);
        }

        using var storage = FileBlockStorage.Open(path, writable: false);
        Assert.False(storage.IsBlockDevice);
        using var disk = DiskFormats.Open(storage, new DiskOpenOptions { Format = DiskFormat.Raw });
        Assert.Equal(3L << 20, disk.Capacity);
    }
}
