namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>Access of an extent line (VMware "Virtual Disk Format 5.0", "Extent Descriptions").</summary>
internal enum VmdkExtentAccess
{
    ReadWrite,
    ReadOnly,
    NoAccess,
}

/// <summary>Type of an extent line. Only the first four are read; the rest are recognised to be refused by name.</summary>
internal enum VmdkExtentType
{
    Flat,
    Sparse,
    Zero,
    Vmfs,
    VmfsSparse,
    VmfsRdm,
    VmfsRaw,
    SeSparse,
    VsanSparse,
}

/// <summary>
/// One extent line of a descriptor: <c>ACCESS SECTORS TYPE ["FILE" [OFFSET]]</c>, for example
/// <c>RW 4192256 FLAT "disk-flat.vmdk" 0</c>. VMware "Virtual Disk Format 5.0", "Extent Descriptions";
/// qemu <c>vmdk_parse_extents</c>.
/// </summary>
internal sealed class VmdkExtentDescriptor
{
    public VmdkExtentDescriptor(VmdkExtentAccess access, long sectors, VmdkExtentType type, string? fileName, long offset, int line)
    {
        Access = access;
        Sectors = sectors;
        Type = type;
        FileName = fileName;
        Offset = offset;
        Line = line;
    }

    public VmdkExtentAccess Access { get; }

    /// <summary>Size of the extent in 512-byte sectors.</summary>
    public long Sectors { get; }

    public VmdkExtentType Type { get; }

    /// <summary>The extent file as the descriptor names it (null for ZERO extents).</summary>
    public string? FileName { get; }

    /// <summary>Sector offset of the extent's data within a FLAT file (0 otherwise).</summary>
    public long Offset { get; }

    /// <summary>1-based line of the descriptor, for messages.</summary>
    public int Line { get; }

    /// <summary>The keyword as it appears in a descriptor.</summary>
    public static string Keyword(VmdkExtentType type) => type switch
    {
        VmdkExtentType.Flat => "FLAT",
        VmdkExtentType.Sparse => "SPARSE",
        VmdkExtentType.Zero => "ZERO",
        VmdkExtentType.Vmfs => "VMFS",
        VmdkExtentType.VmfsSparse => "VMFSSPARSE",
        VmdkExtentType.VmfsRdm => "VMFSRDM",
        VmdkExtentType.VmfsRaw => "VMFSRAW",
        VmdkExtentType.SeSparse => "SESPARSE",
        _ => "VSANSPARSE",
    };
}
