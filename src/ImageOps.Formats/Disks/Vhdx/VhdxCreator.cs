using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>The checked parameters of a new VHDX and its file layout.</summary>
internal sealed class VhdxCreateParameters
{
    private VhdxCreateParameters(VhdxGeometry geometry, VhdxMetadata metadata, DiskVariant variant)
    {
        Geometry = geometry;
        Metadata = metadata;
        Variant = variant;
    }

    public VhdxGeometry Geometry { get; }

    public VhdxMetadata Metadata { get; }

    public DiskVariant Variant { get; }

    /// <summary>The log: right after the header section, 1 MiB (Hyper-V's and qemu's layout).</summary>
    public long LogOffset => VhdxConstants.HeaderSectionSize;

    public long LogLength => VhdxConstants.DefaultLogSize;

    /// <summary>The metadata region: 1 MiB after the log, as Hyper-V places it.</summary>
    public long MetadataOffset => LogOffset + LogLength;

    public long MetadataLength => VhdxConstants.OneMiB;

    public long BatOffset => MetadataOffset + MetadataLength;

    public long BatLength => Geometry.BatRegionLength;

    /// <summary>Where payload blocks start.</summary>
    public long DataOffset => BatOffset + BatLength;

    /// <summary>Checks <paramref name="options"/> and settles the defaults (MS-VHDX 2.6.2 limits).</summary>
    public static VhdxCreateParameters From(DiskCreateOptions options, string childPath)
    {
        if (options.Compress)
        {
            throw new UnsupportedFeatureException("VHDX compression", "VHDX cannot store compressed data; use QCOW2 or a streamOptimized VMDK.", errorId: "CompressionNotSupported");
        }

        var differencing = options.Variant == DiskVariant.Differencing;
        var parent = options.Parent;
        if (differencing)
        {
            if (parent is null)
            {
                throw new ArgumentException("A differencing VHDX needs its opened parent (DiskCreateOptions.Parent).", nameof(options));
            }

            if (parent.Format != DiskFormat.Vhdx || parent.Identity is null)
            {
                throw new UnsupportedFeatureException($"VHDX parent of format {parent.Format}", $"A differencing VHDX can only have a VHDX parent (MS-VHDX 2.6.2.6 defines no other locator type); '{parent.Path}' is {parent.Format}.", parent.Path, "VhdxParentFormatNotSupported");
            }
        }

        var logical = options.LogicalSectorSize;
        if (logical != 512 && logical != 4096)
        {
            throw new ImageOpsException("DiskSectorSizeNotSupported", ErrorKind.InvalidArgument, string.Format(CultureInfo.InvariantCulture, "A VHDX logical sector is 512 or 4096 bytes, not {0}.", logical));
        }

        if (differencing && parent!.LogicalSectorSize != logical)
        {
            throw new ArgumentException(string.Format(CultureInfo.InvariantCulture, "A differencing VHDX must keep its parent's {0}-byte logical sectors.", parent.LogicalSectorSize), nameof(options));
        }

        var physical = options.PhysicalSectorSize ?? (differencing ? parent!.PhysicalSectorSize : VhdxConstants.DefaultPhysicalSectorSize);
        if (physical != 512 && physical != 4096)
        {
            throw new ImageOpsException("DiskSectorSizeNotSupported", ErrorKind.InvalidArgument, string.Format(CultureInfo.InvariantCulture, "A VHDX physical sector is 512 or 4096 bytes, not {0}.", physical));
        }

        var capacity = differencing && options.Capacity == 0 ? parent!.Capacity : options.Capacity;
        if (capacity <= 0 || capacity > VhdxConstants.MaxCapacity || capacity % logical != 0)
        {
            throw new ImageOpsException("DiskSizeNotSupported", ErrorKind.InvalidArgument, string.Format(CultureInfo.InvariantCulture, "A VHDX size must be a multiple of the {0}-byte logical sector from one sector to 64 TiB, not {1}.", logical, capacity));
        }

        var blockSize = options.ClusterSize ?? (differencing ? VhdxConstants.DefaultDifferencingBlockSize : VhdxConstants.DefaultBlockSize);
        if (blockSize < VhdxConstants.MinBlockSize || blockSize > VhdxConstants.MaxBlockSize || (blockSize & (blockSize - 1)) != 0)
        {
            throw new ImageOpsException("DiskClusterSizeNotSupported", ErrorKind.InvalidArgument, string.Format(CultureInfo.InvariantCulture, "A VHDX block size is a power of two from 1 MiB to 256 MiB, not {0}.", blockSize));
        }

        var metadata = new VhdxMetadata
        {
            BlockSize = (uint)blockSize,
            LeaveBlockAllocated = options.Variant == DiskVariant.Fixed,
            HasParent = differencing,
            VirtualDiskSize = capacity,
            VirtualDiskId = options.DiskId ?? Guid.NewGuid(),
            LogicalSectorSize = logical,
            PhysicalSectorSize = physical,
        };
        if (differencing)
        {
            metadata.ParentLocator = Locator(parent!, options.ParentReference, childPath);
        }

        return new VhdxCreateParameters(new VhdxGeometry(capacity, blockSize, logical, differencing), metadata, options.Variant);
    }

    /// <summary>
    /// The parent locator Hyper-V writes (MS-VHDX 2.6.2.6.1): the parent's DataWriteGuid as linkage, the
    /// path relative to the child (tried first), and the absolute path. Windows separators throughout.
    /// </summary>
    private static VhdxParentLocator Locator(VirtualDisk parent, string? reference, string childPath)
    {
        var absolute = Path.GetFullPath(parent.Path);
        var relative = reference ?? RelativePath(childPath, absolute);
        relative = relative.Replace('/', '\\');
        if (!relative.StartsWith(".\\", StringComparison.Ordinal) && !relative.StartsWith("..\\", StringComparison.Ordinal) && !Path.IsPathRooted(relative.Replace('\\', '/')) && !(relative.Length >= 2 && relative[1] == ':'))
        {
            relative = ".\\" + relative;
        }

        var entries = new List<KeyValuePair<string, string>>
        {
            new(VhdxParentLocator.ParentLinkageKey, parent.Identity!),
            new(VhdxParentLocator.RelativePathKey, relative),
            new(VhdxParentLocator.AbsoluteWin32PathKey, absolute.Replace('/', '\\')),
        };
        return new VhdxParentLocator(VhdxGuids.VhdxParentLocatorType, entries);
    }

    /// <summary>The path of <paramref name="target"/> relative to the folder of <paramref name="child"/> (netstandard2.0 has no Path.GetRelativePath).</summary>
    private static string RelativePath(string child, string target)
    {
        var from = (Path.GetDirectoryName(Path.GetFullPath(child)) ?? string.Empty).Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        var to = target.Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
        var common = 0;
        while (common < from.Length && common < to.Length - 1 && string.Equals(from[common], to[common], StringComparison.Ordinal))
        {
            common++;
        }

        if (common == 0 && from.Length > 0 && to.Length > 0 && !string.Equals(from[0], to[0], StringComparison.Ordinal))
        {
            return target;
        }

        var parts = new List<string>();
        for (var i = common; i < from.Length; i++)
        {
            parts.Add("..");
        }

        for (var i = common; i < to.Length; i++)
        {
            parts.Add(to[i]);
        }

        return string.Join("\\", parts);
    }
}

/// <summary>
/// Writes the fixed structures of a new VHDX: file identifier, headers, region tables, metadata and BAT,
/// in the layout Hyper-V uses (log at 1 MiB, metadata at 2 MiB, BAT at 3 MiB, blocks after).
/// </summary>
internal static class VhdxCreator
{
    /// <summary>Creates a random-access disk in empty <paramref name="storage"/>.</summary>
    public static VhdxDisk Create(IBlockStorage storage, DiskCreateOptions options)
    {
        if (storage.Length != 0)
        {
            throw new ArgumentException($"'{storage.Name}' is not empty; a new VHDX is created only in empty storage.", nameof(storage));
        }

        var parameters = VhdxCreateParameters.From(options, storage.Name);
        var geometry = parameters.Geometry;
        var bat = new ulong[geometry.TotalEntries];
        long end = parameters.DataOffset;
        if (parameters.Variant == DiskVariant.Fixed)
        {
            for (long block = 0; block < geometry.DataBlocks; block++)
            {
                bat[geometry.PayloadEntryIndex(block)] = VhdxBatEntry.Make((int)VhdxPayloadState.FullyPresent, parameters.DataOffset + (block * geometry.BlockSize));
            }

            end = parameters.DataOffset + (geometry.DataBlocks * geometry.BlockSize);
        }

        storage.SetLength(end);
        WriteStructures(storage, parameters, bat);
        storage.Flush(durable: true);

        ParentLink? link = null;
        if (options.Parent is { } parent)
        {
            link = new ParentLink(parameters.Metadata.ParentLocator![VhdxParentLocator.RelativePathKey]!, parent.Identity)
            {
                ResolvedPath = Path.GetFullPath(parent.Path),
                ActualIdentity = parent.Identity,
            };
        }

        return VhdxDisk.OpenCreated(storage, options.Parent, link);
    }

    /// <summary>
    /// Writes the BAT, metadata and region tables, then the headers and the file identifier, so that a
    /// file interrupted before the end has no valid header and is never taken for a finished VHDX.
    /// </summary>
    public static void WriteStructures(IBlockStorage storage, VhdxCreateParameters parameters, ulong[] bat)
    {
        VhdxDisk.WriteBat(storage, parameters.BatOffset, bat, parameters.Geometry.TotalEntries);
        storage.WriteAt(parameters.MetadataOffset, parameters.Metadata.Build());

        var table = new VhdxRegionTable(new[]
        {
            new VhdxRegionEntry(VhdxGuids.BatRegion, parameters.BatOffset, (uint)parameters.BatLength, required: true),
            new VhdxRegionEntry(VhdxGuids.MetadataRegion, parameters.MetadataOffset, (uint)parameters.MetadataLength, required: true),
        });
        var tableBytes = new byte[VhdxRegionTable.Size];
        table.WriteTo(tableBytes);
        storage.WriteAt(VhdxConstants.RegionTable1Offset, tableBytes);
        storage.WriteAt(VhdxConstants.RegionTable2Offset, tableBytes);
        storage.Flush(durable: true);

        var header = new VhdxHeader
        {
            FileWriteGuid = Guid.NewGuid(),
            DataWriteGuid = Guid.NewGuid(),
            LogGuid = Guid.Empty,
            LogVersion = VhdxHeader.CurrentLogVersion,
            Version = VhdxHeader.CurrentVersion,
            LogLength = (uint)parameters.LogLength,
            LogOffset = (ulong)parameters.LogOffset,
        };
        var headerBytes = new byte[VhdxHeader.Size];
        header.SequenceNumber = 1;
        header.WriteTo(headerBytes);
        storage.WriteAt(VhdxConstants.Header1Offset, headerBytes);
        header.SequenceNumber = 2;
        header.WriteTo(headerBytes);
        storage.WriteAt(VhdxConstants.Header2Offset, headerBytes);

        var identifier = new byte[VhdxFileIdentifier.Size];
        new VhdxFileIdentifier(VhdxConstants.Creator).WriteTo(identifier);
        storage.WriteAt(VhdxConstants.FileIdentifierOffset, identifier);
    }
}
