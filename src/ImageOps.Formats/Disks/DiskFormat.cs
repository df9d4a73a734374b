namespace ImageOps.Formats.Disks;

/// <summary>The virtual disk formats ImageOps reads and writes.</summary>
public enum DiskFormat
{
    /// <summary>A plain image: byte N of the file is byte N of the disk.</summary>
    Raw,

    /// <summary>Microsoft VHD (Virtual PC, Hyper-V 2008, Azure).</summary>
    Vhd,

    /// <summary>Microsoft VHDX (Hyper-V 2012 and later).</summary>
    Vhdx,

    /// <summary>QEMU copy-on-write v2 and v3.</summary>
    Qcow2,

    /// <summary>VMware VMDK (monolithicSparse, streamOptimized, monolithicFlat).</summary>
    Vmdk,
}

/// <summary>How a disk stores its data, in the terms admins use (Hyper-V's New-VHD -Fixed/-Dynamic/-Differencing).</summary>
public enum DiskVariant
{
    /// <summary>Every byte of the virtual disk has its place in the file (raw, fixed VHD/VHDX, monolithicFlat).</summary>
    Fixed,

    /// <summary>The file grows as data is written (dynamic VHD/VHDX, qcow2, sparse VMDK).</summary>
    Dynamic,

    /// <summary>Only changes relative to a parent (backing) disk are stored.</summary>
    Differencing,
}

/// <summary>What a range of a disk layer holds (DESIGN.md §4: the allocation map).</summary>
public enum AllocationKind
{
    /// <summary>This layer stores data for the range.</summary>
    Data,

    /// <summary>The range reads as zeros in this layer (an explicit zero, hiding any parent).</summary>
    Zero,

    /// <summary>This layer stores nothing: the parent's data shows through, or zeros without a parent.</summary>
    Unallocated,
}
