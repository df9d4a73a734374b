using System;
using System.Buffers.Binary;
using ImageOps.Formats.Ntfs;

namespace ImageOps.Formats.Tests.Ntfs;

/// <summary>Structure sizes (STYLE.md 17) and the small codecs: run lists, fix-ups, LZNT1, boot sector encodings.</summary>
public class NtfsStructureTests
{
    private static readonly NtfsSource Source = new("test", 0, 1L << 40, (_, _) => { });

    [Fact]
    public void Structure_sizes_equal_the_spec()
    {
        Assert.Equal(512, NtfsBootSector.Size);
        Assert.Equal(42, NtfsFileRecord.HeaderSize);
        Assert.Equal(16, NtfsAttributeRecord.CommonHeaderSize);
        Assert.Equal(24, NtfsAttributeRecord.ResidentHeaderSize);
        Assert.Equal(64, NtfsAttributeRecord.NonResidentHeaderSize);
        Assert.Equal(72, NtfsAttributeRecord.CompressedHeaderSize);
        Assert.Equal(48, NtfsStandardInformation.MinimumSize);
        Assert.Equal(66, NtfsFileName.HeaderSize);
        Assert.Equal(26, NtfsAttributeListEntry.HeaderSize);
        Assert.Equal(16, NtfsIndexRoot.HeaderSize);
        Assert.Equal(16, NtfsIndexNodeHeader.Size);
        Assert.Equal(16, NtfsIndexEntry.HeaderSize);
        Assert.Equal(24, NtfsIndexRecord.HeaderSize);
        Assert.Equal(12, NtfsVolumeInformation.Size);
        Assert.Equal(131072, NtfsUpcaseTable.Size);
    }

    [Fact]
    public void Run_list_decodes_signed_deltas_and_sparse_runs()
    {
        // 0x21: 1-byte length, 2-byte offset. Then a negative delta, then a sparse run.
        var runs = NtfsRunList.Decode(new byte[] { 0x21, 0x10, 0x00, 0x01, 0x11, 0x08, 0xF0, 0x01, 0x04, 0x00 }, 0, 27, Source, 0, "test");
        Assert.Equal(3, runs.Count);
        Assert.Equal((0L, 16L, 256L), (runs[0].Vcn, runs[0].Length, runs[0].Lcn));
        Assert.Equal((16L, 8L, 240L), (runs[1].Vcn, runs[1].Length, runs[1].Lcn));
        Assert.True(runs[2].IsSparse);
        Assert.Equal(24L, runs[2].Vcn);
    }

    [Theory]
    [InlineData(new byte[] { 0x21, 0x10, 0x00 })] // no terminator, cut short
    [InlineData(new byte[] { 0x11, 0x00, 0x05, 0x00 })] // zero length
    [InlineData(new byte[] { 0x11, 0x04, 0xF0, 0x00 })] // delta below cluster 0
    [InlineData(new byte[] { 0x19, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00 })] // 9-byte length field
    public void Malformed_run_lists_are_refused(byte[] runs)
    {
        var error = Assert.Throws<CorruptImageException>(() => NtfsRunList.Decode(runs, 0, 3, Source, 0, "test"));
        Assert.Equal("NtfsRunListInvalid", error.ErrorId);
    }

    [Fact]
    public void Fixups_are_validated_and_applied()
    {
        var record = new byte[1024];
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(4), 48);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(6), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(48), 0x1234);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(50), 0xAAAA);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(52), 0xBBBB);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(510), 0x1234);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(1022), 0x1234);
        var copy = (byte[])record.Clone();
        NtfsUpdateSequence.Apply(copy, Source, 0, "test");
        Assert.Equal(0xAAAA, BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan(510)));
        Assert.Equal(0xBBBB, BinaryPrimitives.ReadUInt16LittleEndian(copy.AsSpan(1022)));

        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(1022), 0x1235);
        Assert.Equal("NtfsFixupInvalid", Assert.Throws<CorruptImageException>(() => NtfsUpdateSequence.Apply(record, Source, 0, "test")).ErrorId);
    }

    [Fact]
    public void Lznt1_decodes_literals_back_references_and_uncompressed_chunks()
    {
        // "abcabcabcabc" : literals a b c, then a reference (displacement 3, length 9).
        // At position 3 the split is 4 displacement bits / 12 length bits: token = ((3-1) << 12) | (9-3).
        var chunk = new byte[] { 0x08, (byte)'a', (byte)'b', (byte)'c', 0x06, 0x20 };
        var input = new byte[2 + chunk.Length + 2];
        BinaryPrimitives.WriteUInt16LittleEndian(input, (ushort)(0x8000 | 0x3000 | (chunk.Length - 1)));
        chunk.CopyTo(input, 2);
        var output = new byte[64];
        Assert.Equal(12, Lznt1.Decompress(input, output));
        Assert.Equal("abcabcabcabc", System.Text.Encoding.ASCII.GetString(output, 0, 12));

        var raw = new byte[2 + 4096];
        new Random(1).NextBytes(raw);
        BinaryPrimitives.WriteUInt16LittleEndian(raw, 0x3000 | 4095);
        raw[2] = 0x42;
        var plain = new byte[8192];
        Assert.Equal(4096, Lznt1.Decompress(raw, plain));
        Assert.Equal(0x42, plain[0]);
    }

    [Fact]
    public void Lznt1_refuses_references_before_the_chunk()
    {
        var input = new byte[] { 0x02, 0xB0, 0x01, 0xFF, 0xFF };
        Assert.Equal(-1, Lznt1.Decompress(input, new byte[4096]));
    }

    [Theory]
    [InlineData(0xF6, 512, 512 << 10)] // 2^(256-246) = 1024 sectors: 512 KiB clusters
    [InlineData(0xF4, 512, 2 << 20)] // 2 MiB clusters
    [InlineData(8, 512, 4096)]
    [InlineData(1, 4096, 4096)]
    public void Sectors_per_cluster_encodings(int raw, int sector, int cluster)
    {
        var boot = BootSector(sector, (byte)raw, 0xF6);
        var parsed = NtfsBootSector.Parse(boot, 1L << 40, Source);
        Assert.Equal(cluster, parsed.ClusterSize);
        Assert.Equal(1024, parsed.MftRecordSize);
    }

    [Theory]
    [InlineData(0x0B, 0x00, 0x03)] // 768 bytes per sector
    [InlineData(0x0D, 0x03, 0)] // 3 sectors per cluster
    [InlineData(0x0D, 0x00, 0)] // 0 sectors per cluster
    [InlineData(0x0D, 0xE0, 0)] // 2^32 sectors per cluster
    [InlineData(0x40, 0x00, 0)] // MFT record size 0
    [InlineData(0x40, 0x7F, 0)] // 127 clusters per record
    [InlineData(0x44, 0x80, 0)] // 2^128-byte index records
    [InlineData(0x03, (byte)'X', 0)] // OEM id
    public void Bad_boot_sector_fields_are_refused(int offset, byte value, byte next)
    {
        var boot = BootSector(512, 8, 0xF6);
        boot[offset] = value;
        if (offset == 0x0B)
        {
            boot[offset + 1] = next;
        }

        Assert.Throws<CorruptImageException>(() => NtfsBootSector.Parse(boot, 1L << 40, Source));
    }

    [Fact]
    public void Upcase_collation_compares_upcased_code_units_then_ordinal()
    {
        var table = new byte[NtfsUpcaseTable.Size];
        for (var i = 0; i < 65536; i++)
        {
            var c = (char)i;
            var up = c is >= 'a' and <= 'z' ? (char)(c - 32) : c;
            BinaryPrimitives.WriteUInt16LittleEndian(table.AsSpan(2 * i), up);
        }

        var upcase = NtfsUpcaseTable.FromBytes(table);
        Assert.Equal(0, upcase.CompareIgnoreCase("abc", "ABC"));
        // NTFS compares upcased code units: '_' (0x5F) sorts after 'a' (upcased to 0x41), unlike ordinal order.
        Assert.True(upcase.CompareIgnoreCase("_", "a") > 0);
        Assert.True(upcase.CompareFull("ABC", "abc") < 0);
    }

    private static byte[] BootSector(int sectorSize, byte sectorsPerCluster, byte mftRecord)
    {
        var boot = new byte[512];
        System.Text.Encoding.ASCII.GetBytes("NTFS    ").CopyTo(boot, 3);
        BinaryPrimitives.WriteUInt16LittleEndian(boot.AsSpan(0x0B), (ushort)sectorSize);
        boot[0x0D] = sectorsPerCluster;
        BinaryPrimitives.WriteInt64LittleEndian(boot.AsSpan(0x28), 1L << 26);
        BinaryPrimitives.WriteInt64LittleEndian(boot.AsSpan(0x30), 4);
        BinaryPrimitives.WriteInt64LittleEndian(boot.AsSpan(0x38), 8);
        boot[0x40] = mftRecord;
        boot[0x44] = 0xF4;
        BinaryPrimitives.WriteUInt16LittleEndian(boot.AsSpan(0x1FE), 0xAA55);
        return boot;
    }
}
