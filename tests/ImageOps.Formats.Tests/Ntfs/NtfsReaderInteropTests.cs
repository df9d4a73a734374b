using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Partitions;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Ntfs;

/// <summary>The reader against a volume mkntfs formatted and ntfscp filled, checked against ntfs-3g's own tools.</summary>
[Collection(MkntfsVolumeCollection.Name)]
public class NtfsReaderInteropTests
{
    private readonly MkntfsVolumeFixture _fixture;

    public NtfsReaderInteropTests(MkntfsVolumeFixture fixture)
    {
        _fixture = fixture;
    }

    [SkippableFact]
    public void Volume_facts_match_mkntfs()
    {
        using var volume = new NtfsTestImage(_fixture.Bytes()).Open();
        Assert.Equal(MkntfsVolumeFixture.Label, volume.Label);
        Assert.Equal(new Version(3, 1), volume.Version);
        Assert.Equal(4096, volume.ClusterSize);
        Assert.Equal(1024, volume.MftRecordSize);
        Assert.Equal(4096, volume.BootSector.IndexRecordSize);
        Assert.False(volume.IsDirty);
        Assert.True(volume.Root.IsDirectory);
    }

    [SkippableFact]
    public void Every_file_reads_back_byte_for_byte()
    {
        using var volume = new NtfsTestImage(_fixture.Bytes()).Open();
        foreach (var file in _fixture.Files)
        {
            var entry = volume.GetEntry("\\" + file.Key);
            Assert.Equal(file.Key, entry.Name);
            Assert.Equal(file.Value.Length, entry.Length);
            Assert.Equal(file.Value, volume.ReadAllBytes(entry));
        }

        Assert.Equal(_fixture.NamedStream, volume.ReadAllBytes("/small.txt", "extra"));
        var streams = volume.GetEntry("small.txt").Streams.Select(s => s.Name).OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal(new[] { string.Empty, "extra" }, streams);
        Assert.True(volume.GetEntry("small.txt").Streams.Single(s => s.Name.Length == 0).IsResident);
        Assert.False(volume.GetEntry("Big File.bin").Streams.Single().IsResident);
    }

    [SkippableFact]
    public void Root_listing_equals_ntfsls()
    {
        var bytes = _fixture.Bytes();
        var ntfsls = ProcessRunner.Run(External.Tool("ntfsls"), TimeSpan.FromSeconds(30), "-a", "-s", "-p", "/", _fixture.ImagePath).EnsureSuccess("ntfsls");
        var expected = ntfsls.Out.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && l != "." && l != "..").OrderBy(s => s, StringComparer.Ordinal).ToList();
        using var volume = new NtfsTestImage(bytes).Open();
        var actual = volume.ListDirectory("\\").Select(e => e.Name).OrderBy(s => s, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
        Assert.Contains("$MFT", actual);
        Assert.Contains("many-039.txt", actual);
    }

    [SkippableFact]
    public void Lookup_is_case_insensitive_by_upcase_and_accepts_either_separator()
    {
        using var volume = new NtfsTestImage(_fixture.Bytes()).Open();
        Assert.Equal("small.txt", volume.GetEntry("/SMALL.TXT").Name);
        Assert.Equal("Ünïcödé-名前.dat", volume.GetEntry("\\üNÏCÖDÉ-名前.DAT").Name);
        Assert.Equal("\\$Extend", volume.GetEntry("$extend/").FullPath);
        Assert.Null(volume.TryGetEntry("/small.txt/child"));
        Assert.False(volume.Exists("/missing.txt"));
        var error = Assert.Throws<ImageOpsException>(() => volume.GetEntry("/missing.txt"));
        Assert.Equal("NtfsPathNotFound", error.ErrorId);
        Assert.Equal("NtfsPathInvalid", Assert.Throws<ImageOpsException>(() => volume.GetEntry("/a/../b")).ErrorId);
    }

    [SkippableFact]
    public void Cluster_bitmap_matches_ntfscluster_and_covers_every_file()
    {
        var info = ProcessRunner.Run(External.Tool("ntfscluster"), TimeSpan.FromSeconds(30), "-i", _fixture.ImagePath).EnsureSuccess("ntfscluster");
        var free = long.Parse(Regex.Match(info.Out, @"clusters of free space\s*:\s*(\d+)").Groups[1].Value);
        using var volume = new NtfsTestImage(_fixture.Bytes()).Open();
        var bitmap = volume.GetClusterBitmap();
        Assert.Equal(free, bitmap.FreeClusters);
        Assert.Equal(bitmap.AllocatedClusters, bitmap.GetAllocatedRanges().Sum(r => r.ClusterCount));
        Assert.True(bitmap.IsAllocated(0));

        var allocation = volume.GetAllocation().ToList();
        Assert.Equal(volume.Length, allocation.Sum(r => r.Length));
        Assert.Equal(bitmap.AllocatedClusters * volume.ClusterSize, allocation.Where(r => r.Kind == AllocationKind.Data && r.Offset < volume.ClusterCount * volume.ClusterSize).Sum(r => r.Length));
    }

    [SkippableFact]
    public void Reads_a_volume_inside_a_partitioned_disk_and_through_a_stream()
    {
        var volumeBytes = _fixture.Bytes();
        using var disk = DiskFormats.Open(new MemoryBlockStorage(new byte[MkntfsVolumeFixture.VolumeBytes + (2 << 20)]), new DiskOpenOptions { Writable = true });
        var table = PartitionTableWriter.WriteGpt(disk, new[] { new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = MkntfsVolumeFixture.VolumeBytes, Name = "data" } });
        var partition = table.Partitions.Single();
        disk.Write(partition.Offset, volumeBytes);

        Assert.True(NtfsVolume.IsNtfs(disk, partition.Offset));
        using var volume = NtfsVolume.Open(disk, PartitionTable.Read(disk).Partitions.Single());
        Assert.Equal(partition.Offset, volume.DiskOffset);
        using var stream = volume.OpenRead("Big File.bin");
        stream.Seek(1_000_000, SeekOrigin.Begin);
        var middle = new byte[70_000];
        var read = 0;
        while (read < middle.Length)
        {
            read += stream.Read(middle, read, middle.Length - read);
        }

        Assert.Equal(_fixture.Files["Big File.bin"].AsSpan(1_000_000, 70_000).ToArray(), middle);
    }

    [SkippableFact]
    public void Parallel_reads_agree()
    {
        using var volume = new NtfsTestImage(_fixture.Bytes()).Open();
        var names = _fixture.Files.Keys.ToList();
        System.Threading.Tasks.Parallel.For(0, 64, i =>
        {
            var name = names[i % names.Count];
            Assert.Equal(_fixture.Files[name], volume.ReadAllBytes(name));
        });
    }
}
