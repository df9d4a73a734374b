using System;
using ImageOps.Formats.Disks.Chains;

namespace ImageOps.Formats.Disks;

/// <summary>How to create a new disk.</summary>
public sealed class DiskCreateOptions
{
    /// <summary>Virtual size in bytes.</summary>
    public long Capacity { get; set; }

    /// <summary>Fixed, dynamic or differencing.</summary>
    public DiskVariant Variant { get; set; } = DiskVariant.Dynamic;

    /// <summary>Allocation unit (qcow2 cluster, VHD/VHDX block, VMDK grain); null for the format's default.</summary>
    public int? ClusterSize { get; set; }

    /// <summary>Logical sector size (512 or 4096 where the format allows).</summary>
    public int LogicalSectorSize { get; set; } = 512;

    /// <summary>Physical sector size; null for the format's default.</summary>
    public int? PhysicalSectorSize { get; set; }

    /// <summary>The opened parent, for a differencing disk.</summary>
    public VirtualDisk? Parent { get; set; }

    /// <summary>How to record the parent (preferably relative to the new disk's folder).</summary>
    public string? ParentReference { get; set; }

    /// <summary>Store data compressed (qcow2, streamOptimized VMDK).</summary>
    public bool Compress { get; set; }

    /// <summary>Format-specific layout: VMDK <c>monolithicSparse</c> or <c>streamOptimized</c>; qcow2 <c>v2</c> or <c>v3</c>.</summary>
    public string? Subformat { get; set; }

    /// <summary>VMDK sparse header version (3 for streamOptimized as ESXi requires); null for the default.</summary>
    public int? VmdkVersion { get; set; }

    /// <summary>The disk's identity where the format records one; null for a new random one.</summary>
    public Guid? DiskId { get; set; }
}

/// <summary>How to open a disk.</summary>
public sealed class DiskOpenOptions
{
    /// <summary>Open for writing.</summary>
    public bool Writable { get; set; }

    /// <summary>The declared format; null to probe the content.</summary>
    public DiskFormat? Format { get; set; }

    /// <summary>Where parents may be opened from; null for the folder of the disk being opened.</summary>
    public ParentResolver? Parents { get; set; }

    /// <summary>Refuse a parent whose identity differs from the one the child records (default true).</summary>
    public bool VerifyParentIdentity { get; set; } = true;

    /// <summary>Do not open parents at all (inspect one layer).</summary>
    public bool SkipParents { get; set; }
}

/// <summary>How to check a disk.</summary>
public sealed class DiskCheckOptions
{
    /// <summary>Fix leaks and repairable corruptions.</summary>
    public bool Repair { get; set; }
}
