using System;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Qcow2;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Tests.Disks.Qcow2;

/// <summary>Structure sizes equal the spec's (qcow2.txt), and the bit-level codecs round-trip.</summary>
public class Qcow2StructureTests
{
    [Fact]
    public void Structure_sizes_match_the_specification()
    {
        Assert.Equal(72, Qcow2Header.V2Length);
        Assert.Equal(104, Qcow2Header.V3MinLength);
        Assert.Equal(Qcow2Header.OffsetHeaderLength + 4, Qcow2Header.V3MinLength);
        Assert.Equal(Qcow2Header.OffsetSnapshotsOffset + 8, Qcow2Header.V2Length);
        Assert.Equal(40, Qcow2SnapshotEntry.FixedLength);
        Assert.Equal(Qcow2SnapshotEntry.OffsetExtraDataSize + 4, Qcow2SnapshotEntry.FixedLength);
        Assert.Equal(48, Qcow2FeatureNameTable.EntryLength);
        Assert.Equal(8, Qcow2HeaderExtension.HeaderLength);
        Assert.Equal(8, new Qcow2Layout(16, false, 4).L2EntryBytes);
        Assert.Equal(16, new Qcow2Layout(16, true, 4).L2EntryBytes);

        var header = Qcow2Format.BuildHeader(new DiskCreateOptions { Capacity = 1 << 20 }, "x");
        Assert.Equal(Qcow2Header.V3Length, header.Serialize(out var end).Length - 8);
        Assert.Equal(Qcow2Header.V3Length + 8, end);
        header = Qcow2Format.BuildHeader(new DiskCreateOptions { Capacity = 1 << 20, Subformat = "v2" }, "x");
        Assert.Equal(Qcow2Header.V2Length + 8, header.Serialize(out _).Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Refcount_entries_of_every_width_round_trip(int order)
    {
        var block = new byte[512];
        var max = order == 6 ? ulong.MaxValue : (1UL << (1 << order)) - 1;
        var entries = 512 * 8 >> order;
        for (var i = 0; i < entries; i++)
        {
            Qcow2RefcountBlock.Set(block, order, i, (ulong)i & max);
        }

        for (var i = 0; i < entries; i++)
        {
            Assert.Equal((ulong)i & max, Qcow2RefcountBlock.Get(block, order, i));
        }

        // Sub-byte entries start at the least significant bit (qcow2.txt "Refcount block entry").
        Array.Clear(block, 0, block.Length);
        Qcow2RefcountBlock.Set(block, order, 0, 1);
        Assert.Equal(order <= 3 ? 1 : 0, block[0]);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(16)]
    [InlineData(21)]
    public void Compressed_descriptors_round_trip(int clusterBits)
    {
        var layout = new Qcow2Layout(clusterBits, false, 4);
        foreach (var (offset, length) in new[] { (12345L, 100), (1L << 30, (1 << clusterBits) - 1), (511L, 2) })
        {
            var entry = layout.CompressedEntry(offset, length);
            Assert.Equal(Qcow2ClusterType.Compressed, layout.TypeOf(entry));
            layout.ParseCompressed(entry, out var parsedOffset, out var parsedLength);
            Assert.Equal(offset, parsedOffset);
            Assert.True(parsedLength >= length && parsedLength < length + 512);
        }
    }

    [Fact]
    public void Probe_recognises_qcow2_and_leaves_qcow1_to_the_registry()
    {
        var storage = new MemoryBlockStorage();
        using (Qcow2TestSupport.Format.Create(storage, new DiskCreateOptions { Capacity = 1 << 20 }))
        {
        }

        Assert.True(Qcow2TestSupport.Format.Probe(storage));
        Assert.Equal(DiskFormat.Qcow2, DiskFormats.Probe(storage).Format);
        var qcow1 = new MemoryBlockStorage(new byte[] { (byte)'Q', (byte)'F', (byte)'I', 0xfb, 0, 0, 0, 1, 0, 0, 0, 0 });
        Assert.False(Qcow2TestSupport.Format.Probe(qcow1));
        Assert.Equal("ImageFormatNotSupported", Assert.Throws<UnsupportedFeatureException>(() => DiskFormats.Probe(qcow1)).ErrorId);
        Assert.False(Qcow2TestSupport.Format.Probe(new MemoryBlockStorage(new byte[] { 1, 2, 3 })));
    }

    [Fact]
    public void Managed_and_native_deflate_round_trip_through_inflate()
    {
        var data = Qcow2TestSupport.TextLike(65536, 3);
        var output = new byte[65535];
        var n = ManagedDeflater.Compress(data, output);
        Assert.InRange(n, 1, 65535);
        var back = new byte[65536];
        Assert.True(Qcow2Compression.Decompress(output, n, back));
        Assert.Equal(data, back);
        if (ZlibNative.Available)
        {
            n = ZlibNative.Deflate(data, output, 1, -12);
            Assert.InRange(n, 1, 65535);
            Assert.True(Qcow2Compression.Decompress(output, n, back));
            Assert.Equal(data, back);
        }

        // The DeflateStream path (used where the runtime has no native zlib) reads both encoders' output.
        Assert.True(Qcow2Compression.InflateManaged(output, ManagedDeflater.Compress(data, output), back));
        Assert.Equal(data, back);
        Assert.False(Qcow2Compression.InflateManaged(new byte[] { 0xff, 0xfe, 0x00, 0x12 }, 4, back));
        Assert.False(Qcow2Compression.InflateManaged(output, 10, back)); // cut short

        // Incompressible data does not fit in a cluster minus one byte.
        var noise = new byte[65536];
        new Random(1).NextBytes(noise);
        Assert.Equal(-1, Qcow2Compression.Compress(noise, output));
        Assert.Equal(-1, ManagedDeflater.Compress(noise, output));
    }
}
