using System;
using System.IO;
using System.Linq;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.Samples;
using ImageOps.Engine.Tests.OfflineVolumes;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Disks.Capture;

/// <summary>
/// One GPT raw disk built once for the capture tests: partition 1 holds random bytes (no file system:
/// captured by sector), partition 2 an NTFS volume (mkntfs, then libntfs-3g) filled by
/// <see cref="SampleVolumeFiller"/> with small, medium and fragmented large files and with deleted files
/// whose free clusters still hold <see cref="SampleVolumeFiller.StaleMarker"/>. The NTFS partition is also
/// extracted to a plain file for partclone and ntfsfix.
/// </summary>
public sealed class CaptureFixture : IDisposable
{
    public const long DiskBytes = 128L << 20;
    public const long RawPartitionBytes = 8L << 20;

    private readonly TempFolder _temp = new("capture");

    public CaptureFixture()
    {
        if (!NtfsTooling.Available)
        {
            return;
        }

        DiskPath = _temp.Combine("source.raw");
        using (var file = File.Create(DiskPath))
        {
            file.SetLength(DiskBytes);
        }

        using (var disk = DiskFormats.Open(DiskPath, new DiskOpenOptions { Writable = true }))
        {
            var table = PartitionTableWriter.WriteGpt(disk, new[]
            {
                new PartitionSpec { Kind = PartitionKind.EfiSystem, SizeBytes = RawPartitionBytes, Name = "EFI system partition" },
                new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = 0, Name = "Basic data partition" },
            });
            RawPartition = table.Partitions[0];
            NtfsPartition = table.Partitions[1];
            var noise = new byte[RawPartitionBytes];
            new Random(5).NextBytes(noise);
            disk.Write(RawPartition.Offset, noise);
            NtfsVolumeFormatter.Format(disk, NtfsPartition, new NtfsFormatOptions { Label = "CAPTURE" });
            using var volume = Ntfs3gVolume.Open(disk, NtfsPartition);
            Fill = SampleVolumeFiller.Fill(volume, new VolumeFillOptions { TargetBytes = 40L << 20, LargeFileBytes = 8L << 20, DeletedBytes = 16L << 20, Seed = 11 });
        }

        VolumePath = _temp.Combine("volume.raw");
        CaptureChecks.Extract(DiskPath, NtfsPartition.Offset, NtfsPartition.Length, VolumePath);
        Ready = true;
    }

    public bool Ready { get; }

    public string DiskPath { get; } = string.Empty;

    /// <summary>The NTFS partition alone, for partclone.ntfs and ntfsfix.</summary>
    public string VolumePath { get; } = string.Empty;

    public Partition RawPartition { get; } = new();

    public Partition NtfsPartition { get; } = new();

    public VolumeFillResult Fill { get; } = new();

    public string NewFolder() => Directory.CreateDirectory(_temp.Combine("t-" + Guid.NewGuid().ToString("N").Substring(0, 8))).FullName;

    public void Require()
    {
        NtfsTooling.Require();
        Skip.IfNot(Ready, "the fixture's volume was not built");
    }

    public void Dispose() => _temp.Dispose();
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CaptureCollection : ICollectionFixture<CaptureFixture>
{
    public const string Name = "capture (serial)";
}
