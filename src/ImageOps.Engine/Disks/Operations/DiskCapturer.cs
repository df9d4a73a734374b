using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ImageOps.Engine.Disks.Capture;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Partitions;

namespace ImageOps.Engine.Disks.Operations;

/// <summary>
/// Captures a device, a disk file or one partition into an image (issue 4, item 5): the source becomes a
/// <see cref="CaptureView"/> — for a used-only capture, one whose NTFS free clusters read as zeros and are
/// mapped as such — and the conversion's own copy path (<see cref="DiskConverter.Write"/>) writes it.
/// </summary>
internal static class DiskCapturer
{
    public static CaptureResult Capture(DiskOpener opener, CaptureRequest request, OperationContext context)
    {
        var clock = Stopwatch.StartNew();
        if (request.Variant == DiskVariant.Differencing)
        {
            throw new InvalidRequestException(ErrorIds.InvalidArgument, "A capture is a standalone image: choose a fixed or dynamic variant.", request.DestinationPath);
        }

        var conversion = new ConversionRequest
        {
            SourcePath = request.SourcePath,
            DestinationPath = Path.GetFullPath(request.DestinationPath),
            Format = request.Format,
            Variant = request.Variant,
            ClusterSizeBytes = request.ClusterSizeBytes,
            Compress = request.Compress,
            Subformat = request.Subformat,
            Durable = request.Durable,
            Overwrite = request.Overwrite,
            Workers = request.Workers,
        };
        var target = DiskConverter.Resolve(conversion);
        using var source = OpenSource(opener, request, out var isDevice);
        DiskConverter.RefuseOverwritingTheChain(source, conversion.DestinationPath);
        if (source.Capacity == 0)
        {
            throw new InvalidRequestException(ErrorIds.CaptureSourceEmpty, $"'{source.Path}' holds no bytes{(isDevice ? string.Empty : " (a block device whose size this operating system does not report reads as empty: capture it on Linux, or from an image file)")}.", source.Path);
        }

        var layout = Layout(source, request, context);
        var name = layout.Partition is null ? source.Path : $"{source.Path} (partition {layout.Partition.Number})";
        using var view = new CaptureView(source, layout.Start, layout.Length, layout.Regions, name);
        var mode = request.UsedOnly ? "used clusters" : "every sector";
        var what = layout.Partition is null ? Path.GetFileName(source.Path) : $"partition {layout.Partition.Number} of {Path.GetFileName(source.Path)}";
        context.Log.Verbose($"Capturing {what} ({ByteSize.Format(layout.Length)}, {mode}) into {target.Format}.");
        var written = DiskConverter.Write(view, null, conversion, target, $"Capturing {what} to {target.Format}", clock, context);
        return new CaptureResult
        {
            SourcePath = source.Path,
            SourceIsDevice = isDevice,
            PartitionNumber = layout.Partition?.Number,
            UsedOnly = request.UsedOnly,
            DestinationPath = written.DestinationPath,
            Format = written.Format,
            Variant = written.Variant,
            Subformat = written.Subformat,
            CapacityBytes = written.CapacityBytes,
            DataBytesWritten = written.DataBytesWritten,
            FreeBytesSkipped = layout.Regions.Sum(r => r.End - r.Start - r.UsedBytes),
            FileSizeBytes = written.FileSizeBytes,
            Volumes = layout.Volumes,
            Duration = clock.Elapsed,
        };
    }

    /// <summary>
    /// Opens the source: a block device as raw storage (its content never chooses a format, so a device
    /// cannot make ImageOps open a backing file it names), anything else as a disk file of any format.
    /// </summary>
    private static VirtualDisk OpenSource(DiskOpener opener, CaptureRequest request, out bool isDevice)
    {
        isDevice = false;
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && (request.SourcePath.StartsWith(@"\\.\", StringComparison.Ordinal) || request.SourcePath.StartsWith(@"\\?\", StringComparison.Ordinal)))
        {
            throw new UnsupportedFeatureException("Windows device capture", $"Capturing a Windows disk or volume device ('{request.SourcePath}') is not supported yet; capture it from Linux or from an image file.", request.SourcePath, ErrorIds.CaptureDeviceNotSupported);
        }

        var path = Path.GetFullPath(request.SourcePath);
        FileBlockStorage? storage = null;
        try
        {
            storage = FileBlockStorage.Open(path, writable: false);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // The disk opener below names the failure with its typed error.
        }

        if (storage is { IsBlockDevice: true })
        {
            isDevice = true;
            return OpenDevice(storage, request.SourceFormat);
        }

        storage?.Dispose();
        return opener.Open(path, format: request.SourceFormat);
    }

    /// <summary>
    /// A block device as a raw disk: never probed, so content that looks like a qcow2 or VHD header (and
    /// names a backing file) cannot choose what is opened. Owns <paramref name="storage"/>.
    /// </summary>
    internal static VirtualDisk OpenDevice(IBlockStorage storage, DiskFormat? declared)
    {
        if (declared is { } format && format != DiskFormat.Raw)
        {
            storage.Dispose();
            throw new InvalidRequestException(ErrorIds.InvalidArgument, $"'{storage.Name}' is a block device, which is captured as raw; drop the source format {format}.", storage.Name);
        }

        return DiskFormats.Open(storage, new DiskOpenOptions { Format = DiskFormat.Raw });
    }

    /// <summary>The window to capture, the partitions in it, and the NTFS volumes whose free clusters are left out.</summary>
    private static CaptureLayout Layout(VirtualDisk source, CaptureRequest request, OperationContext context)
    {
        var layout = new CaptureLayout { Length = source.Capacity };
        var candidates = new List<(Partition? Partition, long Offset, long Length)>();
        // An NTFS boot sector ends in 55 AA like an MBR, and its boot code would read as partition
        // entries: a source that starts with one is a volume image (a "superfloppy"), never a table.
        var volumeImage = NtfsVolume.IsNtfs(source, 0);
        if (request.PartitionNumber is { } number)
        {
            var table = volumeImage ? null : PartitionTable.Read(source);
            if (table is null || table.Scheme == PartitionScheme.None)
            {
                throw new ObjectNotFoundException(ErrorIds.PartitionNotFound, $"'{source.Path}' has no partition table{(volumeImage ? " (it is an NTFS volume image)" : string.Empty)}, so it has no partition {number}; capture it whole.", source.Path);
            }

            var partition = table.Partitions.FirstOrDefault(p => p.Number == number)
                ?? throw new ObjectNotFoundException(ErrorIds.PartitionNotFound, $"'{source.Path}' has no partition {number}; its partitions are {(table.Partitions.Count == 0 ? "none" : string.Join(", ", table.Partitions.Select(p => p.Number)))}.", source.Path);
            if (partition.Kind == PartitionKind.Extended)
            {
                throw new InvalidRequestException(ErrorIds.PartitionIsExtended, $"Partition {number} of '{source.Path}' is an extended partition, a container of logical partitions; capture one of those (numbered from 5) or the whole disk.", source.Path);
            }

            layout.Partition = partition;
            layout.Start = partition.Offset;
            layout.Length = partition.Length;
            candidates.Add((partition, 0, partition.Length));
        }
        else if (volumeImage)
        {
            candidates.Add((null, 0, source.Capacity));
        }
        else
        {
            PartitionTable? table = null;
            try
            {
                table = PartitionTable.Read(source);
            }
            catch (CorruptImageException ex) when (request.UsedOnly)
            {
                // Without a table nothing is known to be free: every sector is copied.
                context.Log.Warning($"The partition table of '{source.Path}' cannot be read ({ex.Message}); the disk is captured sector by sector.");
            }
            catch (CorruptImageException ex)
            {
                context.Log.Verbose($"The partition table of '{source.Path}' cannot be read ({ex.Message}); partitions are not listed.");
            }

            foreach (var problem in request.UsedOnly ? table?.Problems ?? Array.Empty<string>() : Array.Empty<string>())
            {
                context.Log.Warning($"'{source.Path}': {problem} Areas outside valid partitions are captured sector by sector.");
            }

            if (table is { Scheme: PartitionScheme.None })
            {
                // A volume image (no table): the volume fills the disk.
                candidates.Add((null, 0, source.Capacity));
            }
            else if (table is not null)
            {
                candidates.AddRange(table.Partitions.Where(p => p.Kind != PartitionKind.Extended).Select(p => ((Partition?)p, p.Offset, p.Length)));
            }
        }

        foreach (var (partition, offset, length) in candidates)
        {
            var (volume, region) = Examine(source, layout.Start + offset, offset, length, request.UsedOnly, context, partition?.Number);
            volume.PartitionNumber = partition?.Number;
            layout.Volumes.Add(volume);
            if (region is not null)
            {
                layout.Regions.Add(region);
            }
        }

        // Partition numbers need not follow the order on disk (a GPT entry 1 may lie last); the view walks regions by offset.
        layout.Regions.Sort((a, b) => a.Start.CompareTo(b.Start));
        return layout;
    }

    /// <summary>What is in one partition and, for a used-only capture of a trustworthy NTFS volume, its region.</summary>
    private static (CapturedVolume Volume, UsedClusterRegion? Region) Examine(VirtualDisk source, long diskOffset, long viewOffset, long length, bool usedOnly, OperationContext context, int? number)
    {
        var volume = new CapturedVolume { OffsetBytes = viewOffset, SizeBytes = length, Method = CaptureMethod.AllSectors, UsedBytes = length };
        var what = number is null ? $"The volume of '{source.Path}'" : $"Partition {number} of '{source.Path}'";
        if (!NtfsVolume.IsNtfs(source, diskOffset))
        {
            volume.Reason = usedOnly ? "no NTFS file system: copied by sector" : null;
            return (volume, null);
        }

        volume.FileSystem = "NTFS";
        if (!usedOnly)
        {
            return (volume, null);
        }

        string reason;
        try
        {
            using var ntfs = NtfsVolume.Open(source, diskOffset, length);
            var bitmap = ntfs.GetClusterBitmap();
            if (ntfs.IsDirty)
            {
                reason = "the volume is marked dirty (Windows was not shut down cleanly, or chkdsk is due), so its $Bitmap may not be current";
            }
            else if (!bitmap.IsAllocated(0) || !InUse(bitmap, ntfs.BootSector.MftCluster) || !InUse(bitmap, ntfs.BootSector.MftMirrorCluster))
            {
                // A bitmap that frees the boot sector or the MFT would make an unreadable image.
                reason = "its $Bitmap does not mark the boot sector, $MFT and $MFTMirr in use, so it cannot be trusted";
            }
            else
            {
                var region = new UsedClusterRegion(viewOffset, length, bitmap);
                volume.Method = CaptureMethod.UsedClusters;
                volume.UsedBytes = region.UsedBytes;
                context.Log.Verbose($"{what} (NTFS, {ByteSize.Format(length)}): {ByteSize.Format(volume.UsedBytes)} in use; {ByteSize.Format(length - volume.UsedBytes)} of free clusters left out.");
                return (volume, region);
            }
        }
        catch (Exception ex) when (ex is ImageOpsException || ex is ArgumentException)
        {
            reason = "its NTFS metadata cannot be read (" + ex.Message + ")";
        }

        volume.Reason = reason + ": copied by sector";
        context.Log.Warning($"{what}: {volume.Reason}.");
        return (volume, null);
    }

    private static bool InUse(NtfsClusterBitmap bitmap, long cluster)
        => cluster >= 0 && cluster < bitmap.ClusterCount && bitmap.IsAllocated(cluster);

    private sealed class CaptureLayout
    {
        public Partition? Partition { get; set; }

        public long Start { get; set; }

        public long Length { get; set; }

        public List<CapturedVolume> Volumes { get; } = new();

        public List<UsedClusterRegion> Regions { get; } = new();
    }
}
