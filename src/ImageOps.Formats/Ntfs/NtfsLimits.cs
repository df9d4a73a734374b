namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The bounds the reader enforces so a hostile volume cannot make it loop, recurse without end or
/// allocate more than the volume justifies (HOSTILE.md). NTFS itself sets none of these numbers; each is
/// far above what Windows creates.
/// </summary>
public static class NtfsLimits
{
    /// <summary>Deepest $I30 B+ tree followed (Windows trees of millions of names are under 10 levels).</summary>
    public const int MaxIndexDepth = 32;

    /// <summary>Most path components resolved (a 32,767-character path has at most 16,384).</summary>
    public const int MaxPathComponents = 16384;

    /// <summary>Largest $ATTRIBUTE_LIST read (Windows caps it at 256 KiB).</summary>
    public const int MaxAttributeListBytes = 1 << 20;

    /// <summary>Most extension records one file may spread over.</summary>
    public const int MaxExtensionRecords = 65536;

    /// <summary>Largest file <see cref="NtfsVolume.ReadAllBytes(string, string?)"/> returns as one array.</summary>
    public const int MaxReadAllBytes = 0x7FFFFFC7;

    /// <summary>Largest $I30 $BITMAP read: one bit per index record, so 4 MiB covers 32 million records.</summary>
    public const int MaxIndexBitmapBytes = 4 << 20;

    /// <summary>Most MFT extents of $MFT's own $DATA followed while bootstrapping.</summary>
    public const int MaxMftExtents = 4096;
}
