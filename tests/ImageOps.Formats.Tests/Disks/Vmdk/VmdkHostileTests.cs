using System;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vmdk;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vmdk.VmdkTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vmdk;

/// <summary>HOSTILE.md for VMDK sparse extents: every bad image is a valid one patched in memory.</summary>
[Collection(ZlibPathCollection.Name)]
public class VmdkHostileTests
{
    private const long Size = 3L << 20;

    /// <summary>A valid image: grains at 0, 1 MiB and the last grain. Hosted: qemu's layout (gd at 26, grains from 128).</summary>
    private static byte[] Valid(bool stream)
    {
        var storage = new MemoryBlockStorage("/memory/valid.vmdk");
        using (var disk = Format.Create(storage, new DiskCreateOptions { Capacity = Size, Compress = stream }))
        {
            disk.Write(0, Pattern(65536, 1));
            disk.Write(1L << 20, Pattern(65536, 2));
            disk.Write(Size - 65536, Pattern(65536, 3));
        }

        return storage.ToArray();
    }

    /// <summary>Opens, reads everything, maps and checks: success or a typed error, bounded in time and memory.</summary>
    private static ImageOpsException? Exercise(byte[] image)
    {
        return Hostile.Survives(() =>
        {
            using (var disk = DiskFormats.Open(new MemoryBlockStorage(image, "/memory/hostile.vmdk", writable: false)))
            {
                var buffer = new byte[1 << 20];
                for (long offset = 0; offset < disk.Capacity; offset += buffer.Length)
                {
                    disk.Read(offset, buffer.AsSpan(0, (int)Math.Min(buffer.Length, disk.Capacity - offset)));
                }

                disk.GetAllocation(0, disk.Capacity).ToList();
            }
        });
    }

    private static ImageOpsException Refused(byte[] image) => Exercise(image) ?? throw new Xunit.Sdk.XunitException("The image was accepted.");

    private static byte[] With(byte[] image, Action<byte[]> patch)
    {
        var copy = (byte[])image.Clone();
        patch(copy);
        return copy;
    }

    private static byte[] Field(byte[] image, int offset, ulong value, int width)
        => With(image, b =>
        {
            if (width == 8) BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(offset), value);
            else if (width == 4) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), (uint)value);
            else BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(offset), (ushort)value);
        });

    [Fact]
    public void The_valid_images_read_back()
    {
        Assert.Null(Exercise(Valid(stream: false)));
        Assert.Null(Exercise(Valid(stream: true)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncation_anywhere_is_survived_and_cutting_metadata_is_refused(bool stream)
    {
        var image = Valid(stream);
        var cuts = Enumerable.Range(0, image.Length / 512).Select(s => s * 512).Concat(new[] { 1, 3, 4, 100, 511, 513, image.Length - 1 }).Distinct();
        foreach (var cut in cuts)
        {
            var error = Exercise(image.AsSpan(0, cut).ToArray());
            if (cut < 21 * 512 || (stream && cut < image.Length))
            {
                // Header, descriptor and (stream) footer are needed to open; a cut stream has lost its footer.
                Assert.True(error is not null || cut < 4, $"a cut at {cut} was accepted");
            }
        }

        Assert.Equal(stream ? "VmdkFooterInvalid" : "VmdkGrainTableInvalid", Refused(image.AsSpan(0, image.Length - 512).ToArray()).ErrorId);
        Assert.Equal("ImageTruncated", Refused(image.AsSpan(0, 600).ToArray()).ErrorId);
    }

    [Fact]
    public void A_file_too_short_for_a_header_or_with_a_bad_magic_is_not_a_vmdk()
    {
        Assert.Equal(DiskFormat.Raw, DiskFormats.Probe(new MemoryBlockStorage(Encoding.ASCII.GetBytes("KDM"))).Format);
        Assert.Equal("ImageTruncated", Assert.Throws<CorruptImageException>(() => DiskFormats.Open(new MemoryBlockStorage(Encoding.ASCII.GetBytes("KDMV")), new DiskOpenOptions { Format = DiskFormat.Vmdk })).ErrorId);
        Assert.Equal("VmdkHeaderInvalid", Assert.Throws<CorruptImageException>(() => DiskFormats.Open(new MemoryBlockStorage(new byte[4096]), new DiskOpenOptions { Format = DiskFormat.Vmdk })).ErrorId);
    }

    [Theory]
    [InlineData(SparseExtentHeader.VersionOffset, 0ul, 4, "VmdkVersionNotSupported")]
    [InlineData(SparseExtentHeader.VersionOffset, 4ul, 4, "VmdkVersionNotSupported")]
    [InlineData(SparseExtentHeader.VersionOffset, 0xFFFFFFFFul, 4, "VmdkVersionNotSupported")]
    [InlineData(SparseExtentHeader.FlagsOffset, 0x40003ul, 4, "VmdkFeatureNotSupported")]
    [InlineData(SparseExtentHeader.FlagsOffset, 0x80000003ul, 4, "VmdkFeatureNotSupported")]
    [InlineData(SparseExtentHeader.FlagsOffset, 0x10003ul, 4, "VmdkHeaderInvalid")]
    [InlineData(SparseExtentHeader.FlagsOffset, 0x20003ul, 4, "VmdkHeaderInvalid")]
    [InlineData(SparseExtentHeader.CapacityOffset, 0ul, 8, "VmdkCreateTypeNotSupported")]
    [InlineData(SparseExtentHeader.CapacityOffset, 1ul << 40, 8, "VmdkCapacityTooLarge")]
    [InlineData(SparseExtentHeader.CapacityOffset, ulong.MaxValue, 8, "VmdkCapacityTooLarge")]
    [InlineData(SparseExtentHeader.CapacityOffset, 1ul << 63, 8, "VmdkCapacityTooLarge")]
    [InlineData(SparseExtentHeader.CapacityOffset, 1ul << 37, 8, "ImageTruncated")]
    [InlineData(SparseExtentHeader.GrainSizeOffset, 0ul, 8, "VmdkGrainSizeInvalid")]
    [InlineData(SparseExtentHeader.GrainSizeOffset, 3ul, 8, "VmdkGrainSizeInvalid")]
    [InlineData(SparseExtentHeader.GrainSizeOffset, 4096ul, 8, "VmdkGrainSizeInvalid")]
    [InlineData(SparseExtentHeader.GrainSizeOffset, 1ul << 40, 8, "VmdkGrainSizeInvalid")]
    [InlineData(SparseExtentHeader.NumGtesPerGtOffset, 0ul, 4, "VmdkHeaderInvalid")]
    [InlineData(SparseExtentHeader.NumGtesPerGtOffset, 513ul, 4, "VmdkHeaderInvalid")]
    [InlineData(SparseExtentHeader.NumGtesPerGtOffset, 0xFFFFFFFFul, 4, "VmdkHeaderInvalid")]
    [InlineData(SparseExtentHeader.GdOffsetOffset, 0ul, 8, "VmdkHeaderInvalid")]
    [InlineData(SparseExtentHeader.GdOffsetOffset, 1ul << 33, 8, "ImageTruncated")]
    [InlineData(SparseExtentHeader.GdOffsetOffset, 0xFFFFFFFFFFFFFFFEul, 8, "ImageTruncated")]
    [InlineData(SparseExtentHeader.RgdOffsetOffset, 1ul << 33, 8, "ImageTruncated")]
    [InlineData(SparseExtentHeader.DescriptorOffsetOffset, 1ul << 50, 8, "ImageTruncated")]
    [InlineData(SparseExtentHeader.DescriptorSizeOffset, 1ul << 40, 8, "VmdkDescriptorTooLarge")]
    [InlineData(SparseExtentHeader.DescriptorSizeOffset, 0ul, 8, "VmdkDescriptorTooLarge")]
    [InlineData(SparseExtentHeader.OverHeadOffset, 1ul << 40, 8, "ImageTruncated")]
    [InlineData(SparseExtentHeader.CompressAlgorithmOffset, 2ul, 2, "VmdkFeatureNotSupported")]
    [InlineData(SparseExtentHeader.SingleEndLineCharOffset, 0x0d0a0d0aul, 4, "VmdkNewlineMangled")]
    public void Hostile_header_fields_of_a_hosted_extent_are_refused(int offset, ulong value, int width, string errorId)
    {
        var error = Refused(Field(Valid(stream: false), offset, value, width));
        Assert.Equal(errorId, error.ErrorId);
        if (error is CorruptImageException corrupt)
        {
            Assert.Equal("VMDK", corrupt.Format);
            Assert.Equal("/memory/hostile.vmdk", corrupt.Path);
        }
    }

    [Fact]
    public void An_unknown_compatible_flag_is_ignored()
    {
        Assert.Null(Exercise(Field(Valid(stream: false), SparseExtentHeader.FlagsOffset, 0x3 | 0x100, 4)));
    }

    [Theory]
    [InlineData(SparseExtentHeader.GrainSizeOffset, 1ul, 8)]
    [InlineData(SparseExtentHeader.GrainSizeOffset, 2048ul, 8)]
    [InlineData(SparseExtentHeader.NumGtesPerGtOffset, 1ul, 4)]
    [InlineData(SparseExtentHeader.NumGtesPerGtOffset, 100ul, 4)]
    [InlineData(SparseExtentHeader.CapacityOffset, 1ul, 8)]
    [InlineData(SparseExtentHeader.OverHeadOffset, 0ul, 8)]
    [InlineData(SparseExtentHeader.UncleanShutdownOffset, 1ul, 2)]
    public void Odd_but_bounded_header_values_are_survived(int offset, ulong value, int width)
        => Exercise(Field(Valid(stream: false), offset, value, width));

    [Theory]
    [InlineData(SparseExtentHeader.GdOffsetOffset, 1ul << 33, 8, "ImageTruncated")]
    [InlineData(SparseExtentHeader.GdOffsetOffset, ulong.MaxValue, 8, "VmdkFooterInvalid")]
    [InlineData(SparseExtentHeader.CapacityOffset, 1ul << 62, 8, "VmdkCapacityTooLarge")]
    [InlineData(SparseExtentHeader.FlagsOffset, 0x30001ul | 0x100000ul, 4, "VmdkFeatureNotSupported")]
    public void Hostile_footer_fields_of_a_stream_are_refused(int offset, ulong value, int width, string errorId)
    {
        var image = Valid(stream: true);
        var footer = image.Length - 1024;
        Assert.Equal(errorId, Refused(Field(image, footer + offset, value, width)).ErrorId);
    }

    [Fact]
    public void A_stream_whose_markers_are_broken_is_refused()
    {
        var image = Valid(stream: true);
        Assert.Equal("VmdkFooterInvalid", Refused(Field(image, image.Length - 1536 + 12, 1, 4)).ErrorId);  // footer marker type
        Assert.Equal("VmdkFooterInvalid", Refused(Field(image, image.Length - 512, 7, 8)).ErrorId);        // EOS value
        Assert.Equal("VmdkFooterInvalid", Refused(Field(image, image.Length - 1024, 0, 4)).ErrorId);       // footer magic
    }

    [Fact]
    public void Directory_and_table_entries_past_the_end_or_into_metadata_are_refused()
    {
        var image = Valid(stream: false);
        const int gd = 26 * 512;
        const int gt = (26 + 1) * 512;
        Assert.Equal("VmdkGrainDirectoryInvalid", Refused(Field(image, gd, 0xFFFFFFFF, 4)).ErrorId);
        Assert.Equal("VmdkGrainDirectoryInvalid", Refused(Field(image, gd, (ulong)(image.Length / 512), 4)).ErrorId);
        Assert.Equal("VmdkGrainTableInvalid", Refused(Field(image, gt, 0xFFFFFFFF, 4)).ErrorId);
        Assert.Equal("VmdkGrainTableInvalid", Refused(Field(image, gt, (ulong)(image.Length / 512 - 1), 4)).ErrorId);
        Assert.Equal("VmdkGrainTableInvalid", Refused(Field(image, gt, 1, 4)).ErrorId);       // 1 without zeroed grains: the header
        Assert.Equal("VmdkGrainTableInvalid", Refused(Field(image, gt, 26, 4)).ErrorId);      // the directory
        var corrupt = Assert.IsType<CorruptImageException>(Refused(Field(image, gt, 26, 4)));
        Assert.Equal(gt, corrupt.Offset);
        Assert.Equal("grain table", corrupt.Structure);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Broken_compressed_grains_are_refused(bool native)
    {
        using var path = new ZlibPath(native);
        var image = Valid(stream: true);
        const int grain = 128 * 512;
        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(grain + 8));
        Assert.Equal("VmdkGrainMarkerInvalid", Refused(Field(image, grain, 999, 8)).ErrorId);                 // lba of another grain
        Assert.Equal("VmdkGrainMarkerInvalid", Refused(Field(image, grain + 8, 0xFFFFFFFF, 4)).ErrorId);      // size huge
        Assert.Equal("VmdkGrainMarkerInvalid", Refused(Field(image, grain + 8, 200_000, 4)).ErrorId);         // size larger than two grains
        Assert.Equal("VmdkCompressedGrainInvalid", Refused(With(image, b => b.AsSpan(grain + 12, size).Fill(0xAB))).ErrorId);      // garbage
        Assert.Equal("VmdkCompressedGrainInvalid", Refused(With(image, b => b[grain + 12 + size - 1] ^= 0xFF)).ErrorId);           // Adler-32
        Assert.Equal("VmdkCompressedGrainInvalid", Refused(Field(image, grain + 8, (ulong)size - 8, 4)).ErrorId);                  // cut short
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_decompression_bomb_is_refused_without_inflating_it(bool native)
    {
        using var path = new ZlibPath(native);
        var image = Valid(stream: true);
        const int grain = 128 * 512;

        // 16 MiB of zeros deflate to ~16 KiB; the grain is 64 KiB. It must fit the first grain's record: rebuild the stream around it.
        var bomb = new byte[70_000];
        var zlib = new byte[bomb.Length + 1024];
        var length = ZlibCodec.Compress(bomb, zlib, CompressionLevel.Optimal);
        var patched = With(image, b =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(grain + 8), (uint)length);
            zlib.AsSpan(0, Math.Min(length, 512 - 12)).CopyTo(b.AsSpan(grain + 12));
        });
        var error = Exercise(patched);
        Assert.NotNull(error);

        var small = new byte[512 - 12];
        var bigger = new byte[200_000];
        var n = ZlibCodec.Compress(bigger, small, CompressionLevel.Optimal);
        Assert.True(n > 0 && n < small.Length);
        var bombed = With(image, b =>
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(grain + 8), (uint)n);
            small.AsSpan(0, n).CopyTo(b.AsSpan(grain + 12));
        });
        var refused = Refused(bombed);
        Assert.Equal("VmdkCompressedGrainInvalid", refused.ErrorId);
        Assert.Contains("expands beyond", refused.Message);
    }

    [Theory]
    [InlineData("createType=\"monolithicSparse\"\nnonsense line here\n")]
    [InlineData("CID=xyz\n")]
    [InlineData("CID=123456789\n")]
    [InlineData("CID=1\nCID=2\n")]
    [InlineData("version=7\nCID=1\n")]
    [InlineData("RW 100 SPARSE\n")]
    [InlineData("RW -5 SPARSE \"x\"\n")]
    [InlineData("RW 99999999999999999999 SPARSE \"x\"\n")]
    [InlineData("RW 100 FLAT \"x\"\n")]
    [InlineData("RW 100 SPARSE \"x\" 5\n")]
    [InlineData("RW 100 BOGUS \"x\"\n")]
    [InlineData("RW 100 SPARSE \"x\n")]
    [InlineData("ddb.key = \"a\"b\"\n")]
    [InlineData("key\u0001 = 1\n")]
    [InlineData("parentFileNameHint=\"a\u0007b\"\n")]
    public void Malformed_embedded_descriptors_are_refused(string text)
    {
        var image = With(Valid(stream: false), b =>
        {
            Array.Clear(b, 512, 20 * 512);
            Encoding.UTF8.GetBytes(text).CopyTo(b, 512);
        });
        var error = Refused(image);
        Assert.True(error.ErrorId is "VmdkDescriptorInvalid" or "VmdkVersionNotSupported", error.ErrorId + ": " + error.Message);
    }

    [Fact]
    public void Invalid_utf8_in_a_descriptor_is_refused_and_other_encodings_are_named()
    {
        var image = With(Valid(stream: false), b => b[512 + 30] = 0xFF);
        Assert.Equal("VmdkDescriptorInvalid", Refused(image).ErrorId);
        var latin = With(Valid(stream: false), b =>
        {
            Array.Clear(b, 512, 20 * 512);
            var text = Encoding.ASCII.GetBytes("# Disk DescriptorFile\nversion=1\nencoding=\"Shift_JIS\"\nCID=1\nparentCID=ffffffff\nddb.comment = \"xx\"\n");
            text.CopyTo(b, 512);
            b[512 + text.Length - 4] = 0x93;
        });
        Assert.Equal("VmdkDescriptorEncodingNotSupported", Refused(latin).ErrorId);
    }

    [Fact]
    public void Huge_and_hostile_values_never_allocate_what_the_file_does_not_justify()
    {
        var image = Valid(stream: false);

        // 64 TiB (the largest accepted) of 512-byte grains with 1-entry tables: the directory would need 2^37 entries.
        var huge = Field(Field(Field(image, SparseExtentHeader.CapacityOffset, 1ul << 37, 8), SparseExtentHeader.GrainSizeOffset, 1, 8), SparseExtentHeader.NumGtesPerGtOffset, 1, 4);
        Assert.Equal("ImageTruncated", Hostile.Refused(() => DiskFormats.Open(new MemoryBlockStorage(huge)).Dispose(), maxAllocatedBytes: 1 << 20).ErrorId);
    }

    [Fact]
    public void Hostile_files_are_refused_by_check_too()
    {
        var image = Field(Valid(stream: false), SparseExtentHeader.CapacityOffset, 1ul << 60, 8);
        Assert.Equal("VmdkCapacityTooLarge", Hostile.Refused(() => Format.Check(new MemoryBlockStorage(image), new DiskCheckOptions())).ErrorId);
    }
}
