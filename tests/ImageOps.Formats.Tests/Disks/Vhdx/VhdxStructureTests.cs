using System;
using System.Collections.Generic;
using System.Text;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>Each on-disk structure has the size MS-VHDX gives it and round-trips (STYLE.md 17).</summary>
public class VhdxStructureTests
{
    [Fact]
    public void Structure_sizes_match_the_specification()
    {
        Assert.Equal(8 + 512, VhdxFileIdentifier.Size);
        Assert.Equal(64 * 1024, VhdxFileIdentifier.ReservedSize);
        Assert.Equal(4096, VhdxHeader.Size);
        Assert.Equal(80, VhdxHeader.DefinedSize);
        Assert.Equal(VhdxHeader.DefinedSize, VhdxHeader.LogOffsetOffset + 8);
        Assert.Equal(64 * 1024, VhdxRegionTable.Size);
        Assert.Equal(16, VhdxRegionTable.HeaderSize);
        Assert.Equal(32, VhdxRegionEntry.Size);
        Assert.True(VhdxRegionTable.HeaderSize + (VhdxRegionTable.MaxEntries * VhdxRegionEntry.Size) <= VhdxRegionTable.Size);
        Assert.Equal(64 * 1024, VhdxMetadataTable.Size);
        Assert.Equal(32, VhdxMetadataTable.HeaderSize);
        Assert.Equal(32, VhdxMetadataEntry.Size);
        Assert.Equal(VhdxMetadataTable.Size, VhdxMetadataTable.HeaderSize + (VhdxMetadataTable.MaxEntries * VhdxMetadataEntry.Size));
        Assert.Equal(8, VhdxFileParameters.Size);
        Assert.Equal(20, VhdxParentLocator.HeaderSize);
        Assert.Equal(12, VhdxParentLocator.EntrySize);
        Assert.Equal(8, VhdxBatEntry.Size);
        Assert.Equal(64, VhdxLogEntryHeader.Size);
        Assert.Equal(VhdxLogEntryHeader.Size, VhdxLogEntryHeader.LastFileOffsetOffset + 8);
        Assert.Equal(32, VhdxLogDescriptor.Size);
        Assert.Equal(4096, VhdxLogDataSector.Size);
        Assert.Equal(VhdxLogDataSector.Size, VhdxLogDataSector.DataOffset + VhdxLogDataSector.DataLength + 4);
    }

    [Fact]
    public void Signatures_read_as_their_ascii_names()
    {
        Assert.Equal("vhdxfile", Ascii(BitConverter.GetBytes(VhdxFileIdentifier.Signature)));
        Assert.Equal("head", Ascii(BitConverter.GetBytes(VhdxHeader.Signature)));
        Assert.Equal("regi", Ascii(BitConverter.GetBytes(VhdxRegionTable.Signature)));
        Assert.Equal("metadata", Ascii(BitConverter.GetBytes(VhdxMetadataTable.Signature)));
        Assert.Equal("loge", Ascii(BitConverter.GetBytes(VhdxLogEntryHeader.Signature)));
        Assert.Equal("zero", Ascii(BitConverter.GetBytes(VhdxLogDescriptor.ZeroSignature)));
        Assert.Equal("desc", Ascii(BitConverter.GetBytes(VhdxLogDescriptor.DataSignature)));
        Assert.Equal("data", Ascii(BitConverter.GetBytes(VhdxLogDataSector.Signature)));
    }

    [Fact]
    public void Crc32c_matches_the_castagnoli_check_value_in_one_piece_or_many()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xE3069283u, Crc32C.Compute(data));
        var state = Crc32C.Append(uint.MaxValue, data.AsSpan(0, 4));
        Assert.Equal(0xE3069283u, ~Crc32C.Append(state, data.AsSpan(4)));
        var zeroed = (byte[])data.Clone();
        zeroed[2] = zeroed[3] = zeroed[4] = zeroed[5] = 0;
        Assert.Equal(Crc32C.Compute(zeroed), Crc32C.ComputeWithZeroedField(data, 2));
    }

    [Fact]
    public void Structures_round_trip()
    {
        var header = new VhdxHeader { SequenceNumber = 7, FileWriteGuid = Guid.NewGuid(), DataWriteGuid = Guid.NewGuid(), LogGuid = Guid.NewGuid(), LogLength = 1 << 20, LogOffset = 1 << 20 };
        var bytes = new byte[VhdxHeader.Size];
        header.WriteTo(bytes);
        var parsed = VhdxHeader.TryParse(bytes)!;
        Assert.True(parsed.SameContent(header));
        Assert.Equal(7UL, parsed.SequenceNumber);
        bytes[4000] ^= 1;
        Assert.Null(VhdxHeader.TryParse(bytes));

        var table = new VhdxRegionTable(new[] { new VhdxRegionEntry(VhdxGuids.BatRegion, 3L << 20, 1 << 20, true), new VhdxRegionEntry(Guid.NewGuid(), 9L << 20, 2 << 20, false) });
        var tableBytes = new byte[VhdxRegionTable.Size];
        table.WriteTo(tableBytes);
        Assert.Null(VhdxRegionTable.Validate(tableBytes));
        var back = VhdxRegionTable.Parse(tableBytes);
        Assert.Equal(table.Entries, back.Entries);

        var locator = new VhdxParentLocator(VhdxGuids.VhdxParentLocatorType, new[] { new KeyValuePair<string, string>("parent_linkage", "{a}"), new KeyValuePair<string, string>("relative_path", @".\ä.vhdx") });
        var locatorBack = VhdxParentLocator.Parse(locator.ToBytes(), (o, d) => new Exception(d));
        Assert.Equal(@".\ä.vhdx", locatorBack["relative_path"]);
        Assert.Equal(VhdxGuids.VhdxParentLocatorType, locatorBack.LocatorType);

        var entry = VhdxBatEntry.Make((int)VhdxPayloadState.FullyPresent, 5L << 20);
        Assert.Equal(0x500006UL, entry);
        Assert.Equal(5L << 20, VhdxBatEntry.FileOffset(entry));
        Assert.Equal(6, VhdxBatEntry.State(entry));
    }

    [Fact]
    public void The_bat_interleaves_a_bitmap_entry_after_every_chunk()
    {
        // 512-byte sectors, 32 MiB blocks: 2^23 × 512 / 32 MiB = 128 payload blocks per chunk.
        var geometry = new VhdxGeometry(1L << 40, 32 << 20, 512, hasParent: false);
        Assert.Equal(128, geometry.ChunkRatio);
        Assert.Equal(32768, geometry.DataBlocks);
        Assert.Equal(32768 + 255, geometry.TotalEntries);
        Assert.Equal(129, geometry.PayloadEntryIndex(128));
        Assert.Equal(128, geometry.BitmapEntryIndex(0));
        Assert.True(geometry.IsBitmapEntry(128));
        Assert.Equal(128, geometry.BlockOfEntry(129));
        var differencing = new VhdxGeometry(1L << 40, 32 << 20, 512, hasParent: true);
        Assert.Equal(256 * 129, differencing.TotalEntries);
        Assert.Equal(1 << 20, new VhdxGeometry(4096, 1 << 20, 4096, false).BatRegionLength);
    }

    [Fact]
    public void The_probe_looks_at_content_only()
    {
        var format = DiskFormats.Get(DiskFormat.Vhdx);
        Assert.False(format.Probe(new MemoryBlockStorage()));
        Assert.False(format.Probe(new MemoryBlockStorage(Encoding.ASCII.GetBytes("vhdxfil"))));
        Assert.True(format.Probe(new MemoryBlockStorage(Encoding.ASCII.GetBytes("vhdxfile"))));
        Assert.False(format.Probe(new MemoryBlockStorage(Encoding.ASCII.GetBytes("conectix"))));
        Assert.Contains(DiskFormats.All, f => f is VhdxFormat);
        Assert.Equal(DiskFormat.Raw, DiskFormats.All[DiskFormats.All.Count - 1].Format);
    }

    private static string Ascii(byte[] bytes) => Encoding.ASCII.GetString(bytes).TrimEnd('\0');
}
