using System;
using System.IO;
using System.IO.Compression;
using System.Text;
using ImageOps.Formats.Disks.Vmdk;

namespace ImageOps.Formats.Tests.Disks.Vmdk;

/// <summary>Tests that switch <see cref="ZlibCodec.UseNative"/> run alone, so no other test sees the switch.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ZlibPathCollection
{
    public const string Name = "zlib code path";
}

/// <summary>Selects the zlib code path (.NET's ZLibStream, or the netstandard2.0 fallback) for a test.</summary>
internal sealed class ZlibPath : IDisposable
{
    private readonly bool _previous = ZlibCodec.UseNative;

    public ZlibPath(bool native)
    {
        Assert.True(!native || _previous, "this runtime has no ZLibStream");
        ZlibCodec.UseNative = native;
    }

    public void Dispose() => ZlibCodec.UseNative = _previous;
}

/// <summary>The zlib container VMDK grains use, and the descriptor grammar, in isolation.</summary>
[Collection(ZlibPathCollection.Name)]
public class VmdkCodecTests
{
    [Fact]
    public void Adler32_matches_the_definition()
    {
        Assert.Equal(0x11E60398u, ZlibCodec.Adler32(Encoding.ASCII.GetBytes("Wikipedia")));
        Assert.Equal(1u, ZlibCodec.Adler32(ReadOnlySpan<byte>.Empty));
        var random = new byte[100_003];
        new Random(3).NextBytes(random);
        Array.Fill(random, (byte)0xFF, 0, 20_000);
        uint a = 1, b = 0;
        foreach (var x in random)
        {
            a = (a + x) % 65521;
            b = (b + a) % 65521;
        }

        Assert.Equal((b << 16) | a, ZlibCodec.Adler32(random));
    }

    [Theory]
    [InlineData(CompressionLevel.Optimal, true)]
    [InlineData(CompressionLevel.Fastest, true)]
    [InlineData(CompressionLevel.Optimal, false)]
    [InlineData(CompressionLevel.Fastest, false)]
    public void Zlib_round_trips_and_its_bound_holds_for_incompressible_data(CompressionLevel level, bool native)
    {
        using var path = new ZlibPath(native);
        var data = new byte[65536];
        new Random(4).NextBytes(data);
        var output = new byte[ZlibCodec.MaxCompressedLength(data.Length)];
        var n = ZlibCodec.Compress(data, output, level);
        Assert.InRange(n, 6, output.Length);
        Assert.Equal(0x78, output[0]);
        Assert.Equal(0, ((output[0] << 8) | output[1]) % 31);
        var back = new byte[65536];
        Assert.Equal(65536, ZlibCodec.Decompress(output, 0, n, back, exactLength: true));
        Assert.Equal(data, back);
        Assert.Equal(-1, ZlibCodec.Compress(data, new byte[1000], level));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Malformed_zlib_streams_are_invalid_data(bool native)
    {
        using var path = new ZlibPath(native);
        var output = new byte[200];
        var n = ZlibCodec.Compress(new byte[1000], output, CompressionLevel.Optimal);
        var small = new byte[999];
        Assert.Throws<InvalidDataException>(() => ZlibCodec.Decompress(output, 0, n, small, exactLength: true));   // too big for the buffer
        var header = (byte[])output.Clone();
        header[0] = 0x77;
        Assert.Throws<InvalidDataException>(() => ZlibCodec.Decompress(header, 0, n, new byte[1000], exactLength: true));
        var dictionary = (byte[])output.Clone();
        dictionary[1] = 0xBC;   // FDICT set (0x78BC is a multiple of 31)
        Assert.Throws<InvalidDataException>(() => ZlibCodec.Decompress(dictionary, 0, n, new byte[1000], exactLength: true));
        Assert.Throws<InvalidDataException>(() => ZlibCodec.Decompress(output, 0, 3, new byte[1000], exactLength: true));
        var checksum = (byte[])output.Clone();
        checksum[n - 1] ^= 0x55;
        Assert.Throws<InvalidDataException>(() => ZlibCodec.Decompress(checksum, 0, n, new byte[1000], exactLength: true));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Both_code_paths_write_streams_the_other_and_qemu_read(bool native)
    {
        var data = new byte[65536];
        new Random(8).NextBytes(data.AsSpan(0, 30000));
        var output = new byte[ZlibCodec.MaxCompressedLength(data.Length)];
        int n;
        using (new ZlibPath(native))
        {
            n = ZlibCodec.Compress(data, output, CompressionLevel.Optimal);
        }

        using (new ZlibPath(!native && ZlibCodec.UseNative))
        {
            var back = new byte[65536];
            Assert.Equal(65536, ZlibCodec.Decompress(output, 0, n, back, exactLength: true));
            Assert.Equal(data, back);
        }
    }

    [SkippableFact]
    public void Streams_written_through_the_fallback_path_read_right_in_qemu()
    {
        using var dir = new ImageOps.Tests.TempFolder("vmdk");
        var source = VmdkTestSupport.RawSource(dir, "source.raw", 2L << 20, "write -P 0x11 0 100k", "write -P 0x22 1M 64k");
        var target = dir.Combine("fallback.vmdk");
        using (new ZlibPath(false))
        using (var src = ImageOps.Formats.Disks.DiskFormats.Open(source, new ImageOps.Formats.Disks.DiskOpenOptions { Format = ImageOps.Formats.Disks.DiskFormat.Raw }))
        using (var writer = VmdkTestSupport.Format.CreateWriter(ImageOps.Formats.Disks.Storage.FileBlockStorage.Create(target), new ImageOps.Formats.Disks.DiskCreateOptions { Capacity = 2L << 20, Compress = true }))
        {
            VmdkTestSupport.Copy(src, writer, parallel: false);
        }

        Assert.Equal(0, ImageOps.Tests.QemuImg.Check(target, "vmdk").ExitCode);
        Assert.Equal(0, ImageOps.Tests.QemuImg.Compare(source, "raw", target, "vmdk").ExitCode);
    }

    [Fact]
    public void A_descriptor_keeps_its_lines_when_the_cid_is_rewritten()
    {
        var text = "# Disk DescriptorFile\r\nversion=1 \r\nCID=fffffffe\r\nparentCID=0000abcd\r\nparentFileNameHint=\"base.vmdk\"\r\ncreateType=\"monolithicSparse\"\r\n\r\nRW 2048 SPARSE \"x.vmdk\"\r\nddb.adapterType = \"lsilogic\"\r\nddb.x=bare\r\n";
        var descriptor = VmdkDescriptor.Parse(Encoding.ASCII.GetBytes(text), "d", 0, embedded: true);
        Assert.Equal(0xfffffffeu, descriptor.Cid);
        Assert.Equal(0xabcdu, descriptor.ParentCid);
        Assert.Equal("base.vmdk", descriptor.ParentFileNameHint);
        Assert.Equal("lsilogic", descriptor.Get("ddb.adapterType"));
        Assert.Equal("bare", descriptor.Get("ddb.x"));
        Assert.Single(descriptor.Extents);
        Assert.Equal(VmdkExtentAccess.ReadWrite, descriptor.Extents[0].Access);
        var rewritten = Encoding.UTF8.GetString(descriptor.WithCid(0x1234));
        Assert.Equal(text.Replace("CID=fffffffe", "CID=00001234"), rewritten);
        Assert.Equal(0x1234u, VmdkDescriptor.Parse(Encoding.UTF8.GetBytes(rewritten), "d", 0, embedded: true).Cid);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(VmdkDescriptor.NewCid() < 0xFFFFFFFE);
        }
    }
}
