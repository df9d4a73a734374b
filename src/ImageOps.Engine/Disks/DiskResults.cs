using System;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Disks;

/// <summary>How to create a new disk file (New-DiskFile, <c>imageops disk create</c>).</summary>
public sealed class NewDiskRequest
{
    /// <summary>The file to create.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Its format.</summary>
    public DiskFormat Format { get; set; }

    /// <summary>Fixed or dynamic; differencing when <see cref="ParentPath"/> is set.</summary>
    public DiskVariant Variant { get; set; } = DiskVariant.Dynamic;

    /// <summary>Virtual size; for a differencing disk, null to take the parent's.</summary>
    public long? SizeBytes { get; set; }

    /// <summary>Allocation unit, or null for the format's default.</summary>
    public int? ClusterSizeBytes { get; set; }

    /// <summary>Logical sector size.</summary>
    public int LogicalSectorSizeBytes { get; set; } = 512;

    /// <summary>Physical sector size, or null for the format's default.</summary>
    public int? PhysicalSectorSizeBytes { get; set; }

    /// <summary>The parent of a differencing disk.</summary>
    public string? ParentPath { get; set; }

    /// <summary>Format-specific layout.</summary>
    public string? Subformat { get; set; }

    /// <summary>Replace an existing file.</summary>
    public bool Overwrite { get; set; }
}

/// <summary>What Test-DiskFile found (qemu-img check's meanings).</summary>
public sealed class DiskCheckResult
{
    /// <summary>The file checked.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Its format.</summary>
    public DiskFormat Format { get; set; }

    /// <summary>Clean, Corrupt, LeaksOnly or NotSupported, after any repair.</summary>
    public DiskCheckStatus Status { get; set; }

    /// <summary>Corruptions found (repaired ones included).</summary>
    public int Corruptions { get; set; }

    /// <summary>Leaks found (repaired ones included).</summary>
    public int Leaks { get; set; }

    /// <summary>Problems a repair fixed.</summary>
    public int Repaired { get; set; }

    /// <summary>True if the check ran in repair mode.</summary>
    public bool RepairRequested { get; set; }

    /// <summary>Every problem, for a person or a script.</summary>
    public DiskProblem[] Problems { get; set; } = Array.Empty<DiskProblem>();

    /// <summary>Allocation units in use, where counted.</summary>
    public long? AllocatedClusters { get; set; }

    /// <summary>Allocation units of the virtual disk, where counted.</summary>
    public long? TotalClusters { get; set; }
}

/// <summary>What Compare-DiskFile found.</summary>
public sealed class DiskComparison
{
    /// <summary>The first image.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The second image.</summary>
    public string OtherPath { get; set; } = string.Empty;

    /// <summary>True if both read the same (a larger image's excess must read as zeros, as qemu-img compare has it).</summary>
    public bool Identical { get; set; }

    /// <summary>The first byte offset where they differ, or null.</summary>
    public long? FirstDifferenceOffset { get; set; }

    /// <summary>Virtual size of the first image.</summary>
    public long CapacityBytes { get; set; }

    /// <summary>Virtual size of the second image.</summary>
    public long OtherCapacityBytes { get; set; }

    /// <summary>Bytes actually read and compared (ranges zero in both are skipped).</summary>
    public long BytesCompared { get; set; }
}

/// <summary>What Measure-DiskFile predicts for a conversion.</summary>
public sealed class DiskMeasureResult
{
    /// <summary>The source image.</summary>
    public string SourcePath { get; set; } = string.Empty;

    /// <summary>The target format.</summary>
    public DiskFormat Format { get; set; }

    /// <summary>The target variant.</summary>
    public DiskVariant Variant { get; set; }

    /// <summary>File size the conversion needs (zeros skipped).</summary>
    public long RequiredBytes { get; set; }

    /// <summary>File size if every byte were allocated.</summary>
    public long FullyAllocatedBytes { get; set; }

    /// <summary>Bytes of data the source holds (its chain, flattened).</summary>
    public long SourceDataBytes { get; set; }
}

/// <summary>What Merge-DiskFile did.</summary>
public sealed class DiskMergeResult
{
    /// <summary>The child that was merged.</summary>
    public string ChildPath { get; set; } = string.Empty;

    /// <summary>The image that received the data (the parent, or a new flattened image).</summary>
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>Bytes of the child's data written into the destination.</summary>
    public long BytesMerged { get; set; }

    /// <summary>True if the child file was deleted afterwards.</summary>
    public bool ChildRemoved { get; set; }
}

/// <summary>What Optimize-DiskFile reclaimed.</summary>
public sealed class DiskOptimizeResult
{
    /// <summary>The image compacted.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>File size before.</summary>
    public long FileSizeBeforeBytes { get; set; }

    /// <summary>File size after.</summary>
    public long FileSizeAfterBytes { get; set; }

    /// <summary>Bytes reclaimed.</summary>
    public long ReclaimedBytes => Math.Max(0, FileSizeBeforeBytes - FileSizeAfterBytes);
}
