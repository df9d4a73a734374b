using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vmdk;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vmdk.VmdkTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vmdk;

/// <summary>Images ImageOps writes pass qemu-img check, compare equal in qemu, and carry the right header and descriptor.</summary>
public class VmdkWriteTests
{
    private static readonly string[] SourceWrites =
    {
        "write -P 0x11 0 64k", "write -P 0x22 100k 3k", "write -P 0x33 1M 1M", "write -P 0x44 3M 4k", "write -P 0x55 5M 200k",
    };

    [SkippableTheory]
    [InlineData("monolithicSparse", 6L << 20, 65536)]
    [InlineData("monolithicSparse", (6L << 20) + 1536, 4096)]
    [InlineData("streamOptimized", 6L << 20, 65536)]
    [InlineData("streamOptimized", (6L << 20) + 1536, 65536)]
    [InlineData("streamOptimized", 40L << 20, 1 << 20)]
    [InlineData("streamOptimized", 70L << 20, 65536)]
    [InlineData("monolithicSparse", 70L << 20, 65536)]
    public void The_sequential_writer_output_checks_clean_and_compares_equal_in_qemu(string subformat, long size, int grain)
    {
        using var dir = new TempFolder("vmdk");
        var source = RawSource(dir, "source.raw", size, SourceWrites.Append($"write -P 0x66 {size - 2048} 2048").Append($"write -P 0x67 {size / 2} 64k").ToArray());
        var target = dir.Combine("out.vmdk");
        using (var src = DiskFormats.Open(source, new DiskOpenOptions { Format = DiskFormat.Raw }))
        using (var writer = Format.CreateWriter(FileBlockStorage.Create(target), new DiskCreateOptions { Capacity = size, Subformat = subformat, ClusterSize = grain }))
        {
            Copy(src, writer);
        }

        var check = QemuImg.Check(target, "vmdk");
        Assert.True(check.ExitCode == 0, check.Out + check.Err);
        Assert.Equal(0, QemuImg.Compare(source, "raw", target, "vmdk").ExitCode);
        var info = QemuImg.Info(target, "vmdk");
        Assert.Equal(size, info.GetProperty("virtual-size").GetInt64());
        Assert.Equal(subformat, info.GetProperty("format-specific").GetProperty("data").GetProperty("create-type").GetString());
        Assert.Equal(subformat == "streamOptimized", info.GetProperty("format-specific").GetProperty("data").GetProperty("extents")[0].TryGetProperty("compressed", out var c) && c.GetBoolean());

        using var disk = DiskFormats.Open(target);
        Assert.Equal(File.ReadAllBytes(source), ReadAll(disk));
        Assert.Equal(subformat == "streamOptimized" ? 3u : 1u, Assert.IsType<VmdkDisk>(disk).HeaderVersion);
        Assert.Equal("ffffffff", VmdkDescriptor.FormatCid(((VmdkDisk)disk).Descriptor!.ParentCid));
        Assert.Equal(grain, disk.ClusterSize);
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(FileBlockStorage.Open(target, false), new DiskCheckOptions()).Status);
    }

    [SkippableFact]
    public void A_stream_optimized_output_has_the_layout_esxi_imports()
    {
        using var dir = new TempFolder("vmdk");
        const long size = 72L << 20;
        var source = RawSource(dir, "source.raw", size, "write -P 0x11 0 64k", "write -P 0x22 40M 1M");
        var target = dir.Combine("esxi.vmdk");
        using (var src = DiskFormats.Open(source, new DiskOpenOptions { Format = DiskFormat.Raw }))
        using (var writer = Format.CreateWriter(FileBlockStorage.Create(target), new DiskCreateOptions { Capacity = size, Compress = true }))
        {
            Copy(src, writer);
        }

        Assert.Equal(0, QemuImg.Compare(source, "raw", target, "vmdk").ExitCode);
        var file = File.ReadAllBytes(target);
        Assert.Equal(0, file.Length % 512);
        var header = SparseExtentHeader.Parse(file);
        Assert.Equal(3u, header.Version);
        Assert.Equal(SparseExtentFlags.NewlineDetection | SparseExtentFlags.Compressed | SparseExtentFlags.Markers, header.Flags);
        Assert.Equal(SparseExtentHeader.GrainDirectoryAtEnd, header.GdOffset);
        Assert.Equal(SparseExtentHeader.CompressionDeflate, header.CompressAlgorithm);
        Assert.Equal(128ul, header.OverHead);
        Assert.Equal(0ul, header.RgdOffset);

        // The stream in order: grains (marker lba/size), grain tables after their grains, directory, footer, end of stream.
        var kinds = new System.Collections.Generic.List<string>();
        var position = (long)header.OverHead * 512;
        while (position < file.Length)
        {
            var value = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)position));
            var size2 = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)position + 8));
            if (size2 != 0)
            {
                kinds.Add("grain@" + value);
                position += (12 + size2 + 511) / 512 * 512;
                continue;
            }

            var type = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan((int)position + 12));
            kinds.Add(type switch { 0 => "eos", 1 => "gt", 2 => "gd", _ => "footer" });
            position += 512 + (long)value * 512;
        }

        // Runs of grains collapsed: the grains of table 0, its table, those of table 1 (from sector 81920 = 40 MiB), its table, then the end.
        var collapsed = kinds.Where((k, i) => !k.StartsWith("grain@", StringComparison.Ordinal) || i == 0 || !kinds[i - 1].StartsWith("grain@", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[] { "grain@0", "gt", "grain@81920", "gt", "gd", "footer", "eos" }, collapsed);
        Assert.Equal(1 + 16 + 5, kinds.Count);
        Assert.Equal(position, file.Length);
        var footer = SparseExtentHeader.Parse(file.AsSpan(file.Length - 1024));
        Assert.NotEqual(SparseExtentHeader.GrainDirectoryAtEnd, footer.GdOffset);
        Assert.Equal(3u, footer.Version);

        var descriptor = System.Text.Encoding.UTF8.GetString(file, 512, 20 * 512).TrimEnd('\0');
        Assert.Contains("createType=\"streamOptimized\"", descriptor);
        Assert.Contains("RW 147456 SPARSE \"esxi.vmdk\"", descriptor);
        Assert.Contains("ddb.adapterType = \"lsilogic\"", descriptor);
        Assert.Contains("ddb.geometry.heads = \"255\"", descriptor);
        Assert.Contains("ddb.geometry.sectors = \"63\"", descriptor);
        Assert.Contains("ddb.geometry.cylinders = \"10\"", descriptor);
        Assert.Contains("ddb.virtualHWVersion = \"4\"", descriptor);
        Assert.Contains("parentCID=ffffffff", descriptor);
        Assert.DoesNotContain("toolsInstallType", descriptor);
    }

    [SkippableTheory]
    [InlineData("monolithicSparse", null)]
    [InlineData("monolithicSparse", 2)]
    [InlineData("streamOptimized", null)]
    public void Random_access_writes_read_back_and_check_clean_in_qemu(string subformat, int? version)
    {
        using var dir = new TempFolder("vmdk");
        const long size = (5L << 20) + 512;
        var target = dir.Combine("random.vmdk");
        var expected = new byte[size];
        void Put(VirtualDisk disk, long offset, byte[] data)
        {
            disk.Write(offset, data);
            data.CopyTo(expected, offset);
        }

        using (var disk = Format.Create(FileBlockStorage.Create(target), new DiskCreateOptions { Capacity = size, Subformat = subformat, VmdkVersion = version }))
        {
            Assert.True(disk.CanWrite);
            Put(disk, 0, Pattern(70_000, 1));
            Put(disk, 1_000_000, Pattern(3_000, 2));
            Put(disk, 999_000, Pattern(1_500, 3));       // overlaps the previous write, crosses into its grain
            Put(disk, size - 700, Pattern(700, 4));      // the short last grain
            Put(disk, 3L << 20, new byte[65536]);        // zeros
            disk.Flush();
            Put(disk, 2L << 20, Pattern(200_000, 5));    // after a flush
            Put(disk, 10, Pattern(20, 6));               // back into an early grain
            Assert.Equal(expected, ReadAll(disk));
            disk.WriteZeros(2L << 20, 65536);
            Array.Clear(expected, 2 << 20, 65536);
            Assert.Equal(expected, ReadAll(disk));
        }

        var check = QemuImg.Check(target, "vmdk");
        Assert.True(check.ExitCode == 0, check.Out + check.Err);
        Assert.Equal(expected, QemuRead(target, dir));
        Assert.Equal(subformat, QemuVmdkInfo(target).GetProperty("create-type").GetString());
        using var reopened = DiskFormats.Open(target);
        Assert.Equal(expected, ReadAll(reopened));
        var report = Format.Check(FileBlockStorage.Open(target, false), new DiskCheckOptions());
        Assert.NotEqual(DiskCheckStatus.Corrupt, report.Status);
    }

    [SkippableFact]
    public void Writing_a_qemu_image_changes_its_cid_once_and_qemu_reads_the_result()
    {
        using var dir = new TempFolder("vmdk");
        var path = dir.Combine("disk.vmdk");
        QemuImg.Create("vmdk", path, 4L << 20);
        QemuIo(path, "write -P 0x11 0 128k");
        var cidBefore = QemuVmdkInfo(path).GetProperty("cid").GetInt64();
        using (var disk = DiskFormats.Open(path, new DiskOpenOptions { Writable = true }))
        {
            Assert.Equal(cidBefore.ToString("x8"), disk.Identity);
            disk.Write(64 * 1024 + 100, Enumerable.Repeat((byte)0x77, 5000).ToArray());
            var first = disk.Identity;
            Assert.NotEqual(cidBefore.ToString("x8"), first);
            disk.Write(3L << 20, Enumerable.Repeat((byte)0x78, 512).ToArray());
            Assert.Equal(first, disk.Identity);
        }

        Assert.NotEqual(cidBefore, QemuVmdkInfo(path).GetProperty("cid").GetInt64());
        Assert.Equal(0, QemuImg.Check(path, "vmdk").ExitCode);
        QemuIo(path, "read -P 0x11 0 65636", "read -P 0x77 65636 5000", "read -P 0x11 70636 60436", "read -P 0x78 3M 512", "read -P 0 3145216 512");
    }

    [SkippableFact]
    public void Sparse_writer_output_agrees_with_qemu_convert_byte_for_byte_in_its_tables()
    {
        // Same layout as qemu: header, descriptor, redundant directory and tables, directory and tables, grains.
        using var dir = new TempFolder("vmdk");
        const long size = 3L << 20;
        var source = RawSource(dir, "source.raw", size, "write -P 0x11 0 64k", "write -P 0x22 1M 64k");
        var ours = dir.Combine("ours.vmdk");
        var theirs = dir.Combine("theirs.vmdk");
        QemuImg.Convert(source, "raw", theirs, "vmdk");
        using (var src = DiskFormats.Open(source, new DiskOpenOptions { Format = DiskFormat.Raw }))
        using (var writer = Format.CreateWriter(FileBlockStorage.Create(ours), new DiskCreateOptions { Capacity = size }))
        {
            Copy(src, writer);
        }

        var a = File.ReadAllBytes(ours);
        var b = File.ReadAllBytes(theirs);
        Assert.Equal(b.Length, a.Length);
        Assert.True(a.AsSpan(0, 512).SequenceEqual(b.AsSpan(0, 512)), "headers differ");
        var grainOffset = (int)SparseExtentHeader.Parse(a).OverHead * 512;
        Assert.True(a.AsSpan(21 * 512, grainOffset - 21 * 512).SequenceEqual(b.AsSpan(21 * 512, grainOffset - 21 * 512)), "directories or tables differ");
        Assert.True(a.AsSpan(grainOffset).SequenceEqual(b.AsSpan(grainOffset)), "grains differ");
    }

    [Fact]
    public void Options_vmdk_cannot_honour_are_refused_by_name()
    {
        UnsupportedFeatureException Refused(DiskCreateOptions o) => Assert.Throws<UnsupportedFeatureException>(() => Format.Create(new MemoryBlockStorage(), o));
        ImageOpsException Invalid(DiskCreateOptions o) => Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage(), o));
        Assert.Equal("VmdkSubformatNotSupported", Refused(new DiskCreateOptions { Capacity = 1 << 20, Subformat = "monolithicFlat" }).ErrorId);
        Assert.Equal("VmdkSubformatNotSupported", Refused(new DiskCreateOptions { Capacity = 1 << 20, Subformat = "twoGbMaxExtentSparse" }).ErrorId);
        Assert.Equal("VmdkSubformatNotSupported", Refused(new DiskCreateOptions { Capacity = 1 << 20, Variant = DiskVariant.Fixed }).ErrorId);
        Assert.Equal("VmdkVersionNotSupported", Refused(new DiskCreateOptions { Capacity = 1 << 20, Compress = true, VmdkVersion = 1 }).ErrorId);
        Assert.Equal("VmdkVersionNotSupported", Refused(new DiskCreateOptions { Capacity = 1 << 20, VmdkVersion = 3 }).ErrorId);
        Assert.Equal("CompressionNotSupported", Refused(new DiskCreateOptions { Capacity = 1 << 20, Subformat = "monolithicSparse", Compress = true }).ErrorId);
        Assert.Equal("VmdkSectorSizeNotSupported", Refused(new DiskCreateOptions { Capacity = 1 << 20, LogicalSectorSize = 4096 }).ErrorId);
        Assert.Equal("DiskSizeNotSupported", Invalid(new DiskCreateOptions { Capacity = 1000 }).ErrorId);
        Assert.Equal("DiskSizeNotSupported", Invalid(new DiskCreateOptions { Capacity = 4L << 40 }).ErrorId);
        Assert.Equal("DiskClusterSizeNotSupported", Invalid(new DiskCreateOptions { Capacity = 1 << 20, ClusterSize = 3000 }).ErrorId);
        Assert.Throws<ArgumentException>(() => Format.Create(new MemoryBlockStorage(new byte[10]), new DiskCreateOptions { Capacity = 1 << 20 }));
    }

    [Fact]
    public void Resize_is_refused_as_qemu_cannot_resize_vmdk_either()
    {
        using var disk = Format.Create(Memory(), new DiskCreateOptions { Capacity = 1 << 20 });
        var error = Assert.Throws<UnsupportedFeatureException>(() => disk.Resize(2 << 20));
        Assert.Contains("Vmdk", error.Feature);
    }

    [Fact]
    public void Structures_have_the_sizes_the_spec_gives()
    {
        var sector = new byte[512];
        new SparseExtentHeader { Version = 1 }.WriteTo(sector);
        Assert.Equal(512, SparseExtentHeader.Size);
        Assert.Equal(79, SparseExtentHeader.PadOffset);
        Assert.Equal(77, SparseExtentHeader.CompressAlgorithmOffset);
        Assert.Equal((byte)'K', sector[0]);
        Assert.Equal((byte)'V', sector[3]);
        Assert.Equal(12, StreamMarker.GrainHeaderSize);
        Assert.Equal(4, GrainTable.EntrySize);
        Assert.Equal(4, GrainTable.Sectors(512));
        Assert.Equal(4096, GrainTable.Encode(new uint[1000]).Length);
        Assert.Equal(512, StreamMarker.MetadataMarkerSize);

        // qemu's layout for a 5 MiB disk (vmdk_init_extent): rgd 21, gd 26, grains from sector 128.
        var layout = SparseExtentLayout.Hosted(10240, 128);
        Assert.Equal(21, layout.RgdOffsetSectors);
        Assert.Equal(26, layout.GdOffsetSectors);
        Assert.Equal(128, layout.GrainOffsetSectors);
        Assert.Equal(128, SparseExtentLayout.Stream(10240, 128).GrainOffsetSectors);
    }
}
