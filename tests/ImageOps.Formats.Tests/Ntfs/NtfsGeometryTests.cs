using System;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Ntfs;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Ntfs;

/// <summary>
/// Volumes mkntfs lays out with other sector and cluster sizes: 4 KiB-sector disks (4 KiB MFT records,
/// eight fix-up strides), 512-byte clusters, and 64 KiB clusters (index records smaller than a
/// cluster, so sub-node VCNs count 512-byte blocks).
/// </summary>
public class NtfsGeometryTests
{
    [SkippableTheory]
    [InlineData(512, 512, 1024)]
    [InlineData(512, 65536, 1024)]
    [InlineData(4096, 4096, 4096)]
    [InlineData(4096, 65536, 4096)]
    public void Reads_volumes_of_every_geometry(int sector, int cluster, int record)
    {
        var mkntfs = External.Tool("mkntfs");
        var ntfscp = External.Tool("ntfscp");
        using var temp = new TempFolder("ntfs-geometry");
        var image = temp.Combine("volume.img");
        using (var f = File.Create(image))
        {
            f.SetLength(96L << 20);
        }

        ProcessRunner.Run(mkntfs, TimeSpan.FromMinutes(1), "-F", "-Q", "-q", "-s", sector.ToString(), "-c", cluster.ToString(), "-L", "GEO", image).EnsureSuccess("mkntfs");
        var content = new byte[333_333];
        new Random(sector + cluster).NextBytes(content);
        var source = temp.Combine("content.bin");
        File.WriteAllBytes(source, content);
        for (var i = 0; i < 30; i++)
        {
            ProcessRunner.Run(ntfscp, TimeSpan.FromMinutes(1), "-q", image, source, $"/file-{i:D2}-with-a-longer-name-to-fill-index-records.bin").EnsureSuccess("ntfscp");
        }

        using var volume = NtfsVolume.Open(new MemoryBlockStorage(File.ReadAllBytes(image), "geometry.img", writable: false));
        Assert.Equal(sector, volume.BootSector.BytesPerSector);
        Assert.Equal(cluster, volume.ClusterSize);
        Assert.Equal(record, volume.MftRecordSize);
        var names = volume.ListDirectory("\\").Select(e => e.Name).Where(n => n.StartsWith("file-", StringComparison.Ordinal)).ToList();
        Assert.Equal(30, names.Count);
        Assert.True(volume.IndexLevels(volume.Root) >= 2);
        foreach (var name in names)
        {
            Assert.Equal(content, volume.ReadAllBytes(name));
        }

        var ntfsls = ProcessRunner.Run(External.Tool("ntfsls"), TimeSpan.FromMinutes(1), "-a", "-s", "-p", "/", image).EnsureSuccess("ntfsls");
        var expected = ntfsls.Out.Split('\n').Where(l => l.Length > 0 && l != "." && l != "..").OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(expected, volume.ListDirectory("\\").Select(e => e.Name).OrderBy(n => n, StringComparer.Ordinal));
    }
}
