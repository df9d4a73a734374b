using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Disks;

/// <summary>
/// A capture: an image made from a block device, a disk file (any format, with its chain) or one
/// partition of either, copying every sector or — with <see cref="UsedOnly"/> — only what the NTFS
/// volumes use.
/// </summary>
public sealed class CaptureRequest
{
    /// <summary>
    /// What to capture: a block device (Linux, for example <c>/dev/sdb</c>; always read as raw) or a disk
    /// file of any format (detected from content; the top of its chain).
    /// </summary>
    public string SourcePath { get; set; } = string.Empty;

    /// <summary>The source file's format, or null to detect it from content (a block device is always raw).</summary>
    public DiskFormat? SourceFormat { get; set; }

    /// <summary>
    /// Capture only this partition (its number as <see cref="Formats.Partitions.Partition.Number"/> gives
    /// it): the image then holds the partition's bytes alone — a volume image, as partclone makes —
    /// without a partition table. Null captures the whole disk.
    /// </summary>
    public int? PartitionNumber { get; set; }

    /// <summary>
    /// Copy only the clusters NTFS volumes use (per $Bitmap; free clusters read as zeros in the image, so
    /// no stale data of deleted files is carried). Partition tables, other file systems and unknown
    /// partitions are copied by sector; a volume whose bitmap cannot be trusted (marked dirty, damaged)
    /// is copied by sector too, with a warning.
    /// </summary>
    public bool UsedOnly { get; set; }

    /// <summary>The image to create.</summary>
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>The image format.</summary>
    public DiskFormat Format { get; set; } = DiskFormat.Vhdx;

    /// <summary>Fixed or dynamic output; dynamic when null.</summary>
    public DiskVariant? Variant { get; set; }

    /// <summary>Output allocation unit, or null for the format's default.</summary>
    public int? ClusterSizeBytes { get; set; }

    /// <summary>Compress the output (QCOW2, streamOptimized VMDK).</summary>
    public bool Compress { get; set; }

    /// <summary>Format-specific output layout (VMDK <c>streamOptimized</c>, qcow2 <c>v2</c>).</summary>
    public string? Subformat { get; set; }

    /// <summary>Flush the new image to the device before renaming it into place.</summary>
    public bool Durable { get; set; }

    /// <summary>Replace an existing destination (atomically, once the new image is complete).</summary>
    public bool Overwrite { get; set; }

    /// <summary>More folders a source file's parents may be opened from, besides its own folder.</summary>
    public IReadOnlyList<string> ParentSearchPaths { get; set; } = Array.Empty<string>();

    /// <summary>Reader/compressor threads; null for one per core (at most 8).</summary>
    public int? Workers { get; set; }
}

/// <summary>How a region of the source was copied.</summary>
public enum CaptureMethod
{
    /// <summary>Only the clusters the file system marks in use (and its boot sectors).</summary>
    UsedClusters,

    /// <summary>Every sector (all-zero ranges are still not stored).</summary>
    AllSectors,
}

/// <summary>One partition (or the volume filling the source) and how it was captured.</summary>
public sealed class CapturedVolume
{
    /// <summary>The partition number, or null for a volume without a partition table around it.</summary>
    public int? PartitionNumber { get; set; }

    /// <summary>Where it starts in the image.</summary>
    public long OffsetBytes { get; set; }

    /// <summary>Its size.</summary>
    public long SizeBytes { get; set; }

    /// <summary>The file system found (<c>NTFS</c>), or empty.</summary>
    public string FileSystem { get; set; } = string.Empty;

    /// <summary>How it was copied.</summary>
    public CaptureMethod Method { get; set; }

    /// <summary>Bytes in use (used clusters plus boot sectors) for <see cref="CaptureMethod.UsedClusters"/>; the size otherwise.</summary>
    public long UsedBytes { get; set; }

    /// <summary>Why a used-only capture copied it by sector (not NTFS, marked dirty, damaged), or null.</summary>
    public string? Reason { get; set; }
}

/// <summary>What a capture produced.</summary>
public sealed class CaptureResult
{
    /// <summary>The device or disk file captured.</summary>
    public string SourcePath { get; set; } = string.Empty;

    /// <summary>True if the source was a block device.</summary>
    public bool SourceIsDevice { get; set; }

    /// <summary>The partition captured, or null for the whole disk.</summary>
    public int? PartitionNumber { get; set; }

    /// <summary>True for a used-only (file-system-aware) capture.</summary>
    public bool UsedOnly { get; set; }

    /// <summary>The image written.</summary>
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>Its format.</summary>
    public DiskFormat Format { get; set; }

    /// <summary>Its variant.</summary>
    public DiskVariant Variant { get; set; }

    /// <summary>Its layout detail.</summary>
    public string Subformat { get; set; } = string.Empty;

    /// <summary>Its virtual size: the source's, or the partition's.</summary>
    public long CapacityBytes { get; set; }

    /// <summary>Bytes of data copied (all-zero chunks are not written).</summary>
    public long DataBytesWritten { get; set; }

    /// <summary>Bytes of free NTFS clusters left out of the image.</summary>
    public long FreeBytesSkipped { get; set; }

    /// <summary>Size of the new file.</summary>
    public long FileSizeBytes { get; set; }

    /// <summary>The partitions (or the volume) found and how each was captured; empty for a sector-by-sector capture.</summary>
    public IReadOnlyList<CapturedVolume> Volumes { get; set; } = Array.Empty<CapturedVolume>();

    /// <summary>Wall-clock time of the capture.</summary>
    public TimeSpan Duration { get; set; }
}
