using System;
using System.IO;
using System.Linq;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Ntfs;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.OfflineVolumes;

[Collection(OfflineVolumeCollection.Name)]
public class Ntfs3gSmokeTests
{
    [SkippableFact]
    public void Writes_a_file_into_an_in_memory_disk_and_the_reader_sees_it()
    {
        External.Tool("mkntfs");
        using var disk = DiskFormats.Open(new MemoryBlockStorage(new byte[64 << 20]), new DiskOpenOptions { Writable = true });
        NtfsVolumeFormatter.Format(disk, 1 << 20, 62 << 20, new NtfsFormatOptions { Label = "SMOKE" });
        var content = new byte[100_000];
        new Random(1).NextBytes(content);
        using (var volume = Ntfs3gVolume.Open(disk, 1 << 20, 62 << 20))
        {
            volume.CreateDirectory("Windows/System32");
            volume.WriteAllBytes("Windows\\System32\\test.bin", content);
            Assert.Equal(OfflineEntryKind.File, volume.GetEntryKind("WINDOWS/system32/TEST.BIN"));
            Assert.Equal(content, volume.ReadAllBytes("windows/system32/test.bin"));
        }

        using var reader = NtfsVolume.Open(disk, 1 << 20, 62 << 20);
        Assert.Equal("SMOKE", reader.Label);
        Assert.Equal(content, reader.ReadAllBytes("\\Windows\\System32\\test.bin"));
        Assert.Equal(new[] { "Windows" }, reader.ListDirectory("\\").Where(e => !e.Name.StartsWith("$", StringComparison.Ordinal)).Select(e => e.Name));
    }
}
