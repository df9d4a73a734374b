using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// The qcow2 format, versions 2 and 3 (qemu docs/interop/qcow2.txt): probe by the "QFI\xfb" magic,
/// open (with backing files through <see cref="DiskOpenContext.OpenParent"/> and the declared
/// backing format), create, the sequential (optionally compressed) writer, check and repair as
/// <c>qemu-img check</c>, and measure as <c>qemu-img measure</c>.
/// </summary>
public sealed class Qcow2Format : IDiskFormat
{
    /// <summary>The default cluster size (qemu's).</summary>
    public const int DefaultClusterSize = 64 * 1024;

    /// <inheritdoc />
    public DiskFormat Format => DiskFormat.Qcow2;

    /// <inheritdoc />
    public DiskFormatCapabilities Capabilities { get; } = new()
    {
        Variants = new[] { DiskVariant.Dynamic, DiskVariant.Differencing },
        Compression = true,
        DefaultClusterSize = DefaultClusterSize,
        MinClusterSize = 1 << Qcow2Header.MinClusterBits,
        MaxClusterSize = 1 << Qcow2Header.MaxClusterBits,
        MaxCapacity = long.MaxValue & ~511L,
        ParentFormats = new[] { DiskFormat.Raw, DiskFormat.Qcow2, DiskFormat.Vhd, DiskFormat.Vhdx, DiskFormat.Vmdk },
        CapacityAlignment = 512,
    };

    /// <inheritdoc />
    public bool Probe(IBlockStorage storage)
    {
        try
        {
            if (storage.Length < 8)
            {
                return false;
            }

            Span<byte> head = stackalloc byte[8];
            if (storage.ReadAt(0, head) != 8 || BinaryPrimitives.ReadUInt32BigEndian(head) != Qcow2Header.Magic)
            {
                return false;
            }

            // Version 1 is the old QCOW format, which the registry recognises and refuses by name;
            // any other version is ours to open (and to refuse clearly if unsupported).
            return BinaryPrimitives.ReadUInt32BigEndian(head.Slice(4)) != 1;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public VirtualDisk Open(IBlockStorage storage, DiskOpenContext context)
        => Qcow2Disk.Open(storage, Qcow2Header.Read(storage), context);

    /// <inheritdoc />
    public VirtualDisk Create(IBlockStorage storage, DiskCreateOptions options)
    {
        if (options.Compress)
        {
            throw new UnsupportedFeatureException("qcow2 compressed random-access writes", "qcow2 stores compressed clusters only when an image is written front to back; use the writer (conversion) to create a compressed image.", storage.Name, "CompressionNotSupported");
        }

        var header = BuildHeader(options, storage.Name);
        var layout = Qcow2Layout.For(header);
        var l1Clusters = Math.Max(1, Qcow2RefcountBlock.DivRoundUp((long)header.L1Size * 8, layout.ClusterSize));

        // qemu's layout: header, refcount table, refcount blocks, L1 table.
        var (blocks, tableClusters) = Qcow2RefcountBlock.MetadataFor(1 + l1Clusters, layout);
        var total = 1 + tableClusters + blocks + l1Clusters;
        header.RefcountTableOffset = 1L << layout.ClusterBits;
        header.RefcountTableClusters = (int)tableClusters;
        var blocksStart = 1 + tableClusters;
        header.L1TableOffset = (blocksStart + blocks) << layout.ClusterBits;

        storage.SetLength(total << layout.ClusterBits);
        var table = new ulong[tableClusters * layout.RefcountTableEntriesPerCluster];
        var block = new byte[layout.ClusterSize];
        for (var b = 0L; b < blocks; b++)
        {
            Array.Clear(block, 0, block.Length);
            var first = b * layout.RefcountBlockEntries;
            for (var c = first; c < Math.Min(total, first + layout.RefcountBlockEntries); c++)
            {
                Qcow2RefcountBlock.Set(block, layout.RefcountOrder, c - first, 1);
            }

            storage.WriteAt((blocksStart + b) << layout.ClusterBits, block);
            table[b] = (ulong)((blocksStart + b) << layout.ClusterBits);
        }

        var tableBytes = new byte[table.Length * 8];
        Qcow2Tables.Encode(table, tableBytes);
        storage.WriteAt(header.RefcountTableOffset, tableBytes);
        storage.Flush(durable: true);
        WriteHeaderCluster(storage, header, layout.ClusterSize);
        storage.Flush(durable: true);

        // The caller opened the parent already; the new disk takes it over instead of resolving one.
        var context = new DiskOpenContext(new DiskOpenOptions { Writable = true, SkipParents = true }, Chains.ParentResolver.ForImage(storage.Name), 0, new[] { storage.Name });
        var disk = Qcow2Disk.Open(storage, Qcow2Header.Read(storage), context);
        if (options.Parent is not null)
        {
            disk.AttachParent(options.Parent);
        }

        return disk;
    }

    /// <inheritdoc />
    public DiskWriter CreateWriter(IBlockStorage storage, DiskCreateOptions options)
    {
        var header = BuildHeader(options, storage.Name);
        return new Qcow2Writer(storage, header, options.Compress, options.Parent is not null);
    }

    /// <inheritdoc />
    public DiskCheckReport Check(IBlockStorage storage, DiskCheckOptions options)
    {
        var header = Qcow2Header.Read(storage);
        if (options.Repair && !storage.CanWrite)
        {
            throw new ImageOpsException("DiskFileReadOnly", ErrorKind.PermissionDenied, $"'{storage.Name}' must be opened for writing to be repaired.", storage.Name);
        }

        return Qcow2Checker.Run(storage, header, options.Repair);
    }

    /// <inheritdoc />
    public DiskMeasurement Measure(DiskCreateOptions options, IReadOnlyList<AllocationRange> dataRanges)
    {
        var header = BuildHeader(new DiskCreateOptions { Capacity = options.Capacity, ClusterSize = options.ClusterSize, Subformat = options.Subformat }, "measure");
        var layout = Qcow2Layout.For(header);
        var clusterSize = (long)layout.ClusterSize;
        var virtualSize = (options.Capacity + clusterSize - 1) / clusterSize * clusterSize;

        // qemu's qcow2_measure: the data clusters the source touches, plus the metadata of a fully
        // allocated image (qcow2_calc_prealloc_size), which over-counts L2 tables for sparse data
        // exactly as qemu does.
        long required = 0;
        var countedUpTo = -1L;
        foreach (var range in dataRanges)
        {
            if (range.Kind != AllocationKind.Data || range.Length <= 0)
            {
                continue;
            }

            var first = Math.Max(range.Offset / clusterSize, countedUpTo + 1);
            var last = (range.End - 1) / clusterSize;
            if (last >= first)
            {
                required += (last - first + 1) * clusterSize;
                countedUpTo = last;
            }
        }

        var full = PreallocatedSize(virtualSize, layout);
        return new DiskMeasurement { FullyAllocatedBytes = full, RequiredBytes = full - virtualSize + required };
    }

    /// <summary>qemu's qcow2_calc_prealloc_size: header, L2 and L1 tables and refcounts of a fully allocated image.</summary>
    internal static long PreallocatedSize(long virtualSize, Qcow2Layout layout)
    {
        long cs = layout.ClusterSize;
        var aligned = Alignment.RoundUp(virtualSize, cs);
        var meta = cs;
        var l2Entries = aligned / cs;
        var perTable = cs / layout.L2EntryBytes;
        l2Entries = (l2Entries + perTable - 1) / perTable * perTable;
        meta += l2Entries * layout.L2EntryBytes;
        var l1Entries = l2Entries * layout.L2EntryBytes / cs;
        l1Entries = (l1Entries + (cs / 8) - 1) / (cs / 8) * (cs / 8);
        meta += l1Entries * 8;
        var (blocks, table) = Qcow2RefcountBlock.MetadataFor((meta + aligned) / cs, layout);
        meta += (blocks + table) * cs;
        return meta + aligned;
    }

    /// <summary>The header a new image gets from <paramref name="options"/> (tables not yet placed).</summary>
    internal static Qcow2Header BuildHeader(DiskCreateOptions options, string name)
    {
        var version = options.Subformat switch
        {
            null or "" or "v3" or "1.1" => 3u,
            "v2" or "0.10" => 2u,
            _ => throw new UnsupportedFeatureException($"qcow2 subformat {options.Subformat}", $"qcow2 subformat '{options.Subformat}' is not known; use v2 or v3.", name, "DiskSubformatNotSupported"),
        };

        if (options.Variant == DiskVariant.Fixed)
        {
            throw new UnsupportedFeatureException("qcow2 fixed", "ImageOps creates qcow2 images as dynamic or differencing disks; preallocated qcow2 is not supported.", name, "DiskVariantNotSupported");
        }

        if (options.Variant == DiskVariant.Differencing && options.Parent is null)
        {
            throw new ArgumentException("A differencing disk needs its opened parent in DiskCreateOptions.Parent.", nameof(options));
        }

        var clusterSize = options.ClusterSize ?? DefaultClusterSize;
        if (clusterSize < 512 || clusterSize > 1 << Qcow2Header.MaxClusterBits || (clusterSize & (clusterSize - 1)) != 0)
        {
            throw new ImageOpsException("DiskClusterSizeNotSupported", ErrorKind.InvalidArgument, $"A qcow2 cluster size must be a power of two from 512 bytes to 2 MiB, not {clusterSize}.");
        }

        if (options.Capacity < 0 || options.Capacity % 512 != 0)
        {
            throw new ImageOpsException("DiskSizeNotSupported", ErrorKind.InvalidArgument, $"A qcow2 disk's size must be a non-negative multiple of 512 bytes, not {options.Capacity}.");
        }

        var clusterBits = 0;
        while (1 << clusterBits != clusterSize)
        {
            clusterBits++;
        }

        var l1Size = Qcow2Header.RequiredL1Size(options.Capacity, clusterBits, extendedL2: false);
        if (l1Size > Qcow2Header.MaxL1Bytes / 8)
        {
            throw new UnsupportedFeatureException("qcow2 size", $"A size of {options.Capacity} bytes with {clusterSize}-byte clusters needs an L1 table larger than qemu's limit of {Qcow2Header.MaxL1Bytes} bytes; use larger clusters.", name, "Qcow2ImageTooLarge");
        }

        var header = new Qcow2Header
        {
            Version = version,
            ClusterBits = clusterBits,
            Size = options.Capacity,
            L1Size = (int)l1Size,
            RefcountOrder = 4,
            HeaderLength = version == 3 ? Qcow2Header.V3Length : Qcow2Header.V2Length,
        };

        if (options.Parent is not null)
        {
            var reference = options.ParentReference ?? Path.GetFileName(options.Parent.Path);
            var bytes = Encoding.UTF8.GetByteCount(reference);
            if (bytes == 0 || bytes > Qcow2Header.MaxBackingFileNameLength)
            {
                throw new ArgumentException($"A qcow2 backing file name must have 1 to {Qcow2Header.MaxBackingFileNameLength} bytes, not {bytes}.", nameof(options));
            }

            header.BackingFile = reference;
            header.Extensions.Add(new Qcow2HeaderExtension(Qcow2HeaderExtension.TypeBackingFormat, Encoding.ASCII.GetBytes(Qcow2Disk.DiskFormatToBackingFormat(options.Parent.Format))));
        }

        return header;
    }

    /// <summary>Writes the first cluster: header, extensions and backing file name.</summary>
    internal static void WriteHeaderCluster(IBlockStorage storage, Qcow2Header header, int clusterSize)
    {
        var head = header.Serialize(out var backingOffset);
        var backing = header.BackingFile is null ? Array.Empty<byte>() : Encoding.UTF8.GetBytes(header.BackingFile);
        if (backingOffset + backing.Length > clusterSize)
        {
            throw new UnsupportedFeatureException("qcow2 header size", $"The header and backing file name ({backingOffset + backing.Length} bytes) do not fit in one {clusterSize}-byte cluster; use larger clusters or a shorter backing name.", storage.Name, "Qcow2HeaderTooLarge");
        }

        var cluster = new byte[clusterSize];
        head.CopyTo(cluster, 0);
        if (backing.Length > 0)
        {
            backing.CopyTo(cluster, backingOffset);
            BinaryPrimitives.WriteUInt64BigEndian(cluster.AsSpan(Qcow2Header.OffsetBackingFileOffset), (ulong)backingOffset);
            BinaryPrimitives.WriteUInt32BigEndian(cluster.AsSpan(Qcow2Header.OffsetBackingFileSize), (uint)backing.Length);
        }

        storage.WriteAt(0, cluster);
    }
}
