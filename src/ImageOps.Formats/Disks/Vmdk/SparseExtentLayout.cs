using System;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// Where the metadata of a new sparse extent goes. The hosted layout is qemu's
/// (<c>vmdk_init_extent</c>), which is also VMware's: header, descriptor (20 sectors at sector 1),
/// redundant grain directory and its grain tables, grain directory and its grain tables, then grains
/// from a grain-aligned offset. Every grain table is preallocated, so grain directory entries are
/// never zero. The stream-optimized layout is VMware's: header, descriptor, grains from a
/// grain-aligned offset, metadata at the end.
/// </summary>
internal sealed class SparseExtentLayout
{
    /// <summary>Descriptor area: sector 1, 20 sectors (qemu's <c>DESC_SIZE</c>, open-vmdk's size too).</summary>
    public const long DescriptorOffsetSectors = 1;

    /// <summary>See <see cref="DescriptorOffsetSectors"/>.</summary>
    public const long DescriptorSizeSectors = 20;

    /// <summary>Grain table entries per grain table: 512, the only value VMware's disk library supports.</summary>
    public const int GtesPerGt = 512;

    private SparseExtentLayout(long capacitySectors, long grainSectors, bool redundant, bool stream)
    {
        CapacitySectors = capacitySectors;
        GrainSectors = grainSectors;
        GrainCount = (capacitySectors + grainSectors - 1) / grainSectors;
        GtSectors = GrainTable.Sectors(GtesPerGt);
        GtCount = (GrainCount + GtesPerGt - 1) / GtesPerGt;
        GdSectors = GrainTable.Sectors(GtCount);
        var afterDescriptor = DescriptorOffsetSectors + DescriptorSizeSectors;
        if (stream)
        {
            GrainOffsetSectors = Alignment.RoundUp(afterDescriptor, grainSectors);
            return;
        }

        if (redundant)
        {
            RgdOffsetSectors = afterDescriptor;
            GdOffsetSectors = RgdOffsetSectors + GdSectors + GtSectors * GtCount;
        }
        else
        {
            GdOffsetSectors = afterDescriptor;
        }

        GrainOffsetSectors = Alignment.RoundUp(GdOffsetSectors + GdSectors + GtSectors * GtCount, grainSectors);
    }

    public long CapacitySectors { get; }

    public long GrainSectors { get; }

    public long GrainCount { get; }

    public long GtSectors { get; }

    public long GtCount { get; }

    public long GdSectors { get; }

    /// <summary>Sector of the redundant grain directory, 0 when there is none.</summary>
    public long RgdOffsetSectors { get; }

    /// <summary>Sector of the grain directory (hosted layout only).</summary>
    public long GdOffsetSectors { get; }

    /// <summary>First grain sector (the header's overHead).</summary>
    public long GrainOffsetSectors { get; }

    public static SparseExtentLayout Hosted(long capacitySectors, long grainSectors, bool redundant = true) => new(capacitySectors, grainSectors, redundant, stream: false);

    public static SparseExtentLayout Stream(long capacitySectors, long grainSectors) => new(capacitySectors, grainSectors, redundant: false, stream: true);

    /// <summary>Sector of grain table <paramref name="index"/> (hosted layout).</summary>
    public long GtSector(long index) => GdOffsetSectors + GdSectors + index * GtSectors;

    /// <summary>Sector of redundant grain table <paramref name="index"/> (hosted layout with a redundant directory).</summary>
    public long RgtSector(long index) => RgdOffsetSectors + GdSectors + index * GtSectors;

    /// <summary>The header of a new extent with this layout.</summary>
    public SparseExtentHeader Header(uint version, SparseExtentFlags flags, bool compressed) => new()
    {
        Version = version,
        Flags = flags,
        Capacity = (ulong)CapacitySectors,
        GrainSize = (ulong)GrainSectors,
        DescriptorOffset = DescriptorOffsetSectors,
        DescriptorSize = DescriptorSizeSectors,
        NumGtesPerGt = GtesPerGt,
        RgdOffset = (ulong)RgdOffsetSectors,
        GdOffset = compressed ? SparseExtentHeader.GrainDirectoryAtEnd : (ulong)GdOffsetSectors,
        OverHead = (ulong)GrainOffsetSectors,
        CompressAlgorithm = compressed ? SparseExtentHeader.CompressionDeflate : SparseExtentHeader.CompressionNone,
    };


    /// <summary>The largest grain ImageOps reads or writes: 1 MiB (VMware writes 64 KiB; qemu cannot write another size).</summary>
    public const long MaxGrainSectors = 2048;

    /// <summary>
    /// The largest virtual size read: 64 TiB. VMware's largest virtual disk is 62 TB; a header that
    /// claims more (iotest 059's afl9.vmdk claims 2^60 sectors) is refused before anything is allocated.
    /// </summary>
    public const long MaxCapacitySectors = 1L << 37;

    /// <summary>
    /// The largest sparse extent ImageOps creates: (2^32 - 1) sectors, just under 2 TiB, because grain
    /// table entries are 32-bit sector numbers and VMware's hosted sparse extents stop there.
    /// </summary>
    public const long MaxCreateCapacitySectors = uint.MaxValue;

    /// <summary>Checks a grain size for a new extent: a power of two from 4 KiB (the spec's minimum) to 1 MiB.</summary>
    public static long GrainSectorsFor(int? clusterSize)
    {
        var bytes = clusterSize ?? 64 * 1024;
        if (bytes < 4096 || bytes > MaxGrainSectors * SparseExtentHeader.SectorSize || (bytes & (bytes - 1)) != 0)
        {
            throw new ImageOpsException("DiskClusterSizeNotSupported", ErrorKind.InvalidArgument, $"A VMDK grain must be a power of two from 4 KiB to 1 MiB, not {bytes} bytes.");
        }

        return bytes / SparseExtentHeader.SectorSize;
    }
}
