using System.Collections.Generic;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Raw;

/// <summary>
/// The raw format. It has no signature: <see cref="DiskFormats.Probe"/> falls back to it when no
/// other format matches, and nothing is ever written into a raw image because of a guess.
/// </summary>
public sealed class RawFormat : IDiskFormat
{
    /// <inheritdoc />
    public DiskFormat Format => DiskFormat.Raw;

    /// <inheritdoc />
    public DiskFormatCapabilities Capabilities { get; } = new()
    {
        // A dynamic raw disk is a sparse file: same format, holes where nothing was written.
        Variants = new[] { DiskVariant.Fixed, DiskVariant.Dynamic },
        DefaultClusterSize = 512,
        MinClusterSize = 512,
        MaxClusterSize = 512,
        CapacityAlignment = 512,
    };

    /// <inheritdoc />
    public bool Probe(IBlockStorage storage) => false;

    /// <inheritdoc />
    public VirtualDisk Open(IBlockStorage storage, DiskOpenContext context) => new RawDisk(storage, context.Writable);

    /// <inheritdoc />
    public VirtualDisk Create(IBlockStorage storage, DiskCreateOptions options)
    {
        CheckCreate(options);
        storage.SetLength(options.Capacity);
        return new RawDisk(storage, writable: true);
    }

    /// <inheritdoc />
    public DiskWriter CreateWriter(IBlockStorage storage, DiskCreateOptions options)
    {
        CheckCreate(options);
        return new RawWriter(storage, options.Capacity);
    }

    /// <inheritdoc />
    public DiskCheckReport Check(IBlockStorage storage, DiskCheckOptions options)
        => new() { Path = storage.Name, Format = DiskFormat.Raw, Supported = false };

    /// <inheritdoc />
    public DiskMeasurement Measure(DiskCreateOptions options, IReadOnlyList<AllocationRange> dataRanges)
        => new() { RequiredBytes = options.Capacity, FullyAllocatedBytes = options.Capacity };

    private static void CheckCreate(DiskCreateOptions options)
    {
        if (options.Variant != DiskVariant.Fixed && options.Variant != DiskVariant.Dynamic)
        {
            throw new UnsupportedFeatureException("raw differencing", "A raw image cannot have a parent; use VHD, VHDX, QCOW2 or VMDK for a differencing disk.", errorId: "DiskVariantNotSupported");
        }

        if (options.Compress)
        {
            throw new UnsupportedFeatureException("raw compression", "A raw image cannot be compressed; use QCOW2 or a streamOptimized VMDK.", errorId: "CompressionNotSupported");
        }

        if (options.Capacity < 0 || options.Capacity % 512 != 0)
        {
            throw new ImageOpsException("DiskSizeNotSupported", ErrorKind.InvalidArgument, $"A raw image's size must be a non-negative multiple of 512 bytes, not {options.Capacity}.");
        }
    }
}
