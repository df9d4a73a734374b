using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks;

/// <summary>
/// One disk format: content probe, open, create, sequential writer for conversion, check and
/// measure. Every format is registered once in <see cref="DiskFormats"/> (STYLE.md 18).
/// </summary>
public interface IDiskFormat
{
    /// <summary>The format.</summary>
    DiskFormat Format { get; }

    /// <summary>What the format can create and do.</summary>
    DiskFormatCapabilities Capabilities { get; }

    /// <summary>
    /// Whether <paramref name="storage"/> looks like this format, from its content only (never the
    /// file name). Must not throw for any input and must read only a bounded number of bytes.
    /// </summary>
    bool Probe(IBlockStorage storage);

    /// <summary>
    /// Opens <paramref name="storage"/>, validating every structure it relies on (HOSTILE.md):
    /// bad input throws <see cref="CorruptImageException"/> or <see cref="UnsupportedFeatureException"/>.
    /// Parents are opened through <see cref="DiskOpenContext.OpenParent"/>.
    /// </summary>
    VirtualDisk Open(IBlockStorage storage, DiskOpenContext context);

    /// <summary>Creates a new, empty disk in <paramref name="storage"/> (which must be empty) for random-access writing.</summary>
    VirtualDisk Create(IBlockStorage storage, DiskCreateOptions options);

    /// <summary>Creates a writer that fills a new disk front to back, the fast path of conversion.</summary>
    DiskWriter CreateWriter(IBlockStorage storage, DiskCreateOptions options);

    /// <summary>
    /// Checks the image's metadata for corruptions and leaks; with <see cref="DiskCheckOptions.Repair"/>
    /// fixes what can be fixed. Formats without checkable metadata return a report with
    /// <see cref="DiskCheckReport.Supported"/> false.
    /// </summary>
    DiskCheckReport Check(IBlockStorage storage, DiskCheckOptions options);

    /// <summary>The file size a disk created with <paramref name="options"/> would take, holding the given data ranges.</summary>
    DiskMeasurement Measure(DiskCreateOptions options, System.Collections.Generic.IReadOnlyList<AllocationRange> dataRanges);
}

/// <summary>What a format supports, so the engine can refuse clearly before starting.</summary>
public sealed class DiskFormatCapabilities
{
    /// <summary>Variants the format can create.</summary>
    public DiskVariant[] Variants { get; set; } = System.Array.Empty<DiskVariant>();

    /// <summary>True if the format can store compressed data.</summary>
    public bool Compression { get; set; }

    /// <summary>Largest virtual size the format can hold.</summary>
    public long MaxCapacity { get; set; } = long.MaxValue;

    /// <summary>Default allocation unit for new dynamic disks.</summary>
    public int DefaultClusterSize { get; set; }

    /// <summary>Allocation units the format accepts (powers of two), smallest and largest.</summary>
    public int MinClusterSize { get; set; } = 512;

    /// <summary>Largest allocation unit.</summary>
    public int MaxClusterSize { get; set; } = 512;

    /// <summary>Formats a parent of a differencing disk of this format may have.</summary>
    public DiskFormat[] ParentFormats { get; set; } = System.Array.Empty<DiskFormat>();

    /// <summary>Capacities must be a multiple of this.</summary>
    public int CapacityAlignment { get; set; } = 512;
}
