using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using ImageOps.Engine.Disks;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.Samples;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Partitions;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Disks.Capture;

/// <summary>
/// Capture of disks built per test: NTFS volume images of several fullnesses, an MBR disk whose NTFS
/// volume is a logical partition (EBR chain), a volume marked dirty, and the requests that must fail.
/// </summary>
[Collection(CaptureCollection.Name)]
public class CaptureLayoutTests
{
    private const long Mib = 1L << 20;
    private readonly CaptureFixture _fixture;

    public CaptureLayoutTests(CaptureFixture fixture)
    {
        _fixture = fixture;
    }

    [SkippableTheory]
    [InlineData(5)]
    [InlineData(45)]
    [InlineData(85)]
    public void Volumes_of_any_fullness_keep_their_files_and_leave_free_clusters_out(int percent)
    {
        _fixture.Require();
        var folder = _fixture.NewFolder();
        var volumePath = Path.Combine(folder, "volume.raw");
        const long size = 48 * Mib;
        VolumeFillResult fill;
        using (var disk = NewRaw(volumePath, size))
        {
            NtfsVolumeFormatter.Format(disk, 0, size);
            using var volume = Ntfs3gVolume.Open(disk, 0, size);
            fill = SampleVolumeFiller.Fill(volume, new VolumeFillOptions { TargetBytes = size * percent / 100, LargeFileBytes = 4 * Mib, DeletedBytes = 4 * Mib, Seed = percent });
        }

        var output = Path.Combine(folder, "captured.vhdx");
        var result = new DiskFileService().Capture(new CaptureRequest { SourcePath = volumePath, DestinationPath = output, Format = DiskFormat.Vhdx, UsedOnly = true });

        var volumeResult = Assert.Single(result.Volumes);
        Assert.Null(volumeResult.PartitionNumber);
        Assert.Equal(CaptureMethod.UsedClusters, volumeResult.Method);
        Assert.Equal(size - volumeResult.UsedBytes, result.FreeBytesSkipped);
        using var source = DiskFormats.Open(volumePath, new DiskOpenOptions { Format = DiskFormat.Raw });
        using (var ntfs = NtfsVolume.Open(source, 0, size))
        {
            var bitmap = ntfs.GetClusterBitmap();
            Assert.Equal((bitmap.AllocatedClusters * bitmap.ClusterSize) + (size - (bitmap.ClusterCount * bitmap.ClusterSize)), volumeResult.UsedBytes);
        }

        using var image = DiskFormats.Open(output);
        CaptureChecks.FilesEqual(image, 0, size, fill);
        Assert.True(CaptureChecks.StaleMarkers(source, 0, size) > 0);
        Assert.Equal(0, CaptureChecks.StaleMarkers(image, 0, size));
        CaptureChecks.NtfsfixAccepts(image, 0, size, folder);
    }

    [SkippableFact]
    public void An_mbr_disk_keeps_its_extended_boot_records_and_its_logical_ntfs_volume()
    {
        _fixture.Require();
        var folder = _fixture.NewFolder();
        var path = Path.Combine(folder, "mbr.raw");
        const long size = 72 * Mib;
        const long primaryStart = Mib, primaryLength = 8 * Mib;
        const long extendedStart = 10 * Mib;
        const long logicalStart = extendedStart + Mib, logicalLength = 56 * Mib;
        VolumeFillResult fill;
        using (var disk = NewRaw(path, size))
        {
            var mbr = new byte[512];
            Entry(mbr, 0, 0x0C, primaryStart, primaryLength);
            Entry(mbr, 1, 0x0F, extendedStart, size - extendedStart);
            BinaryPrimitives.WriteUInt32LittleEndian(mbr.AsSpan(440), 0xC0FFEE11);
            mbr[510] = 0x55;
            mbr[511] = 0xAA;
            disk.Write(0, mbr);
            var ebr = new byte[512];
            Entry(ebr, 0, 0x07, logicalStart - extendedStart, logicalLength);
            ebr[510] = 0x55;
            ebr[511] = 0xAA;
            disk.Write(extendedStart, ebr);
            var fat = new byte[primaryLength];
            new Random(8).NextBytes(fat);
            disk.Write(primaryStart, fat);
            NtfsVolumeFormatter.Format(disk, logicalStart, logicalLength);
            using var volume = Ntfs3gVolume.Open(disk, logicalStart, logicalLength);
            fill = SampleVolumeFiller.Fill(volume, new VolumeFillOptions { TargetBytes = 16 * Mib, LargeFileBytes = 4 * Mib, DeletedBytes = 6 * Mib, Seed = 2 });
        }

        var output = Path.Combine(folder, "mbr.qcow2");
        var result = new DiskFileService().Capture(new CaptureRequest { SourcePath = path, DestinationPath = output, Format = DiskFormat.Qcow2, UsedOnly = true });

        Assert.Equal(new[] { 1, 5 }, result.Volumes.Select(v => v.PartitionNumber ?? 0).ToArray());
        Assert.Equal(CaptureMethod.AllSectors, result.Volumes[0].Method);
        Assert.Equal(CaptureMethod.UsedClusters, result.Volumes[1].Method);
        Assert.Equal(0, QemuImg.Check(output, "qcow2").ExitCode);
        using var source = DiskFormats.Open(path, new DiskOpenOptions { Format = DiskFormat.Raw });
        using var image = DiskFormats.Open(output);
        Assert.Equal(CaptureChecks.Bytes(source, 0, 512), CaptureChecks.Bytes(image, 0, 512));
        Assert.Equal(CaptureChecks.Bytes(source, extendedStart, 512), CaptureChecks.Bytes(image, extendedStart, 512));
        Assert.Equal(CaptureChecks.Bytes(source, primaryStart, (int)primaryLength), CaptureChecks.Bytes(image, primaryStart, (int)primaryLength));
        var table = PartitionTable.Read(image);
        Assert.Equal(PartitionScheme.Mbr, table.Scheme);
        Assert.Contains(table.Partitions, p => p.Number == 5 && p.IsLogical && p.Offset == logicalStart && p.Length == logicalLength);
        CaptureChecks.FilesEqual(image, logicalStart, logicalLength, fill);
        Assert.True(CaptureChecks.StaleMarkers(source, logicalStart, logicalLength) > 0);
        Assert.Equal(0, CaptureChecks.StaleMarkers(image, logicalStart, logicalLength));

        // The logical partition alone is a volume image; the extended container is not a volume.
        var alone = Path.Combine(folder, "logical.vhdx");
        var single = new DiskFileService().Capture(new CaptureRequest { SourcePath = path, DestinationPath = alone, Format = DiskFormat.Vhdx, PartitionNumber = 5, UsedOnly = true });
        Assert.Equal(logicalLength, single.CapacityBytes);
        using (var volumeImage = DiskFormats.Open(alone))
        {
            CaptureChecks.FilesEqual(volumeImage, 0, logicalLength, fill);
        }

        var extended = Assert.Throws<InvalidRequestException>(() => new DiskFileService().Capture(new CaptureRequest { SourcePath = path, DestinationPath = Path.Combine(folder, "x.vhdx"), Format = DiskFormat.Vhdx, PartitionNumber = 2 }));
        Assert.Equal(ErrorIds.PartitionIsExtended, extended.ErrorId);
    }

    [SkippableFact]
    public void Partitions_numbered_out_of_disk_order_are_each_captured_used_only()
    {
        _fixture.Require();
        var folder = _fixture.NewFolder();
        var path = Path.Combine(folder, "reversed.raw");
        const long size = 52 * Mib, length = 24 * Mib, early = Mib, late = 26 * Mib;
        var fills = new VolumeFillResult[2];
        using (var disk = NewRaw(path, size))
        {
            // Entry 1 describes the later partition, entry 2 the earlier one.
            var mbr = new byte[512];
            Entry(mbr, 0, 0x07, late, length);
            Entry(mbr, 1, 0x07, early, length);
            mbr[510] = 0x55;
            mbr[511] = 0xAA;
            disk.Write(0, mbr);
            var i = 0;
            foreach (var start in new[] { late, early })
            {
                NtfsVolumeFormatter.Format(disk, start, length);
                using var volume = Ntfs3gVolume.Open(disk, start, length);
                fills[i] = SampleVolumeFiller.Fill(volume, new VolumeFillOptions { TargetBytes = 6 * Mib, LargeFileBytes = 2 * Mib, DeletedBytes = 3 * Mib, Seed = 40 + i });
                i++;
            }
        }

        var output = Path.Combine(folder, "reversed.vhdx");
        var result = new DiskFileService().Capture(new CaptureRequest { SourcePath = path, DestinationPath = output, Format = DiskFormat.Vhdx, UsedOnly = true });

        Assert.All(result.Volumes, v => Assert.Equal(CaptureMethod.UsedClusters, v.Method));
        Assert.Equal(new long[] { late, early }, result.Volumes.Select(v => v.OffsetBytes).ToArray());
        using var image = DiskFormats.Open(output);
        CaptureChecks.FilesEqual(image, late, length, fills[0]);
        CaptureChecks.FilesEqual(image, early, length, fills[1]);
        Assert.Equal(0, CaptureChecks.StaleMarkers(image, 0, size));
    }

    [SkippableFact]
    public void A_volume_marked_dirty_is_copied_by_sector_with_a_warning()
    {
        _fixture.Require();
        var folder = _fixture.NewFolder();
        var volumePath = Path.Combine(folder, "dirty.raw");
        const long size = 32 * Mib;
        using (var disk = NewRaw(volumePath, size))
        {
            NtfsVolumeFormatter.Format(disk, 0, size);
            using (var volume = Ntfs3gVolume.Open(disk, 0, size))
            {
                SampleVolumeFiller.Fill(volume, new VolumeFillOptions { TargetBytes = 4 * Mib, LargeFileBytes = Mib, DeletedBytes = 4 * Mib });
            }

            MarkDirty(disk, size);
        }

        using (var check = DiskFormats.Open(volumePath, new DiskOpenOptions { Format = DiskFormat.Raw }))
        using (var ntfs = NtfsVolume.Open(check, 0, size))
        {
            Assert.True(ntfs.IsDirty);
        }

        var output = Path.Combine(folder, "dirty.vhdx");
        var log = new RecordingLog();
        var result = new DiskFileService().Capture(new CaptureRequest { SourcePath = volumePath, DestinationPath = output, Format = DiskFormat.Vhdx, UsedOnly = true }, new OperationContext(log: log));

        var volumeResult = Assert.Single(result.Volumes);
        Assert.Equal(CaptureMethod.AllSectors, volumeResult.Method);
        Assert.Contains("dirty", volumeResult.Reason);
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("dirty", StringComparison.Ordinal));
        Assert.Equal(0, result.FreeBytesSkipped);
        var compare = QemuImg.Compare(volumePath, "raw", output, "vhdx");
        Assert.True(compare.ExitCode == 0, compare.Out + compare.Err);
    }

    [SkippableFact]
    public void Requests_that_cannot_be_captured_fail_with_their_error_ids()
    {
        _fixture.Require();
        var folder = _fixture.NewFolder();
        var service = new DiskFileService();
        var empty = Path.Combine(folder, "empty.raw");
        File.WriteAllBytes(empty, Array.Empty<byte>());
        var none = Assert.Throws<InvalidRequestException>(() => service.Capture(new CaptureRequest { SourcePath = empty, DestinationPath = Path.Combine(folder, "a.vhdx"), Format = DiskFormat.Vhdx }));
        Assert.Equal(ErrorIds.CaptureSourceEmpty, none.ErrorId);

        var missing = Assert.Throws<ObjectNotFoundException>(() => service.Capture(new CaptureRequest { SourcePath = _fixture.DiskPath, DestinationPath = Path.Combine(folder, "b.vhdx"), Format = DiskFormat.Vhdx, PartitionNumber = 7 }));
        Assert.Equal(ErrorIds.PartitionNotFound, missing.ErrorId);
        Assert.Contains("1, 2", missing.Message);

        var volumeImage = Assert.Throws<ObjectNotFoundException>(() => service.Capture(new CaptureRequest { SourcePath = _fixture.VolumePath, DestinationPath = Path.Combine(folder, "c.vhdx"), Format = DiskFormat.Vhdx, PartitionNumber = 1 }));
        Assert.Contains("volume image", volumeImage.Message);

        var self = Assert.Throws<InvalidRequestException>(() => service.Capture(new CaptureRequest { SourcePath = _fixture.DiskPath, DestinationPath = _fixture.DiskPath, Format = DiskFormat.Raw, Overwrite = true }));
        Assert.Equal("DestinationInSourceChain", self.ErrorId);

        var notFound = Assert.Throws<ImageOpsException>(() => service.Capture(new CaptureRequest { SourcePath = Path.Combine(folder, "nothing.raw"), DestinationPath = Path.Combine(folder, "d.vhdx"), Format = DiskFormat.Vhdx }));
        Assert.Equal("DiskFileNotFound", notFound.ErrorId);
        Assert.Equal(new[] { empty }, Directory.GetFiles(folder));
    }

    private static VirtualDisk NewRaw(string path, long size)
    {
        using (var file = File.Create(path))
        {
            file.SetLength(size);
        }

        return DiskFormats.Open(path, new DiskOpenOptions { Writable = true, Format = DiskFormat.Raw });
    }

    private static void Entry(byte[] sector, int index, byte type, long start, long length)
    {
        var e = sector.AsSpan(446 + (16 * index), 16);
        e[4] = type;
        BinaryPrimitives.WriteUInt32LittleEndian(e.Slice(8), (uint)(start / 512));
        BinaryPrimitives.WriteUInt32LittleEndian(e.Slice(12), (uint)(length / 512));
    }

    /// <summary>
    /// Sets the dirty flag (0x0001) in $Volume's $VOLUME_INFORMATION (MFT record 3, libfsntfs "The
    /// volume information attribute": flags at value offset 10), as Windows leaves it after a crash.
    /// The flag lies inside the first sector of the record, away from the update sequence's slots.
    /// </summary>
    private static void MarkDirty(VirtualDisk disk, long size)
    {
        NtfsBootSector boot;
        using (var ntfs = NtfsVolume.Open(disk, 0, size))
        {
            boot = ntfs.BootSector;
        }

        var at = (boot.MftCluster * boot.ClusterSize) + (3L * boot.MftRecordSize);
        var record = new byte[boot.MftRecordSize];
        disk.Read(at, record);
        int offset = BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(0x14));
        while (offset + 8 < record.Length)
        {
            var type = BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(offset));
            var length = BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(offset + 4));
            Assert.True(type != 0xFFFFFFFF && length > 0, "$Volume has no $VOLUME_INFORMATION");
            if (type == 0x70)
            {
                var value = offset + BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(offset + 0x14));
                var flags = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(record.AsSpan(value + 10)) | 0x0001);
                BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(value + 10), flags);
                disk.Write(at, record);
                disk.Flush();
                return;
            }

            offset += length;
        }
    }
}

/// <summary>A block device is read as raw whatever its content says (no loop device here: a regular file stands in).</summary>
[Collection(CaptureCollection.Name)]
public class CaptureDeviceTests
{
    [SkippableFact]
    public void A_device_holding_a_qcow2_header_is_read_raw_not_probed()
    {
        using var folder = new TempFolder("capture-device");
        var path = folder.Combine("device-like.qcow2");
        QemuImg.Create("qcow2", path, 64L << 20);
        using var disk = Engine.Disks.Operations.DiskCapturer.OpenDevice(FileBlockStorage.Open(path, writable: false), null);
        Assert.Equal(DiskFormat.Raw, disk.Format);
        // A real device is whole sectors; the stand-in file is not, and reads as its next whole sector.
        Assert.Equal((new FileInfo(path).Length + 511) / 512 * 512, disk.Capacity);
        var refused = Assert.Throws<InvalidRequestException>(() => Engine.Disks.Operations.DiskCapturer.OpenDevice(FileBlockStorage.Open(path, writable: false), DiskFormat.Qcow2));
        Assert.Equal(ErrorIds.InvalidArgument, refused.ErrorId);
    }
}
