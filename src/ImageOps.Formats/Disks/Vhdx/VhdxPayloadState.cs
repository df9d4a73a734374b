using System;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>Payload block states (MS-VHDX 2.5.1.1).</summary>
internal enum VhdxPayloadState
{
    /// <summary>Not in this file: zeros, or the parent's data in a differencing disk.</summary>
    NotPresent = 0,

    /// <summary>Contents undefined; ImageOps reads it like NotPresent.</summary>
    Undefined = 1,

    /// <summary>Reads as zeros (hiding any parent).</summary>
    Zero = 2,

    /// <summary>Unmapped (trimmed); ImageOps reads it like NotPresent.</summary>
    Unmapped = 3,

    /// <summary>The value version 0.95 of the specification gave Unmapped; qemu reads it the same way.</summary>
    UnmappedV095 = 5,

    /// <summary>The whole block is stored at FileOffsetMB.</summary>
    FullyPresent = 6,

    /// <summary>Differencing only: the sector bitmap says which sectors are here and which come from the parent.</summary>
    PartiallyPresent = 7,
}
