using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Ntfs;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.OfflineVolumes;

/// <summary>The libntfs-3g backend's contract: layers, errors, safety refusals, attributes, case rules.</summary>
[Collection(OfflineVolumeCollection.Name)]
public class Ntfs3gVolumeTests
{
    private const long Size = 40L << 20;

    internal static VirtualDisk FormattedMemoryDisk(string label = "TEST")
    {
        NtfsTooling.Require();

        var disk = DiskFormats.Open(new MemoryBlockStorage(new byte[Size]), new DiskOpenOptions { Writable = true });
        NtfsVolumeFormatter.Format(disk, 0, Size, new NtfsFormatOptions { Label = label });
        return disk;
    }

    private static byte[] Hash(VirtualDisk disk)
    {
        using var sha = SHA256.Create();
        var buffer = new byte[1 << 20];
        for (long at = 0; at < disk.Capacity; at += buffer.Length)
        {
            disk.Read(at, buffer);
            sha.TransformBlock(buffer, 0, buffer.Length, null, 0);
        }

        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return sha.Hash!;
    }

    [SkippableFact]
    public void Writes_into_a_differencing_layer_leave_the_base_byte_identical()
    {
        using var baseDisk = FormattedMemoryDisk();
        using (var volume = Ntfs3gVolume.Open(baseDisk, 0, Size))
        {
            volume.WriteAllBytes("Windows/System32/config/SYSTEM", Encoding.ASCII.GetBytes("regf old hive"));
        }

        var before = Hash(baseDisk);
        using var layer = new OverlayDisk(baseDisk);
        using (var volume = Ntfs3gVolume.Open(layer, 0, Size))
        {
            var hive = volume.ReadAllBytes("windows\\system32\\CONFIG\\system");
            Assert.Equal("regf old hive", Encoding.ASCII.GetString(hive));
            volume.WriteAllBytes("Windows\\System32\\config\\SYSTEM", Encoding.ASCII.GetBytes("regf new hive, edited in memory"));
            volume.WriteAllBytes("Windows\\INF\\oem0.inf", Encoding.ASCII.GetBytes("[Version]"));
            volume.Flush();
        }

        Assert.Equal(before, Hash(baseDisk));
        Assert.True(layer.WrittenClusters > 0);
        using var reader = NtfsVolume.Open(layer, 0, Size);
        Assert.Equal("regf new hive, edited in memory", Encoding.ASCII.GetString(reader.ReadAllBytes("/Windows/System32/config/SYSTEM")));
        Assert.True(reader.Exists("/Windows/INF/oem0.inf"));
        using var baseReader = NtfsVolume.Open(baseDisk, 0, Size);
        Assert.Equal("regf old hive", Encoding.ASCII.GetString(baseReader.ReadAllBytes("/Windows/System32/config/SYSTEM")));
        Assert.False(baseReader.Exists("/Windows/INF"));
    }

    [SkippableFact]
    public void A_failing_disk_becomes_a_typed_error_not_a_crash()
    {
        using var baseDisk = FormattedMemoryDisk();
        using var layer = new OverlayDisk(baseDisk);
        var volume = Ntfs3gVolume.Open(layer, 0, Size);
        layer.FailAfterWrites = 3;
        var error = Assert.ThrowsAny<ImageOpsException>(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                volume.WriteAllBytes($"dir{i}/file.bin", new byte[200_000]);
            }

            volume.Flush();
        });
        Assert.IsType<IOException>(error.InnerException);
        Assert.Contains("injected write failure", error.Message);
        layer.FailAfterWrites = null;
        try
        {
            volume.Dispose();
        }
        catch (ImageOpsException)
        {
            // Unmounting after a failed write may report it again; it must still be typed.
        }
    }

    [Fact]
    public void A_missing_library_is_reported_as_not_installed()
    {
        var error = Assert.ThrowsAny<ImageOpsException>(() => Ntfs3gLibrary.EnsureAvailable("libntfs-3g-imageops-missing.so.1"));
        Assert.Equal("Ntfs3gNotAvailable", error.ErrorId);
        Assert.Equal(ErrorKind.NotInstalled, error.Kind);
    }

    [SkippableFact]
    public void Not_ntfs_is_a_native_error_with_errno()
    {
        External.Tool("mkntfs");
        using var disk = DiskFormats.Open(new MemoryBlockStorage(new byte[Size]), new DiskOpenOptions { Writable = true });
        var error = Assert.Throws<NativeOperationException>(() => Ntfs3gVolume.Open(disk, 0, Size));
        Assert.Equal("ntfs_device_mount", error.Function);
        Assert.Equal("NtfsMountFailed", error.ErrorId);
        Assert.NotEqual(0, error.Code);
    }

    [SkippableFact]
    public void A_hibernated_volume_is_refused_for_writing_but_opens_read_only()
    {
        using var disk = FormattedMemoryDisk();
        using (var volume = Ntfs3gVolume.Open(disk, 0, Size))
        {
            var hiberfil = new byte[8192];
            Encoding.ASCII.GetBytes("HIBR").CopyTo(hiberfil, 0);
            volume.WriteAllBytes("hiberfil.sys", hiberfil);
        }

        var error = Assert.ThrowsAny<ImageOpsException>(() => Ntfs3gVolume.Open(disk, 0, Size));
        Assert.Equal("NtfsVolumeUnclean", error.ErrorId);
        using var readOnly = Ntfs3gVolume.Open(disk, 0, Size, new Ntfs3gOpenOptions { ReadOnly = true });
        Assert.False(readOnly.CanWrite);
        Assert.Equal(OfflineEntryKind.File, readOnly.GetEntryKind("HIBERFIL.SYS"));
        Assert.Equal("OfflineVolumeReadOnly", Assert.ThrowsAny<ImageOpsException>(() => readOnly.CreateDirectory("x")).ErrorId);
    }

    [SkippableFact]
    public void Names_are_case_insensitive_by_default_and_replace_in_place()
    {
        using var disk = FormattedMemoryDisk();
        using (var volume = Ntfs3gVolume.Open(disk, 0, Size))
        {
            volume.WriteAllBytes("Drivers/Storage.INF", Encoding.ASCII.GetBytes("one"));
            volume.WriteAllBytes("DRIVERS/storage.inf", Encoding.ASCII.GetBytes("two"));
            Assert.Equal(new[] { "Storage.INF" }, volume.ListDirectory("drivers"));
            Assert.Equal("two", Encoding.ASCII.GetString(volume.ReadAllBytes("drivers/STORAGE.inf")));
            Assert.Equal("OfflinePathNotDirectory", Assert.ThrowsAny<ImageOpsException>(() => volume.WriteAllBytes("drivers/storage.inf/x", new byte[1])).ErrorId);
            Assert.Equal("OfflinePathIsDirectory", Assert.ThrowsAny<ImageOpsException>(() => volume.WriteAllBytes("drivers", new byte[1])).ErrorId);
        }

        using var reader = NtfsVolume.Open(disk, 0, Size);
        Assert.Equal("two", Encoding.ASCII.GetString(reader.ReadAllBytes("/drivers/storage.inf")));
    }

    [SkippableFact]
    public void Times_and_sizes_written_by_ntfs3g_are_what_the_reader_reports()
    {
        using var disk = FormattedMemoryDisk();
        var before = DateTime.UtcNow.AddSeconds(-5);
        using (var volume = Ntfs3gVolume.Open(disk, 0, Size))
        {
            volume.WriteAllBytes("Windows/notepad.exe", new byte[123_457]);
        }

        var after = DateTime.UtcNow.AddSeconds(5);
        using var reader = NtfsVolume.Open(disk, 0, Size);
        var entry = reader.GetEntry("/windows/NOTEPAD.EXE");
        Assert.Equal(123_457, entry.Length);
        Assert.Equal(124 * 1024, entry.AllocatedLength); // whole 4 KiB clusters
        foreach (var time in new[] { entry.CreationTimeUtc, entry.LastWriteTimeUtc, entry.ChangeTimeUtc, entry.LastAccessTimeUtc })
        {
            Assert.InRange(time, before, after);
        }

        Assert.Equal(DateTimeKind.Utc, entry.LastWriteTimeUtc.Kind);
        Assert.True(reader.GetEntry("/Windows").IsDirectory);
        Assert.Equal(NtfsFileAttributes.Directory, reader.GetEntry("/Windows").Attributes & NtfsFileAttributes.Directory);
    }

    [SkippableFact]
    public void After_flush_the_disk_already_holds_what_was_written()
    {
        using var disk = FormattedMemoryDisk();
        using var volume = Ntfs3gVolume.Open(disk, 0, Size);
        volume.WriteAllBytes("Windows/INF/oem1.inf", Encoding.ASCII.GetBytes("[Version]\r\nSignature=\"$Windows NT$\"\r\n"));
        volume.Flush();

        // A snapshot taken while still mounted (as a kill would leave it) reads the file back.
        var snapshot = new byte[Size];
        disk.Read(0, snapshot);
        using var reader = NtfsVolume.Open(new MemoryBlockStorage(snapshot, writable: false));
        Assert.StartsWith("[Version]", Encoding.ASCII.GetString(reader.ReadAllBytes("/Windows/INF/oem1.inf")));
        Assert.False(reader.IsDirty);
    }

    [SkippableFact]
    public void Delete_removes_files_only()
    {
        using var disk = FormattedMemoryDisk();
        using (var volume = Ntfs3gVolume.Open(disk, 0, Size))
        {
            volume.WriteAllBytes("a/b.txt", new byte[10_000]);
            volume.WriteAllBytes("a/c.txt", new byte[5]);
            volume.DeleteFile("A/B.TXT");
            Assert.Equal(OfflineEntryKind.None, volume.GetEntryKind("a/b.txt"));
            Assert.Equal("OfflinePathNotFound", Assert.ThrowsAny<ImageOpsException>(() => volume.DeleteFile("a/b.txt")).ErrorId);
            Assert.Equal("OfflinePathIsDirectory", Assert.ThrowsAny<ImageOpsException>(() => volume.DeleteFile("a")).ErrorId);
            Assert.Equal("OfflinePathNotFound", Assert.ThrowsAny<ImageOpsException>(() => volume.ReadAllBytes("nope")).ErrorId);
        }

        using var reader = NtfsVolume.Open(disk, 0, Size);
        Assert.Equal(new[] { "c.txt" }, reader.ListDirectory("/a").Select(e => e.Name));
    }

    [SkippableFact]
    public void Attributes_are_set_where_ntfs_allows_and_refused_elsewhere()
    {
        using var disk = FormattedMemoryDisk();
        using (var volume = Ntfs3gVolume.Open(disk, 0, Size))
        {
            volume.WriteAllBytes("boot/bootstat.dat", new byte[100]);
            volume.SetAttributes("boot/bootstat.dat", FileAttributes.Hidden | FileAttributes.System | FileAttributes.Archive);
            Assert.Equal(FileAttributes.Hidden | FileAttributes.System | FileAttributes.Archive, volume.GetAttributes("BOOT/BOOTSTAT.DAT"));
            Assert.True((volume.GetAttributes("boot") & FileAttributes.Directory) != 0);
            Assert.Equal("OfflineAttributesNotSupported", Assert.ThrowsAny<ImageOpsException>(() => volume.SetAttributes("boot/bootstat.dat", FileAttributes.Compressed)).ErrorId);
            Assert.Equal("OfflineAttributesNotSupported", Assert.ThrowsAny<ImageOpsException>(() => volume.SetAttributes("boot/bootstat.dat", FileAttributes.Encrypted)).ErrorId);
        }

        using var reader = NtfsVolume.Open(disk, 0, Size);
        var entry = reader.GetEntry("/boot/bootstat.dat");
        Assert.Equal(NtfsFileAttributes.Hidden | NtfsFileAttributes.System | NtfsFileAttributes.Archive, entry.Attributes);
    }

    [SkippableTheory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../b")]
    [InlineData("C:/Windows")]
    [InlineData("file.txt:stream")]
    [InlineData("CON")]
    [InlineData("dir/nul.txt")]
    [InlineData("trailing.")]
    [InlineData("tab\tname")]
    [InlineData("a*b")]
    public void Unsafe_paths_are_refused_by_every_backend(string path)
    {
        using var disk = FormattedMemoryDisk();
        using var volume = Ntfs3gVolume.Open(disk, 0, Size);
        Assert.Equal("OfflinePathInvalid", Assert.ThrowsAny<ImageOpsException>(() => volume.WriteAllBytes(path, new byte[1])).ErrorId);
        using var folder = new TempFolder("dirvol");
        using var directory = new DirectoryVolume(folder.Path);
        Assert.Equal("OfflinePathInvalid", Assert.ThrowsAny<ImageOpsException>(() => directory.WriteAllBytes(path, new byte[1])).ErrorId);
    }

    [SkippableFact]
    public void Formatter_puts_the_partition_geometry_in_the_boot_sector()
    {
        External.Tool("mkntfs");
        var storage = new MemoryBlockStorage();
        storage.SetLength(Size + (1 << 20));
        using var disk = DiskFormats.Open(storage, new DiskOpenOptions { Writable = true });
        NtfsVolumeFormatter.Format(disk, 1 << 20, Size, new NtfsFormatOptions { Label = "GEOMETRY" });
        var boot = new byte[512];
        disk.Read(1 << 20, boot);
        Assert.Equal((1 << 20) / 512, BitConverter.ToInt32(boot, 0x1C)); // hidden sectors = partition start
        Assert.Equal(255, BitConverter.ToUInt16(boot, 0x1A));
        Assert.Equal(63, BitConverter.ToUInt16(boot, 0x18));
        using var reader = NtfsVolume.Open(disk, 1 << 20, Size);
        Assert.Equal("GEOMETRY", reader.Label);

        // Only metadata was written: the in-memory disk allocated a few MiB, not the 40 MiB partition.
        Assert.True(storage.AllocatedBytes < Size / 4, $"{storage.AllocatedBytes} bytes allocated");
    }
}
