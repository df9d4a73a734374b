using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// The metadata region's known items (MS-VHDX 2.6.2), read from the table and checked: block size,
/// fixed/differencing flags, virtual size, page 83 identifier, sector sizes and the parent locator.
/// </summary>
internal sealed class VhdxMetadata
{
    /// <summary>Where <see cref="Build"/> puts the items, after the 64 KiB table (the layout Hyper-V and qemu use).</summary>
    private const uint FirstItemOffset = VhdxMetadataTable.MinItemOffset;

    public uint BlockSize { get; set; }

    public bool LeaveBlockAllocated { get; set; }

    public bool HasParent { get; set; }

    public long VirtualDiskSize { get; set; }

    /// <summary>The page 83 identifier guests see (MS-VHDX 2.6.2.3).</summary>
    public Guid VirtualDiskId { get; set; }

    public int LogicalSectorSize { get; set; } = 512;

    public int PhysicalSectorSize { get; set; } = VhdxConstants.DefaultPhysicalSectorSize;

    public VhdxParentLocator? ParentLocator { get; set; }

    /// <summary>Offset of the Virtual Disk Size item within the region (Resize rewrites it through the log).</summary>
    public uint VirtualDiskSizeItemOffset { get; private set; }

    /// <summary>The parsed table (for Check).</summary>
    public VhdxMetadataTable? Table { get; private set; }

    /// <summary>Reads and checks the metadata region at <paramref name="region"/> through <paramref name="view"/>.</summary>
    public static VhdxMetadata Load(IBlockStorage view, string path, VhdxRegionEntry region)
    {
        Exception Fail(long offset, string detail, string structure = "metadata table")
            => new CorruptImageException(path, VhdxConstants.FormatName, offset, structure, detail, "VhdxMetadataCorrupt");

        if (region.Length < VhdxMetadataTable.Size)
        {
            throw Fail(region.FileOffset, string.Format(CultureInfo.InvariantCulture, "the metadata region is {0} bytes, smaller than its 64 KiB table", region.Length), "metadata region");
        }

        var tableBytes = new byte[VhdxMetadataTable.Size];
        view.ReadExactly(region.FileOffset, tableBytes, VhdxConstants.FormatName, "metadata table");
        var table = VhdxMetadataTable.Parse(tableBytes, region.Length, (offset, detail) => Fail(region.FileOffset + offset, detail));

        var metadata = new VhdxMetadata { Table = table };
        VhdxMetadataEntry? parameters = null, size = null, id = null, logical = null, physical = null, locator = null;
        foreach (var entry in table.Entries)
        {
            if (entry.IsUser)
            {
                // User items (MS-VHDX 2.6.1.2) belong to whoever wrote them; one marked required cannot be
                // ignored safely, so it is refused like an unknown system item (as qemu does).
                if (entry.IsRequired)
                {
                    throw new UnsupportedFeatureException($"VHDX required user metadata item {entry.ItemId}", $"'{path}' has a user metadata item ({entry.ItemId}) marked required that ImageOps does not understand.", path, "VhdxRequiredMetadataNotSupported");
                }

                continue;
            }

            if (entry.ItemId == VhdxGuids.FileParameters)
            {
                parameters = entry;
            }
            else if (entry.ItemId == VhdxGuids.VirtualDiskSize)
            {
                size = entry;
            }
            else if (entry.ItemId == VhdxGuids.VirtualDiskId)
            {
                id = entry;
            }
            else if (entry.ItemId == VhdxGuids.LogicalSectorSize)
            {
                logical = entry;
            }
            else if (entry.ItemId == VhdxGuids.PhysicalSectorSize)
            {
                physical = entry;
            }
            else if (entry.ItemId == VhdxGuids.ParentLocator)
            {
                locator = entry;
            }
            else if (entry.IsRequired)
            {
                throw new UnsupportedFeatureException($"VHDX required metadata item {entry.ItemId}", $"'{path}' has a metadata item ({entry.ItemId}) marked required that ImageOps does not understand; MS-VHDX forbids opening such a file.", path, "VhdxRequiredMetadataNotSupported");
            }
        }

        byte[] Item(VhdxMetadataEntry? entry, string name, int minLength)
        {
            if (entry is not { } e)
            {
                throw Fail(region.FileOffset, $"the required {name} item is missing");
            }

            if (e.Length < minLength)
            {
                throw Fail(region.FileOffset + e.Offset, string.Format(CultureInfo.InvariantCulture, "the {0} item is {1} bytes, it needs {2}", name, e.Length, minLength), name);
            }

            var bytes = new byte[e.Length];
            view.ReadExactly(region.FileOffset + e.Offset, bytes, VhdxConstants.FormatName, name);
            return bytes;
        }

        var fileParameters = VhdxFileParameters.Parse(Item(parameters, "file parameters", VhdxFileParameters.Size));
        var parametersOffset = region.FileOffset + parameters!.Value.Offset;
        if (fileParameters.BlockSize < VhdxConstants.MinBlockSize || fileParameters.BlockSize > VhdxConstants.MaxBlockSize || (fileParameters.BlockSize & (fileParameters.BlockSize - 1)) != 0)
        {
            throw Fail(parametersOffset, string.Format(CultureInfo.InvariantCulture, "the block size {0} is not a power of two from 1 MiB to 256 MiB", fileParameters.BlockSize), "file parameters");
        }

        metadata.BlockSize = fileParameters.BlockSize;
        metadata.LeaveBlockAllocated = fileParameters.LeaveBlockAllocated;
        metadata.HasParent = fileParameters.HasParent;

        metadata.LogicalSectorSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(Item(logical, "logical sector size", 4));
        if (metadata.LogicalSectorSize != 512 && metadata.LogicalSectorSize != 4096)
        {
            throw Fail(region.FileOffset + logical!.Value.Offset, string.Format(CultureInfo.InvariantCulture, "the logical sector size {0} is neither 512 nor 4096", (uint)metadata.LogicalSectorSize), "logical sector size");
        }

        metadata.PhysicalSectorSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(Item(physical, "physical sector size", 4));
        if (metadata.PhysicalSectorSize != 512 && metadata.PhysicalSectorSize != 4096)
        {
            throw Fail(region.FileOffset + physical!.Value.Offset, string.Format(CultureInfo.InvariantCulture, "the physical sector size {0} is neither 512 nor 4096", (uint)metadata.PhysicalSectorSize), "physical sector size");
        }

        var rawSize = BinaryPrimitives.ReadUInt64LittleEndian(Item(size, "virtual disk size", 8));
        metadata.VirtualDiskSizeItemOffset = size!.Value.Offset;
        if (rawSize > VhdxConstants.MaxCapacity || rawSize % (ulong)metadata.LogicalSectorSize != 0)
        {
            throw Fail(region.FileOffset + size.Value.Offset, string.Format(CultureInfo.InvariantCulture, "the virtual disk size {0} is larger than 64 TiB or not a multiple of the {1}-byte logical sector", rawSize, metadata.LogicalSectorSize), "virtual disk size");
        }

        metadata.VirtualDiskSize = (long)rawSize;
        metadata.VirtualDiskId = VhdxGuids.Read(Item(id, "virtual disk id", 16));

        if (metadata.HasParent)
        {
            var bytes = Item(locator, "parent locator", VhdxParentLocator.HeaderSize);
            var locatorOffset = region.FileOffset + locator!.Value.Offset;
            metadata.ParentLocator = VhdxParentLocator.Parse(bytes, (offset, detail) => Fail(locatorOffset + offset, detail, "parent locator"));
        }

        return metadata;
    }

    /// <summary>The metadata region's bytes for a new file: the table and the items (the rest of the region stays zero).</summary>
    public byte[] Build()
    {
        var locator = HasParent ? ParentLocator?.ToBytes() ?? throw new InvalidOperationException("A differencing disk needs a parent locator.") : null;
        var items = new List<(Guid Id, byte[] Data, uint Flags)>
        {
            (VhdxGuids.FileParameters, FileParametersBytes(), VhdxMetadataEntry.IsRequiredFlag),
            (VhdxGuids.VirtualDiskSize, UInt64Bytes((ulong)VirtualDiskSize), VhdxMetadataEntry.IsRequiredFlag | VhdxMetadataEntry.IsVirtualDiskFlag),
            (VhdxGuids.VirtualDiskId, VirtualDiskId.ToByteArray(), VhdxMetadataEntry.IsRequiredFlag | VhdxMetadataEntry.IsVirtualDiskFlag),
            (VhdxGuids.LogicalSectorSize, UInt32Bytes((uint)LogicalSectorSize), VhdxMetadataEntry.IsRequiredFlag | VhdxMetadataEntry.IsVirtualDiskFlag),
            (VhdxGuids.PhysicalSectorSize, UInt32Bytes((uint)PhysicalSectorSize), VhdxMetadataEntry.IsRequiredFlag | VhdxMetadataEntry.IsVirtualDiskFlag),
        };
        if (locator is not null)
        {
            items.Add((VhdxGuids.ParentLocator, locator, VhdxMetadataEntry.IsRequiredFlag));
        }

        var entries = new List<VhdxMetadataEntry>();
        var next = FirstItemOffset;
        foreach (var (itemId, data, flags) in items)
        {
            entries.Add(new VhdxMetadataEntry(itemId, next, (uint)data.Length, flags));
            if (itemId == VhdxGuids.VirtualDiskSize)
            {
                VirtualDiskSizeItemOffset = next;
            }

            next += (uint)((data.Length + 7) & ~7);
        }

        var region = new byte[next];
        var table = new VhdxMetadataTable(entries);
        table.WriteTo(region);
        Table = table;
        for (var i = 0; i < items.Count; i++)
        {
            items[i].Data.CopyTo(region, (int)entries[i].Offset);
        }

        return region;
    }

    private byte[] FileParametersBytes()
    {
        var bytes = new byte[VhdxFileParameters.Size];
        new VhdxFileParameters(BlockSize, LeaveBlockAllocated, HasParent).WriteTo(bytes);
        return bytes;
    }

    private static byte[] UInt64Bytes(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] UInt32Bytes(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }
}
