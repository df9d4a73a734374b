using System;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Disks;

/// <summary>A virtual disk file as Get-DiskFile and <c>imageops disk info</c> describe it.</summary>
public sealed class DiskFileInfo
{
    /// <summary>Full path of the file.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Container format, detected from content.</summary>
    public DiskFormat Format { get; set; }

    /// <summary>Fixed, dynamic or differencing.</summary>
    public DiskVariant Variant { get; set; }

    /// <summary>Format-specific layout (for example <c>streamOptimized</c>, <c>v3</c>).</summary>
    public string Subformat { get; set; } = string.Empty;

    /// <summary>Virtual size in bytes.</summary>
    public long CapacityBytes { get; set; }

    /// <summary>Size of the file on the host.</summary>
    public long FileSizeBytes { get; set; }

    /// <summary>Bytes this layer stores data for (its allocation map's data ranges).</summary>
    public long AllocatedBytes { get; set; }

    /// <summary>Allocation unit: qcow2 cluster, VHD/VHDX block, VMDK grain, sector for raw.</summary>
    public int ClusterSizeBytes { get; set; }

    /// <summary>Logical sector size.</summary>
    public int LogicalSectorSize { get; set; }

    /// <summary>Physical sector size.</summary>
    public int PhysicalSectorSize { get; set; }

    /// <summary>This disk's identity as its children record it, if the format has one.</summary>
    public string? Identity { get; set; }

    /// <summary>The parent as this disk records it, or null.</summary>
    public string? ParentReference { get; set; }

    /// <summary>The parent file found for it, or null.</summary>
    public string? ParentPath { get; set; }

    /// <summary>The disk and each of its parents, top first, with each parent's identity check.</summary>
    public DiskChainEntry[] Chain { get; set; } = Array.Empty<DiskChainEntry>();
}

/// <summary>Whether a link of a chain holds.</summary>
public enum ChainLinkStatus
{
    /// <summary>The disk has no parent.</summary>
    None,

    /// <summary>The parent was found and its identity matches what the child records.</summary>
    Verified,

    /// <summary>The parent was found; the format records no identity to compare (qcow2).</summary>
    Unverified,

    /// <summary>The parent found is not the one the child was made from.</summary>
    IdentityMismatch,

    /// <summary>The parent could not be opened (missing, refused, or damaged).</summary>
    Unavailable,
}

/// <summary>One disk of a chain.</summary>
public sealed class DiskChainEntry
{
    /// <summary>0 for the disk itself, 1 for its parent, and so on.</summary>
    public int Depth { get; set; }

    /// <summary>The file.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Its format.</summary>
    public DiskFormat Format { get; set; }

    /// <summary>Its variant.</summary>
    public DiskVariant Variant { get; set; }

    /// <summary>Its identity, if the format records one.</summary>
    public string? Identity { get; set; }

    /// <summary>How this disk's link to its parent stands.</summary>
    public ChainLinkStatus ParentLink { get; set; }

    /// <summary>The parent identity this disk records, if any.</summary>
    public string? ExpectedParentIdentity { get; set; }

    /// <summary>Why the parent is unavailable or mismatched, for a person.</summary>
    public string? ParentDetail { get; set; }
}
