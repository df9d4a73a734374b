using System;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// Microsoft VHD (Microsoft "Virtual Hard Disk Image Format Specification"; qemu's <c>vpc</c>): fixed,
/// dynamic and differencing disks up to 2040 GiB. Detected by the footer cookie "conectix" at the start
/// (dynamic and differencing) or in the last 512 or 511 bytes (fixed).
/// </summary>
public sealed class VhdFormat : IDiskFormat
{
    /// <summary>Smallest block size ImageOps creates (Hyper-V's smaller choice).</summary>
    public const int MinBlockSize = 512 * 1024;

    /// <summary>Largest block size ImageOps creates.</summary>
    public const int MaxBlockSize = 256 * 1024 * 1024;

    /// <inheritdoc />
    public DiskFormat Format => DiskFormat.Vhd;

    /// <inheritdoc />
    public DiskFormatCapabilities Capabilities { get; } = new()
    {
        Variants = new[] { DiskVariant.Fixed, DiskVariant.Dynamic, DiskVariant.Differencing },
        MaxCapacity = VhdVirtualSize.MaxCapacity,
        DefaultClusterSize = VhdDynamicHeader.DefaultBlockSize,
        MinClusterSize = MinBlockSize,
        MaxClusterSize = MaxBlockSize,
        ParentFormats = new[] { DiskFormat.Vhd },
        CapacityAlignment = VhdDisk.SectorSize,
    };

    /// <inheritdoc />
    public bool Probe(IBlockStorage storage)
    {
        try
        {
            return VhdFooterPair.Read(storage).AnyCookie;
        }
        catch (System.IO.IOException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public VirtualDisk Open(IBlockStorage storage, DiskOpenContext context) => VhdDisk.Open(storage, context);

    /// <inheritdoc />
    /// <remarks>A differencing disk takes ownership of <see cref="DiskCreateOptions.Parent"/>: disposing the child disposes it.</remarks>
    public VirtualDisk Create(IBlockStorage storage, DiskCreateOptions options)
    {
        var plan = CreatePlan.For(storage, options);
        if (plan.Layout is null)
        {
            return VhdDisk.CreateFixed(storage, plan.Capacity, plan.Footer.UniqueId);
        }

        var link = plan.Parent is null ? null : new ParentLink(plan.Parent.Relative ?? plan.Parent.Absolute, plan.Parent.Identity) { ResolvedPath = options.Parent!.Path, ActualIdentity = options.Parent.Identity };
        return VhdDisk.CreateSparse(storage, plan.Layout, plan.Footer, plan.Header!, options.Parent, link);
    }

    /// <inheritdoc />
    public DiskWriter CreateWriter(IBlockStorage storage, DiskCreateOptions options)
    {
        var plan = CreatePlan.For(storage, options);
        return new VhdWriter(storage, plan.Capacity, plan.Footer, plan.Layout, plan.Header);
    }

    /// <inheritdoc />
    public DiskCheckReport Check(IBlockStorage storage, DiskCheckOptions options) => VhdChecker.Check(storage, options);

    /// <inheritdoc />
    public DiskMeasurement Measure(DiskCreateOptions options, IReadOnlyList<AllocationRange> dataRanges)
    {
        CheckOptions(options);
        var capacity = options.Capacity == 0 && options.Parent is not null ? options.Parent.Capacity : options.Capacity;
        if (options.Variant == DiskVariant.Fixed)
        {
            return new DiskMeasurement { RequiredBytes = capacity + VhdFooter.Size, FullyAllocatedBytes = capacity + VhdFooter.Size };
        }

        var blockSize = options.ClusterSize ?? VhdDynamicHeader.DefaultBlockSize;

        // Locators of a differencing disk take a few sectors; two full 512-byte sectors bound any short path.
        var locators = options.Variant == DiskVariant.Differencing
            ? new[] { (VhdParentLocator.W2ru, new byte[512]), (VhdParentLocator.W2ku, new byte[512]) }
            : Array.Empty<(uint, byte[])>();
        var layout = VhdLayout.Plan(capacity, blockSize, locators);
        var blocks = new HashSet<long>();
        foreach (var range in dataRanges)
        {
            // A differencing disk stores explicit zeros too (they hide the parent); a dynamic disk does not.
            if (range.Length <= 0 || (range.Kind != AllocationKind.Data && !(range.Kind == AllocationKind.Zero && options.Variant == DiskVariant.Differencing)))
            {
                continue;
            }

            var end = Math.Min(range.End, capacity);
            for (var block = range.Offset / blockSize; block * blockSize < end; block++)
            {
                blocks.Add(block);
            }
        }

        return new DiskMeasurement { RequiredBytes = layout.FileSizeWith(blocks.Count), FullyAllocatedBytes = layout.FileSizeWith(layout.Entries) };
    }

    /// <summary>Refuses a capacity VHD cannot hold.</summary>
    internal static void CheckCapacity(long capacity)
    {
        if (capacity < 0 || capacity % VhdDisk.SectorSize != 0)
        {
            throw new ImageOpsException("DiskSizeNotSupported", ErrorKind.InvalidArgument, string.Format(CultureInfo.InvariantCulture, "A VHD's size must be a non-negative multiple of 512 bytes, not {0}.", capacity));
        }

        if (capacity > VhdVirtualSize.MaxCapacity)
        {
            throw new ImageOpsException("DiskSizeTooLarge", ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture, "A VHD holds at most 2040 GiB ({0} bytes), the limit of the format in Hyper-V and qemu; {1} bytes were asked for. Use VHDX for larger disks.", VhdVirtualSize.MaxCapacity, capacity));
        }
    }

    private static void CheckOptions(DiskCreateOptions options)
    {
        if (options.Compress)
        {
            throw new UnsupportedFeatureException("VHD compression", "A VHD cannot be compressed; use QCOW2 or a streamOptimized VMDK.", errorId: "CompressionNotSupported");
        }

        if (options.LogicalSectorSize != VhdDisk.SectorSize || (options.PhysicalSectorSize is { } physical && physical != VhdDisk.SectorSize))
        {
            throw new UnsupportedFeatureException("VHD sector size", "A VHD has 512-byte sectors only; use VHDX for 4096-byte sectors.", errorId: "SectorSizeNotSupported");
        }

        // A fixed disk has no blocks: its cluster size is ignored.
        if (options.Variant != DiskVariant.Fixed && options.ClusterSize is { } blockSize && (blockSize < MinBlockSize || blockSize > MaxBlockSize || (blockSize & (blockSize - 1)) != 0))
        {
            throw new ImageOpsException("DiskClusterSizeNotSupported", ErrorKind.InvalidArgument, string.Format(CultureInfo.InvariantCulture, "A VHD block size must be a power of two from 512 KiB to 256 MiB, not {0}.", blockSize));
        }

        CheckCapacity(options.Capacity == 0 && options.Parent is not null ? options.Parent.Capacity : options.Capacity);
    }

    /// <summary>Everything a new disk needs, validated once for Create and CreateWriter.</summary>
    private sealed class CreatePlan
    {
        private CreatePlan(long capacity, VhdFooter footer, VhdLayout? layout, VhdDynamicHeader? header, VhdParentReference? parent)
        {
            Capacity = capacity;
            Footer = footer;
            Layout = layout;
            Header = header;
            Parent = parent;
        }

        public long Capacity { get; }

        public VhdFooter Footer { get; }

        public VhdLayout? Layout { get; }

        public VhdDynamicHeader? Header { get; }

        public VhdParentReference? Parent { get; }

        public static CreatePlan For(IBlockStorage storage, DiskCreateOptions options)
        {
            CheckOptions(options);
            if (storage.Length != 0)
            {
                throw new ImageOpsException("DiskFileNotEmpty", ErrorKind.InvalidOperation, $"'{storage.Name}' is not empty; a new VHD is created only in an empty file.", storage.Name);
            }

            var uniqueId = options.DiskId ?? Guid.NewGuid();
            var capacity = options.Capacity;
            if (options.Variant == DiskVariant.Fixed)
            {
                return new CreatePlan(capacity, VhdFooter.CreateNew(VhdDiskType.Fixed, capacity, uniqueId, VhdTime.Now()), null, null, null);
            }

            VhdParentReference? parent = null;
            var type = VhdDiskType.Dynamic;
            if (options.Variant == DiskVariant.Differencing)
            {
                if (options.Parent is not VhdDisk parentDisk)
                {
                    throw new UnsupportedFeatureException("VHD parent format", options.Parent is null
                        ? "A differencing VHD needs its parent disk (DiskCreateOptions.Parent)."
                        : $"A differencing VHD's parent must be a VHD, not {options.Parent.Format} ('{options.Parent.Path}'): Hyper-V and Windows accept no other.", storage.Name, "ParentFormatNotSupported");
                }

                capacity = capacity == 0 ? parentDisk.Capacity : capacity;
                if (capacity != parentDisk.Capacity)
                {
                    throw new ImageOpsException("DiskSizeNotSupported", ErrorKind.InvalidArgument, string.Format(CultureInfo.InvariantCulture, "A differencing VHD has its parent's size ({0} bytes), not {1}; resize the child after creating it.", parentDisk.Capacity, capacity), storage.Name);
                }

                parent = VhdParentReference.For(parentDisk, storage.Name, options.ParentReference);
                type = VhdDiskType.Differencing;
            }

            var blockSize = options.ClusterSize ?? VhdDynamicHeader.DefaultBlockSize;
            var layout = VhdLayout.Plan(capacity, blockSize, parent?.Locators() ?? Array.Empty<(uint, byte[])>());
            var header = layout.CreateHeader();
            parent?.Apply(header);
            var footer = VhdFooter.CreateNew(type, capacity, uniqueId, VhdTime.Now());
            return new CreatePlan(capacity, footer, layout, header, parent);
        }
    }
}
