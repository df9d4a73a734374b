using System;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhd;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhd.VhdTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vhd;

/// <summary>The on-disk structures against the spec's sizes and offsets, and the size rules against qemu.</summary>
public class VhdStructureTests
{
    [Fact]
    public void Structures_have_the_sizes_and_offsets_of_the_spec()
    {
        Assert.Equal(512, VhdFooter.Size);
        Assert.Equal(511, VhdFooter.LegacySize);
        Assert.Equal(512, VhdFooter.CreateNew(VhdDiskType.Dynamic, 1 << 20, Guid.NewGuid(), 0).ToBytes().Length);
        Assert.Equal(85 + 427, VhdFooter.Size);
        Assert.Equal(64, VhdFooter.ChecksumOffset);
        Assert.Equal(68, VhdFooter.UniqueIdOffset);

        Assert.Equal(1024, VhdDynamicHeader.Size);
        Assert.Equal(1024, VhdDynamicHeader.CreateNew(1536, 1, 2 << 20).ToBytes().Length);
        Assert.Equal(VhdDynamicHeader.ParentLocatorsOffset + (8 * VhdParentLocator.Size), VhdDynamicHeader.ReservedOffset);
        Assert.Equal(VhdDynamicHeader.ReservedOffset + 256, VhdDynamicHeader.Size);
        Assert.Equal(VhdDynamicHeader.ParentUnicodeNameOffset + 512, VhdDynamicHeader.ParentLocatorsOffset);

        Assert.Equal(24, VhdParentLocator.Size);
        var bytes = new byte[24];
        new VhdParentLocator(VhdParentLocator.W2ru, 512, 20, 0x1234).WriteTo(bytes);
        Assert.Equal("W2ru", VhdParentLocator.Parse(bytes).PlatformName);
        Assert.Equal(4, VhdBlockAllocationTable.EntrySize);
    }

    [Fact]
    public void Bitmaps_are_one_bit_per_sector_most_significant_first_padded_to_a_sector()
    {
        Assert.Equal(512, VhdSectorBitmap.SizeFor(2 << 20));
        Assert.Equal(512, VhdSectorBitmap.SizeFor(512 << 10));
        Assert.Equal(512, VhdSectorBitmap.SizeFor(4096));
        Assert.Equal(16384, VhdSectorBitmap.SizeFor(64 << 20));
        var bitmap = new byte[512];
        VhdSectorBitmap.SetRange(bitmap, 3, 20);
        Assert.Equal(0x1F, bitmap[0]);
        Assert.Equal(0xFF, bitmap[1]);
        Assert.Equal(0xFE, bitmap[2]);
        Assert.Equal(0, bitmap[3]);
        Assert.Equal(3, VhdSectorBitmap.RunLength(bitmap, 0, 4096, out var set));
        Assert.False(set);
        Assert.Equal(20, VhdSectorBitmap.RunLength(bitmap, 3, 4096, out set));
        Assert.True(set);
        Assert.True(VhdSectorBitmap.AllSet(bitmap, 5, 10));
        Assert.True(VhdSectorBitmap.AllClear(bitmap, 23, 100));
    }

    [Fact]
    public void Unique_ids_are_stored_in_network_byte_order()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        var footer = VhdFooter.CreateNew(VhdDiskType.Fixed, 1 << 20, id, 0);
        var bytes = footer.ToBytes();
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (byte)(i * 0x11)).ToArray(), bytes.AsSpan(VhdFooter.UniqueIdOffset, 16).ToArray());
        Assert.Equal(id, VhdFooter.Parse(bytes).UniqueId);
    }

    [Theory]
    [InlineData("vpc ", false, true)]
    [InlineData("qemu", false, true)]
    [InlineData("vpc ", true, false)]
    [InlineData("qemu", true, false)]
    [InlineData("win ", false, false)]
    [InlineData("qem2", false, false)]
    [InlineData("d2v\0", false, false)]
    [InlineData("d2v ", false, false)]
    [InlineData("tap\0", false, false)]
    [InlineData("CTXS", false, false)]
    [InlineData("wa\0\0", false, false)]
    [InlineData("vs  ", false, false)]
    public void The_size_comes_from_current_size_except_for_Virtual_PC_and_old_qemu_as_in_vpc_c(string creator, bool maximumGeometry, bool fromGeometry)
    {
        var expected = fromGeometry ? VhdSizeSource.Geometry : VhdSizeSource.CurrentSize;
        var capacity = maximumGeometry ? 200L << 30 : 100L << 20;
        var footer = VhdFooter.CreateNew(VhdDiskType.Dynamic, capacity, Guid.NewGuid(), 0);
        footer.CreatorApplication = creator;
        Assert.Equal(expected, VhdVirtualSize.SourceOf(footer));
        Assert.Equal(maximumGeometry, footer.Geometry.IsMaximum);
        var geometrySize = footer.Geometry.TotalSectors * 512;
        Assert.Equal(expected == VhdSizeSource.Geometry ? geometrySize : capacity, (long)VhdVirtualSize.Of(footer));
    }

    [Theory]
    [InlineData(100L << 20, 1003, 12, 17)]
    [InlineData(3L << 20, 90, 4, 17)]
    [InlineData(40L << 30, 20560, 16, 255)]
    [InlineData(127L << 30, 65278, 16, 255)]
    [InlineData(2040L << 30, 65535, 16, 255)]
    public void Geometry_follows_the_spec_algorithm(long capacity, int cylinders, int heads, int sectors)
        => Assert.Equal(new VhdDiskGeometry((ushort)cylinders, (byte)heads, (byte)sectors), VhdDiskGeometry.FromCapacity(capacity));

    [SkippableFact]
    public void Geometry_and_checksums_match_the_footers_qemu_img_writes()
    {
        using var dir = new TempFolder("vhd");
        foreach (var size in new[] { 1L << 20, 3L << 20, 50L << 20, 500L << 20, 4L << 30, 33L << 30, 130L << 30 })
        {
            var path = dir.Combine($"g{size}.vhd");
            QemuImg.Create("vpc", path, size);
            var bytes = new byte[512];
            using (var file = File.OpenRead(path))
            {
                file.ReadExactly(bytes);
            }

            var footer = VhdFooter.Parse(bytes);
            Assert.True(footer.ChecksumValid);
            Assert.Equal("qemu", footer.CreatorApplication);

            // qemu rounds the size up to a whole geometry and records it; the spec algorithm must give
            // back that geometry from the recorded size.
            Assert.Equal(footer.Geometry, VhdDiskGeometry.FromCapacity((long)footer.CurrentSize));
            Assert.Equal(bytes, footer.ToBytes());
        }
    }

    [Fact]
    public void Time_stamps_count_seconds_from_2000()
    {
        Assert.Equal(0u, VhdTime.FromDateTime(new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(86400u, VhdTime.FromDateTime(new DateTime(2000, 1, 2, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(0u, VhdTime.FromDateTime(new DateTime(1990, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc), VhdTime.ToDateTime(VhdTime.FromDateTime(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc))));
    }

    [Fact]
    public void A_new_dynamic_disk_has_the_layout_qemu_and_Hyper_V_use()
    {
        var storage = NewDynamic(10L << 20);
        var bytes = storage.ToArray();
        Assert.Equal(512 + 1024 + 512 + 512, bytes.Length);
        var footer = VhdFooter.Parse(bytes.AsSpan(0, 512));
        Assert.True(footer.ChecksumValid);
        Assert.Equal("win ", footer.CreatorApplication);
        Assert.Equal(VhdDiskType.Dynamic, footer.DiskType);
        Assert.Equal(512UL, footer.DataOffset);
        Assert.Equal(10UL << 20, footer.CurrentSize);
        Assert.Equal(bytes.AsSpan(0, 512).ToArray(), bytes.AsSpan(bytes.Length - 512).ToArray());
        var header = VhdDynamicHeader.Parse(bytes.AsSpan(512, 1024));
        Assert.True(header.ChecksumValid);
        Assert.Equal(1536UL, header.TableOffset);
        Assert.Equal(5u, header.MaxTableEntries);
        Assert.Equal(ulong.MaxValue, header.DataOffset);
        Assert.All(bytes.AsSpan(1536, 20).ToArray(), b => Assert.Equal(0xFF, b));
    }

    [Fact]
    public void Probing_finds_dynamic_fixed_and_legacy_fixed_disks_and_only_them()
    {
        Assert.True(Format.Probe(NewDynamic(4L << 20)));
        Assert.True(Format.Probe(NewFixed(4L << 20)));
        var legacy = NewFixed(1L << 20).ToArray().AsSpan(0, (1 << 20) + 511).ToArray();
        Assert.True(Format.Probe(new MemoryBlockStorage(legacy)));
        Assert.False(Format.Probe(new MemoryBlockStorage(new byte[4096])));
        Assert.False(Format.Probe(new MemoryBlockStorage(new byte[10])));
        Assert.False(Format.Probe(new MemoryBlockStorage()));
        Assert.Equal(DiskFormat.Vhd, DiskFormats.Probe(NewFixed(4L << 20)).Format);
    }
}
