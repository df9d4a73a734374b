using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Formats.Cab;
using ImageOps.Formats.Tests.Compression;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Cab;

public class CabArchiveTests
{
    private static byte[] Text(int size, int seed = 1)
    {
        var random = new Random(seed);
        var sb = new StringBuilder();
        while (sb.Length < size)
        {
            sb.Append("HW\\VEN_").Append(random.Next(0x10000).ToString("X4")).Append("&DEV_").Append(random.Next(50)).Append('\n');
        }

        return Encoding.ASCII.GetBytes(sb.ToString(0, size));
    }

    private static byte[] Noise(int size, int seed = 2)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    internal static Dictionary<string, byte[]> ExtractAll(byte[] cab, CabLimits? limits = null)
    {
        using var stream = new MemoryStream(cab);
        var archive = CabArchive.Open(stream, "test.cab", limits);
        var streams = new Dictionary<string, MemoryStream>();
        archive.Extract(file => streams[file.Name] = new MemoryStream());
        return streams.ToDictionary(s => s.Key, s => s.Value.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Files_come_out_as_they_went_in(bool msZip)
    {
        var cab = new TestCabinet();
        cab.Folders[0].MsZip = msZip;
        var files = new Dictionary<string, byte[]>
        {
            ["driver.inf"] = Text(3000),
            [@"amd64\driver.sys"] = Noise(100_000),
            [@"amd64\driver.cat"] = Text(40_000, 3),
            ["empty.txt"] = Array.Empty<byte>(),
            ["exact.bin"] = Text(32768, 4),
        };
        foreach (var (name, data) in files)
        {
            cab.Add(name, data);
        }

        var extracted = ExtractAll(cab.Build());
        Assert.Equal(files.Keys.OrderBy(k => k), extracted.Keys.OrderBy(k => k));
        foreach (var (name, data) in files)
        {
            Assert.Equal(data, extracted[name]);
        }
    }

    [Fact]
    public void Several_folders_reserves_and_utf8_names_are_read()
    {
        var cab = new TestCabinet { HeaderReserve = 20, FolderReserve = 3, DataReserve = 5, BlockSize = 1000 };
        cab.Folders[0].MsZip = true;
        cab.Folders.Add(new TestCabinet.Folder { MsZip = false });
        cab.Add("a.inf", Text(5000), 0);
        cab.Add("b.sys", Noise(2500), 1);
        cab.Add("pilote-réseau.inf", Encoding.UTF8.GetBytes("[Version]"), 1, 0xA0);
        using var stream = new MemoryStream(cab.Build());
        var archive = CabArchive.Open(stream, "test.cab");
        Assert.Equal(new[] { CabCompression.MsZip, CabCompression.None }, archive.FolderCompression);
        Assert.Equal(new[] { "a.inf", "b.sys", "pilote-réseau.inf" }, archive.Files.Select(f => f.Name));
        Assert.Equal(new DateTime(2025, 6, 15, 12, 30, 0), archive.Files[0].Modified);
        var extracted = ExtractAll(cab.Build());
        Assert.Equal(Text(5000), extracted["a.inf"]);
        Assert.Equal(Noise(2500), extracted["b.sys"]);
    }

    [Fact]
    public void An_mszip_block_may_refer_to_the_previous_block()
    {
        // Block 1 stores "HELLO WORLD"; block 2 is a fixed-Huffman stream copying 5 bytes from 11 back.
        var first = new List<byte> { (byte)'C', (byte)'K' };
        var bits = new InflaterTests.BitWriter();
        bits.Write(1, 1);
        bits.Write(0, 2);
        var stored = bits.ToArray().ToList();
        stored.AddRange(new byte[] { 11, 0, 0xF4, 0xFF });
        stored.AddRange(Encoding.ASCII.GetBytes("HELLO WORLD"));
        first.AddRange(stored);

        var second = new InflaterTests.BitWriter();
        second.Write(1, 1);
        second.Write(1, 2);
        second.FixedLiteral('>');
        second.FixedMatch(length: 5, distance: 6); // after '>' the history is "HELLO WORLD>": 6 back is "WORLD"
        second.FixedEnd();
        var block2 = new byte[] { (byte)'C', (byte)'K' }.Concat(second.ToArray()).ToArray();

        var cab = new TestCabinet();
        cab.Folders[0].MsZip = true;
        cab.Folders[0].RawBlocks = new() { (first.ToArray(), 11), (block2, 6) };
        cab.Add("hello.txt", Encoding.ASCII.GetBytes("HELLO WORLD>WORLD"));
        Assert.Equal("HELLO WORLD>WORLD", Encoding.ASCII.GetString(ExtractAll(cab.Build())["hello.txt"]));
    }

    [Theory]
    [InlineData(2, "Quantum")]
    [InlineData(3, "Lzx")]
    [InlineData(0x1503, "Lzx")]
    public void Quantum_and_LZX_are_refused_by_name(ushort compression, string name)
    {
        var cab = new TestCabinet();
        cab.Folders[0].CompressionValue = compression;
        cab.Folders[0].RawBlocks = new() { (new byte[10], 10) };
        cab.Add("x.sys", new byte[10]);
        var ex = Assert.Throws<UnsupportedFeatureException>(() => ExtractAll(cab.Build()));
        Assert.Equal(CabArchive.CompressionUnsupportedErrorId, ex.ErrorId);
        Assert.Contains(name + " compression", ex.Message);
        Assert.Contains("expand.exe or cabextract", ex.Message);
    }

    [Fact]
    public void A_cabinet_of_a_multi_cabinet_set_is_refused()
    {
        var cab = new TestCabinet { ExtraFlags = 0x0002 };
        cab.Add("x", "y");
        var bytes = cab.Build();
        // The next-cabinet flag needs two names after the header; a valid set would have them.
        var withNames = bytes.Take(36).Concat(Encoding.ASCII.GetBytes("next.cab\0disk\0")).Concat(bytes.Skip(36)).ToArray();
        var ex = Assert.Throws<UnsupportedFeatureException>(() => ExtractAll(withNames));
        Assert.Equal(CabArchive.SpanningUnsupportedErrorId, ex.ErrorId);
    }

    [Fact]
    public void A_flipped_byte_in_checksummed_data_is_caught()
    {
        var cab = TestCabinet.MsZipOf(("a.inf", Text(20_000)));
        var bytes = cab.Build();
        bytes[^10] ^= 0x40;
        var ex = Assert.Throws<CorruptImageException>(() => ExtractAll(bytes));
        Assert.Equal(CabArchive.CorruptErrorId, ex.ErrorId);
        Assert.Equal("CFDATA.csum", ex.Structure);
    }

    [Fact]
    public void Without_checksums_a_damaged_mszip_block_is_still_an_error()
    {
        var cab = TestCabinet.MsZipOf(("a.inf", Text(20_000)));
        cab.Checksums = false;
        var bytes = cab.Build();
        for (var i = bytes.Length - 200; i < bytes.Length; i += 7)
        {
            bytes[i] ^= 0xFF;
        }

        Assert.NotNull(Hostile.Refused(() => ExtractAll(bytes)));
    }

    [Fact]
    public void Every_truncation_is_a_typed_error()
    {
        var cab = TestCabinet.MsZipOf(("a.inf", Text(5000)), ("b.sys", Noise(3000)));
        var bytes = cab.Build();
        for (var length = 0; length < bytes.Length; length++)
        {
            var cut = bytes.Take(length).ToArray();
            var error = Hostile.Refused(() => ExtractAll(cut));
            Assert.IsAssignableFrom<CorruptImageException>(error);
        }
    }

    [Fact]
    public void Counts_and_offsets_beyond_the_file_are_refused_before_allocating()
    {
        var bytes = new TestCabinet().Add("a", "b").Build();
        foreach (var (offset, value, structure) in new[]
        {
            (26, new byte[] { 0xFF, 0xFF }, "CFHEADER.cFolders"),
            (28, new byte[] { 0xFF, 0xFF }, "CFHEADER.coffFiles"),
            (16, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F }, "CFHEADER.coffFiles"),
            (36, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, "CFFOLDER.coffCabStart"),
            (40, new byte[] { 0xFF, 0xFF }, "CFFOLDER.coffCabStart"),
        })
        {
            var patched = (byte[])bytes.Clone();
            value.CopyTo(patched, offset);
            var ex = Assert.IsAssignableFrom<CorruptImageException>(Hostile.Refused(() => ExtractAll(patched), maxAllocatedBytes: 1 << 20));
            Assert.Equal(structure, ex.Structure);
        }
    }

    [Fact]
    public void A_file_past_its_folder_data_or_overlapping_another_is_refused()
    {
        var bytes = new TestCabinet().Add("a.inf", Text(100)).Add("b.inf", Text(100)).Build();
        var firstFile = 36 + 8;
        var past = (byte[])bytes.Clone();
        BitConverter.GetBytes(5000u).CopyTo(past, firstFile); // cbFile of a.inf
        Assert.Contains("past its folder", Assert.Throws<CorruptImageException>(() => ExtractAll(past)).Message);

        var overlap = (byte[])bytes.Clone();
        var secondFile = firstFile + 16 + "a.inf".Length + 1;
        BitConverter.GetBytes(50u).CopyTo(overlap, secondFile + 4); // b.inf starts inside a.inf
        Assert.Contains("overlap", Assert.Throws<CorruptImageException>(() => ExtractAll(overlap)).Message);
    }

    [Fact]
    public void Names_must_be_terminated_and_valid_utf8_when_marked()
    {
        var cab = new TestCabinet().Add("a.inf", "x");
        var bytes = cab.Build();
        var unterminated = bytes.Take(36 + 8 + 16).Concat(Enumerable.Repeat((byte)'a', 300)).ToArray();
        BitConverter.GetBytes((uint)unterminated.Length).CopyTo(unterminated, 8);
        Assert.Equal("CFFILE.szName", Assert.IsAssignableFrom<CorruptImageException>(Hostile.Refused(() => ExtractAll(unterminated))).Structure);

        var badUtf8 = new TestCabinet().Add("ab.inf", Encoding.ASCII.GetBytes("x"), 0, 0xA0).Build();
        badUtf8[36 + 8 + 16] = 0xC3;
        badUtf8[36 + 8 + 17] = 0x28;
        Assert.Contains("not valid UTF-8", Assert.Throws<CorruptImageException>(() => ExtractAll(badUtf8)).Message);
    }

    [Fact]
    public void Declared_sizes_beyond_the_limits_are_refused_before_decoding()
    {
        var cab = TestCabinet.MsZipOf(("zeros.bin", new byte[1 << 20]));
        var bytes = cab.Build();
        Assert.True(bytes.Length < 20_000);
        var ex = Assert.Throws<ImageOpsException>(() => ExtractAll(bytes, new CabLimits { MaxTotalBytes = 512 * 1024 }));
        Assert.Equal(CabArchive.TooLargeErrorId, ex.ErrorId);
        Assert.Equal(ErrorKind.LimitsExceeded, ex.Kind);
    }

    [Fact]
    public void A_block_that_expands_beyond_its_declared_size_is_refused()
    {
        var cab = new TestCabinet();
        cab.Folders[0].MsZip = true;
        var compressed = BlockOf(Text(5000));
        cab.Folders[0].RawBlocks = new() { (compressed, 100) };
        cab.Add("x", Text(100));
        Assert.Contains("past the declared size", Assert.Throws<CorruptImageException>(() => ExtractAll(cab.Build())).Message);
    }

    [Fact]
    public void Random_damage_never_escapes_as_another_exception_type()
    {
        var original = TestCabinet.MsZipOf(("a.inf", Text(9000)), ("b.sys", Noise(4000))).Build();
        var random = new Random(11);
        for (var round = 0; round < 400; round++)
        {
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            Hostile.Survives(() => ExtractAll(bytes), maxAllocatedBytes: 8 << 20);
        }
    }

    [SkippableFact]
    public void Reads_what_gcab_writes()
    {
        var gcab = External.Tool("gcab");
        using var dir = new TempFolder("gcab");
        var files = new Dictionary<string, byte[]> { ["net.inf"] = Text(70_000), ["net.sys"] = Noise(50_000), ["net.cat"] = Text(9000, 9) };
        foreach (var (name, data) in files)
        {
            File.WriteAllBytes(dir.Combine(name), data);
        }

        var cabPath = dir.Combine("pack.cab");
        var args = new List<string> { "-c", "-z", "-n", cabPath };
        args.AddRange(files.Keys.Select(k => dir.Combine(k)));
        ProcessRunner.Run(gcab, TimeSpan.FromMinutes(1), args.ToArray()).EnsureSuccess("gcab -c -z");
        using var stream = File.OpenRead(cabPath);
        Assert.True(CabArchive.HasSignature(stream));
        var archive = CabArchive.Open(stream, cabPath);
        Assert.All(archive.FolderCompression, c => Assert.Equal(CabCompression.MsZip, c));
        var extracted = ExtractAll(File.ReadAllBytes(cabPath));
        foreach (var (name, data) in files)
        {
            Assert.Equal(data, extracted[name]);
        }
    }

    [SkippableFact]
    public void Cabextract_accepts_the_test_writer_s_cabinets_so_the_fixtures_are_real_cabinets()
    {
        var cabextract = External.Tool("cabextract");
        using var dir = new TempFolder("cabextract");
        var cab = new TestCabinet { DataReserve = 4, HeaderReserve = 8 };
        cab.Folders[0].MsZip = true;
        cab.Add("driver.inf", Text(50_000)).Add(@"amd64\driver.sys", Noise(70_000));
        var path = dir.Combine("t.cab");
        File.WriteAllBytes(path, cab.Build());
        var result = ProcessRunner.Run(cabextract, TimeSpan.FromMinutes(1), "-t", path).EnsureSuccess("cabextract -t");
        Assert.Contains("All done, no errors", result.Out + result.Err);
    }

    private static byte[] BlockOf(byte[] data)
    {
        using var output = new MemoryStream();
        output.WriteByte((byte)'C');
        output.WriteByte((byte)'K');
        using (var deflate = new System.IO.Compression.DeflateStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(data);
        }

        return output.ToArray();
    }
}
