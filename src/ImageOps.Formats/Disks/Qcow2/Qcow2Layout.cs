namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>What an L2 entry describes (qemu's QCow2ClusterType, qcow2.txt "Cluster mapping").</summary>
internal enum Qcow2ClusterType
{
    /// <summary>Offset 0, no zero flag: the backing file (or zeros) shows through.</summary>
    Unallocated,

    /// <summary>Zero flag without a host cluster (v3).</summary>
    ZeroPlain,

    /// <summary>Zero flag over a preallocated host cluster (v3).</summary>
    ZeroAllocated,

    /// <summary>Data in a host cluster.</summary>
    Normal,

    /// <summary>Deflate-compressed data at a byte offset.</summary>
    Compressed,
}

/// <summary>
/// The geometry derived from the header and the bit layout of L1, L2 and refcount entries
/// (qcow2.txt "Cluster mapping", "Extended L2 Entries", "Host cluster management").
/// </summary>
internal sealed class Qcow2Layout
{
    public const ulong OffsetMask = 0x00fffffffffffe00UL; // L1E_OFFSET_MASK / L2E_OFFSET_MASK
    public const ulong RefcountTableOffsetMask = 0xfffffffffffffe00UL; // REFT_OFFSET_MASK
    public const ulong FlagCopied = 1UL << 63;
    public const ulong FlagCompressed = 1UL << 62;
    public const ulong FlagZero = 1UL;
    public const ulong L1ReservedMask = 0x7f000000000001ffUL;
    public const ulong L2StandardReservedMask = 0x3f000000000001feUL;
    public const int SubclustersPerCluster = 32;
    public const int CompressedSectorSize = 512;

    public Qcow2Layout(int clusterBits, bool extendedL2, int refcountOrder)
    {
        ClusterBits = clusterBits;
        ClusterSize = 1 << clusterBits;
        ExtendedL2 = extendedL2;
        L2EntryBytes = extendedL2 ? 16 : 8;
        L2Bits = clusterBits - (extendedL2 ? 4 : 3);
        L2Entries = 1 << L2Bits;
        SubclusterSize = extendedL2 ? ClusterSize / SubclustersPerCluster : ClusterSize;
        CompressedSizeShift = 62 - (clusterBits - 8);
        CompressedSizeMask = (1UL << (clusterBits - 8)) - 1;
        CompressedOffsetMask = (1UL << CompressedSizeShift) - 1;
        RefcountOrder = refcountOrder;
        RefcountBits = 1 << refcountOrder;
        RefcountMax = refcountOrder == 6 ? ulong.MaxValue : (1UL << RefcountBits) - 1;
        RefcountBlockBits = clusterBits + 3 - refcountOrder;
        RefcountBlockEntries = 1L << RefcountBlockBits;
    }

    public int ClusterBits { get; }

    public int ClusterSize { get; }

    public bool ExtendedL2 { get; }

    public int L2EntryBytes { get; }

    public int L2Bits { get; }

    public int L2Entries { get; }

    public int SubclusterSize { get; }

    public int CompressedSizeShift { get; }

    public ulong CompressedSizeMask { get; }

    public ulong CompressedOffsetMask { get; }

    public int RefcountOrder { get; }

    public int RefcountBits { get; }

    public ulong RefcountMax { get; }

    public int RefcountBlockBits { get; }

    public long RefcountBlockEntries { get; }

    /// <summary>Guest bytes one L2 table maps.</summary>
    public long L2Coverage => (long)L2Entries << ClusterBits;

    public static Qcow2Layout For(Qcow2Header header) => new(header.ClusterBits, header.ExtendedL2, header.RefcountOrder);

    public Qcow2ClusterType TypeOf(ulong entry)
    {
        if ((entry & FlagCompressed) != 0)
        {
            return Qcow2ClusterType.Compressed;
        }

        if ((entry & FlagZero) != 0 && !ExtendedL2)
        {
            return (entry & OffsetMask) != 0 ? Qcow2ClusterType.ZeroAllocated : Qcow2ClusterType.ZeroPlain;
        }

        return (entry & OffsetMask) != 0 ? Qcow2ClusterType.Normal : Qcow2ClusterType.Unallocated;
    }

    /// <summary>Host byte offset and stored length of a compressed cluster (qemu's qcow2_parse_compressed_l2_entry).</summary>
    public void ParseCompressed(ulong entry, out long offset, out int length)
    {
        offset = (long)(entry & CompressedOffsetMask);
        var sectors = (long)((entry >> CompressedSizeShift) & CompressedSizeMask) + 1;
        length = (int)((sectors * CompressedSectorSize) - (offset & (CompressedSectorSize - 1)));
    }

    /// <summary>The L2 entry of a compressed cluster stored at <paramref name="offset"/> in <paramref name="length"/> bytes.</summary>
    public ulong CompressedEntry(long offset, int length)
    {
        var additionalSectors = ((offset + length - 1) >> 9) - (offset >> 9);
        return FlagCompressed | ((ulong)additionalSectors << CompressedSizeShift) | (ulong)offset;
    }

    /// <summary>Refcount table entries one table cluster holds.</summary>
    public int RefcountTableEntriesPerCluster => ClusterSize / 8;
}
