using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Partitions;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Disks.Capture;

/// <summary>
/// Capture of the fixture's GPT disk: used-only keeps every file, the partition tables, the non-NTFS
/// partition and the boot sectors, and carries no stale byte of deleted files; sector-by-sector equals
/// the source for qemu-img; a partition alone equals what partclone.ntfs saves and restores.
/// </summary>
[Collection(CaptureCollection.Name)]
public class CaptureTests
{
    private readonly CaptureFixture _fixture;

    public CaptureTests(CaptureFixture fixture)
    {
        _fixture = fixture;
    }

    [SkippableFact]
    public void A_used_only_capture_keeps_tables_files_and_other_partitions_but_no_stale_data()
    {
        _fixture.Require();
        var folder = _fixture.NewFolder();
        var output = Path.Combine(folder, "used.vhdx");
        var log = new RecordingLog();
        var result = new DiskFileService().Capture(new CaptureRequest { SourcePath = _fixture.DiskPath, DestinationPath = output, Format = DiskFormat.Vhdx, UsedOnly = true }, new OperationContext(log: log));

        Assert.Equal(CaptureFixture.DiskBytes, result.CapacityBytes);
        Assert.True(result.UsedOnly);
        Assert.Null(result.PartitionNumber);
        Assert.Equal(2, result.Volumes.Count);
        Assert.Equal(CaptureMethod.AllSectors, result.Volumes[0].Method);
        Assert.Equal(string.Empty, result.Volumes[0].FileSystem);
        Assert.Equal(CaptureMethod.UsedClusters, result.Volumes[1].Method);
        Assert.Equal("NTFS", result.Volumes[1].FileSystem);
        Assert.True(result.FreeBytesSkipped > 40L << 20, $"skipped {result.FreeBytesSkipped}");
        Assert.Equal(_fixture.NtfsPartition.Length - result.Volumes[1].UsedBytes, result.FreeBytesSkipped);
        Assert.DoesNotContain(log.Lines, l => l.Level == LogLevel.Warning);
        Assert.Equal(0, QemuImg.Check(output, "vhdx").ExitCode);

        using var source = DiskFormats.Open(_fixture.DiskPath, new DiskOpenOptions { Format = DiskFormat.Raw });
        using var image = DiskFormats.Open(output);
        Assert.Equal(DiskFormat.Vhdx, image.Format);

        // GPT: protective MBR, primary header and entries, and the backup entries and header at the end.
        Assert.Equal(CaptureChecks.Bytes(source, 0, 34 * 512), CaptureChecks.Bytes(image, 0, 34 * 512));
        Assert.Equal(CaptureChecks.Bytes(source, source.Capacity - (33 * 512), 33 * 512), CaptureChecks.Bytes(image, image.Capacity - (33 * 512), 33 * 512));
        var table = PartitionTable.Read(image);
        Assert.Equal(PartitionScheme.Gpt, table.Scheme);
        Assert.Empty(table.Problems);
        Assert.Equal(PartitionTable.Read(source).Partitions.Select(p => (p.Number, p.Offset, p.Length, p.UniqueGuid)), table.Partitions.Select(p => (p.Number, p.Offset, p.Length, p.UniqueGuid)));

        // The partition without a file system, byte for byte.
        Assert.Equal(CaptureChecks.Bytes(source, _fixture.RawPartition.Offset, (int)_fixture.RawPartition.Length), CaptureChecks.Bytes(image, _fixture.RawPartition.Offset, (int)_fixture.RawPartition.Length));

        // NTFS: every file, both boot sectors, a consistent volume, and no stale data.
        var ntfs = _fixture.NtfsPartition;
        CaptureChecks.FilesEqual(image, ntfs.Offset, ntfs.Length, _fixture.Fill);
        Assert.Equal(CaptureChecks.Bytes(source, ntfs.Offset, 512), CaptureChecks.Bytes(image, ntfs.Offset, 512));
        Assert.Equal(CaptureChecks.Bytes(source, ntfs.End - 512, 512), CaptureChecks.Bytes(image, ntfs.End - 512, 512));
        Assert.True(CaptureChecks.StaleMarkers(source, ntfs.Offset, ntfs.Length) > 1000, "the fixture has no stale data to leave out");
        Assert.Equal(0, CaptureChecks.StaleMarkers(image, ntfs.Offset, ntfs.Length));
        CaptureChecks.NtfsfixAccepts(image, ntfs.Offset, ntfs.Length, folder);
    }

    [SkippableFact]
    public void A_sector_by_sector_capture_equals_the_source()
    {
        _fixture.Require();
        var output = Path.Combine(_fixture.NewFolder(), "all.qcow2");
        var result = new DiskFileService().Capture(new CaptureRequest { SourcePath = _fixture.DiskPath, DestinationPath = output, Format = DiskFormat.Qcow2 });

        Assert.False(result.UsedOnly);
        Assert.All(result.Volumes, v => Assert.Equal(CaptureMethod.AllSectors, v.Method));
        Assert.Equal("NTFS", result.Volumes[1].FileSystem);
        Assert.Equal(0, result.FreeBytesSkipped);
        Assert.Equal(0, QemuImg.Check(output, "qcow2").ExitCode);
        var compare = QemuImg.Compare(_fixture.DiskPath, "raw", output, "qcow2");
        Assert.True(compare.ExitCode == 0, compare.Out + compare.Err);
    }

    [SkippableTheory]
    [InlineData(DiskFormat.Vhd, false, null)]
    [InlineData(DiskFormat.Qcow2, true, null)]
    [InlineData(DiskFormat.Vmdk, true, "streamOptimized")]
    [InlineData(DiskFormat.Vmdk, false, null)]
    public void Every_format_holds_the_same_used_only_capture(DiskFormat format, bool compress, string? subformat)
    {
        _fixture.Require();
        var folder = _fixture.NewFolder();
        var raw = Path.Combine(folder, "used.raw");
        var output = Path.Combine(folder, "used." + format.ToString().ToLowerInvariant());
        var service = new DiskFileService();
        service.Capture(new CaptureRequest { SourcePath = _fixture.DiskPath, DestinationPath = raw, Format = DiskFormat.Raw, UsedOnly = true });
        var result = service.Capture(new CaptureRequest { SourcePath = _fixture.DiskPath, DestinationPath = output, Format = format, Compress = compress, Subformat = subformat, UsedOnly = true });

        var qemuFormat = format == DiskFormat.Vhd ? "vpc" : format.ToString().ToLowerInvariant();
        Assert.Equal(format, result.Format);
        var check = QemuImg.Check(output, qemuFormat).ExitCode;
        Assert.True(check == 0 || (check == 63 && format == DiskFormat.Vhd), $"qemu-img check exited {check}");
        var compare = QemuImg.Compare(raw, "raw", output, qemuFormat);
        Assert.True(compare.ExitCode == 0, compare.Out + compare.Err);
        if (compress)
        {
            Assert.True(result.FileSizeBytes < new FileInfo(raw).Length / 2);
        }
    }

    [SkippableFact]
    public void A_partition_capture_is_a_volume_image_equal_to_what_partclone_restores()
    {
        _fixture.Require();
        var partclone = External.Tool("partclone.ntfs");
        var folder = _fixture.NewFolder();
        var output = Path.Combine(folder, "volume.raw");
        var result = new DiskFileService().Capture(new CaptureRequest { SourcePath = _fixture.DiskPath, DestinationPath = output, Format = DiskFormat.Raw, PartitionNumber = 2, UsedOnly = true });

        var ntfs = _fixture.NtfsPartition;
        Assert.Equal(2, result.PartitionNumber);
        Assert.Equal(ntfs.Length, result.CapacityBytes);
        Assert.Equal(CaptureMethod.UsedClusters, Assert.Single(result.Volumes).Method);
        using var image = DiskFormats.Open(output);
        Assert.True(NtfsVolume.IsNtfs(image, 0), "the image does not start with the volume's boot sector");
        CaptureChecks.FilesEqual(image, 0, image.Capacity, _fixture.Fill);
        Assert.Equal(0, CaptureChecks.StaleMarkers(image, 0, image.Capacity));
        var fix = ProcessRunner.Run(External.Tool("ntfsfix"), TimeSpan.FromMinutes(2), "-n", output);
        Assert.True(fix.ExitCode == 0, fix.Out + fix.Err);

        // partclone saves the used clusters of its bitmap and restores them into a file that is
        // otherwise zeros: that must be our capture, cluster for cluster. (partclone leaves out the
        // backup boot sector after the last cluster, which the capture keeps.)
        var saved = Path.Combine(folder, "volume.pc");
        var restored = Path.Combine(folder, "restored.raw");
        ProcessRunner.Run(partclone, TimeSpan.FromMinutes(2), "-c", "-s", _fixture.VolumePath, "-o", saved).EnsureSuccess("partclone.ntfs -c");
        ProcessRunner.Run(partclone, TimeSpan.FromMinutes(2), "-r", "-C", "-s", saved, "-o", restored).EnsureSuccess("partclone.ntfs -r");
        File.SetAttributes(restored, FileAttributes.Normal);
        using (var file = new FileStream(restored, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(ntfs.Length);
        }

        using var reference = DiskFormats.Open(restored, new DiskOpenOptions { Format = DiskFormat.Raw });
        using var volume = NtfsVolume.Open(image, 0, image.Capacity);
        var clusterBytes = volume.ClusterCount * volume.ClusterSize;
        AssertEqualRange(reference, image, 0, clusterBytes);
        using var source = DiskFormats.Open(_fixture.VolumePath, new DiskOpenOptions { Format = DiskFormat.Raw });
        AssertEqualRange(source, image, clusterBytes, ntfs.Length - clusterBytes);
    }

    [SkippableFact]
    public void A_sector_by_sector_partition_capture_equals_the_partition()
    {
        _fixture.Require();
        var output = Path.Combine(_fixture.NewFolder(), "p1.vhdx");
        var result = new DiskFileService().Capture(new CaptureRequest { SourcePath = _fixture.DiskPath, DestinationPath = output, Format = DiskFormat.Vhdx, PartitionNumber = 1 });

        Assert.Equal(_fixture.RawPartition.Length, result.CapacityBytes);
        using var source = DiskFormats.Open(_fixture.DiskPath, new DiskOpenOptions { Format = DiskFormat.Raw });
        using var image = DiskFormats.Open(output);
        Assert.Equal(CaptureChecks.Bytes(source, _fixture.RawPartition.Offset, (int)_fixture.RawPartition.Length), CaptureChecks.Bytes(image, 0, (int)image.Capacity));
    }

    [SkippableFact]
    public void A_capture_from_another_format_reads_through_the_chain()
    {
        _fixture.Require();
        var folder = _fixture.NewFolder();
        var qcow2 = Path.Combine(folder, "source.qcow2");
        QemuImg.Convert(_fixture.DiskPath, "raw", qcow2, "qcow2");
        var output = Path.Combine(folder, "from-qcow2.vhdx");
        var result = new DiskFileService().Capture(new CaptureRequest { SourcePath = qcow2, DestinationPath = output, Format = DiskFormat.Vhdx, UsedOnly = true });

        Assert.Equal(CaptureMethod.UsedClusters, result.Volumes[1].Method);
        using var image = DiskFormats.Open(output);
        CaptureChecks.FilesEqual(image, _fixture.NtfsPartition.Offset, _fixture.NtfsPartition.Length, _fixture.Fill);
        Assert.Equal(0, CaptureChecks.StaleMarkers(image, _fixture.NtfsPartition.Offset, _fixture.NtfsPartition.Length));
    }

    [SkippableFact]
    public void Cancelling_leaves_no_output_and_no_temp_file()
    {
        _fixture.Require();
        var folder = _fixture.NewFolder();
        var output = Path.Combine(folder, "cancelled.vhdx");
        using var cancel = new CancellationTokenSource();
        var progress = new CancelOnFirstReport(cancel);
        var context = new OperationContext(progress, cancellation: cancel.Token);

        Assert.ThrowsAny<OperationCanceledException>(() => new DiskFileService().Capture(new CaptureRequest { SourcePath = _fixture.DiskPath, DestinationPath = output, Format = DiskFormat.Vhdx, UsedOnly = true, Workers = 1 }, context));
        Assert.True(progress.Reports >= 1);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    [SkippableFact]
    public void The_windowed_bitmap_agrees_with_the_whole_bitmap()
    {
        _fixture.Require();
        using var source = DiskFormats.Open(_fixture.VolumePath, new DiskOpenOptions { Format = DiskFormat.Raw });
        using var volume = NtfsVolume.Open(source, 0, source.Capacity);
        var bitmap = volume.GetClusterBitmap();
        var all = bitmap.GetAllocatedRanges().ToList();
        Assert.True(all.Count > 10, $"the fixture volume has only {all.Count} used runs");
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var first = random.NextInt64(bitmap.ClusterCount);
            var count = random.NextInt64(bitmap.ClusterCount - first + 1);
            var expected = all
                .Select(r => (Start: Math.Max(r.FirstCluster, first), End: Math.Min(r.FirstCluster + r.ClusterCount, first + count)))
                .Where(r => r.End > r.Start)
                .ToList();
            var actual = bitmap.GetAllocatedRanges(first, count).Select(r => (Start: r.FirstCluster, End: r.FirstCluster + r.ClusterCount)).ToList();
            Assert.Equal(expected, actual);
        }
    }

    private static void AssertEqualRange(VirtualDisk expected, VirtualDisk actual, long offset, long length)
    {
        var a = new byte[1 << 20];
        var b = new byte[1 << 20];
        for (long done = 0; done < length; done += a.Length)
        {
            var n = (int)Math.Min(a.Length, length - done);
            expected.Read(offset + done, a.AsSpan(0, n));
            actual.Read(offset + done, b.AsSpan(0, n));
            var diff = a.AsSpan(0, n).CommonPrefixLength(b.AsSpan(0, n));
            Assert.True(diff == n, $"the images differ at byte {offset + done + diff}");
        }
    }

    private sealed class CancelOnFirstReport : IProgress<OperationProgress>
    {
        private readonly CancellationTokenSource _cancel;

        public CancelOnFirstReport(CancellationTokenSource cancel) => _cancel = cancel;

        public int Reports { get; private set; }

        public void Report(OperationProgress value)
        {
            Reports++;
            _cancel.Cancel();
        }
    }
}

/// <summary>Collects log lines.</summary>
internal sealed class RecordingLog : IOperationLog
{
    private readonly List<(LogLevel Level, string Message)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToList();
            }
        }
    }

    public void Write(LogLevel level, string message)
    {
        lock (_lines)
        {
            _lines.Add((level, message));
        }
    }
}
