using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>Patches the structures of a valid VHDX (recomputing checksums where the format has them), for hostile tests.</summary>
internal sealed class VhdxPatcher
{
    private readonly IBlockStorage _storage;

    public VhdxPatcher(IBlockStorage storage)
    {
        _storage = storage;
        Header = VhdxFile.ReadHeaders(storage, storage.Name).Current;
        File = VhdxFile.Load(storage, storage.Name, Header);
    }

    public VhdxHeader Header { get; }

    public VhdxFile File { get; }

    public VhdxPatcher Headers(Action<VhdxHeader> change)
    {
        new VhdxLogBuilder(_storage).SetHeader(change);
        return this;
    }

    /// <summary>Rewrites both region table copies from <paramref name="entries"/>, optionally with a forged entry count.</summary>
    public VhdxPatcher RegionTable(Func<List<VhdxRegionEntry>, List<VhdxRegionEntry>> change, uint? count = null)
    {
        var table = new VhdxRegionTable(change(new List<VhdxRegionEntry>(File.RegionTable.Entries)));
        var bytes = new byte[VhdxRegionTable.Size];
        table.WriteTo(bytes);
        if (count is { } forged)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(VhdxRegionTable.EntryCountOffset), forged);
            Checksum(bytes, VhdxRegionTable.ChecksumOffset);
        }

        _storage.WriteAt(VhdxConstants.RegionTable1Offset, bytes);
        _storage.WriteAt(VhdxConstants.RegionTable2Offset, bytes);
        return this;
    }

    /// <summary>Rewrites the metadata table (no checksum there).</summary>
    public VhdxPatcher MetadataTable(Func<List<VhdxMetadataEntry>, List<VhdxMetadataEntry>> change, ushort? count = null)
    {
        var table = new VhdxMetadataTable(change(new List<VhdxMetadataEntry>(File.Metadata.Table!.Entries)));
        var bytes = new byte[VhdxMetadataTable.Size];
        table.WriteTo(bytes);
        if (count is { } forged)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(VhdxMetadataTable.EntryCountOffset), forged);
        }

        _storage.WriteAt(File.MetadataRegion.FileOffset, bytes);
        return this;
    }

    /// <summary>Overwrites the bytes of a metadata item (from its start).</summary>
    public VhdxPatcher MetadataItem(Guid item, byte[] bytes)
    {
        foreach (var entry in File.Metadata.Table!.Entries)
        {
            if (entry.ItemId == item)
            {
                _storage.WriteAt(File.MetadataRegion.FileOffset + entry.Offset, bytes);
                return this;
            }
        }

        throw new InvalidOperationException($"no item {item}");
    }

    public VhdxPatcher MetadataUInt32(Guid item, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return MetadataItem(item, bytes);
    }

    public VhdxPatcher MetadataUInt64(Guid item, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return MetadataItem(item, bytes);
    }

    /// <summary>Replaces the parent locator with <paramref name="locator"/>, fixing its length in the table.</summary>
    public VhdxPatcher ParentLocator(byte[] locator)
    {
        uint offset = 0;
        MetadataTable(entries =>
        {
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].ItemId == VhdxGuids.ParentLocator)
                {
                    offset = entries[i].Offset;
                    entries[i] = new VhdxMetadataEntry(entries[i].ItemId, entries[i].Offset, (uint)locator.Length, entries[i].Flags);
                }
            }

            return entries;
        });
        _storage.WriteAt(File.MetadataRegion.FileOffset + offset, locator);
        return this;
    }

    public VhdxPatcher ParentLocator(params (string Key, string Value)[] entries)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in entries)
        {
            pairs.Add(new KeyValuePair<string, string>(key, value));
        }

        return ParentLocator(new VhdxParentLocator(VhdxGuids.VhdxParentLocatorType, pairs).ToBytes());
    }

    public VhdxPatcher Bat(long index, ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        _storage.WriteAt(File.BatRegion.FileOffset + (index * 8), bytes);
        return this;
    }

    public static void Checksum(byte[] bytes, int offset)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), Crc32C.Compute(bytes));
    }
}
