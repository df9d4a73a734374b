using ImageOps.Tests.Disks;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhd;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhd.VhdTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vhd;

/// <summary>HOSTILE.md for VHD: every bad image is a valid one patched in test code.</summary>
public class VhdHostileTests
{
    private const long Capacity = 8L << 20;
    private const int BlockSize = 512 << 10;
    private const long HeaderAt = 512;
    private const long TableAt = 1536;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(511)]
    [InlineData(512)]
    [InlineData(1000)]
    public void Tiny_files_declared_as_VHD_are_refused_with_a_typed_error(int length)
    {
        var bytes = Valid().AsSpan(0, Math.Min(length, Valid().Length)).ToArray();
        var ex = Hostile.Refused(() => OpenAndRead(bytes));
        Assert.Contains(ex.ErrorId, new[] { "ImageTruncated", "ImageCorrupt" });
    }

    [Fact]
    public void Every_truncation_of_a_dynamic_disk_ends_in_success_or_a_typed_error()
    {
        var valid = Valid();
        var cuts = Enumerable.Range(0, 24).Select(i => i * 512).Concat(Enumerable.Range(0, (valid.Length / 65536) + 1).Select(i => i * 65536)).Concat(new[] { valid.Length - 512, valid.Length - 1 }).Distinct();
        foreach (var cut in cuts.Where(c => c <= valid.Length))
        {
            var bytes = valid.AsSpan(0, cut).ToArray();
            Hostile.Survives(() => OpenAndRead(bytes));
            Hostile.Survives(() => Format.Check(new MemoryBlockStorage(bytes), new DiskCheckOptions()));
        }

        // Cut right after the last block: no end footer, but the copy at 0 is enough (as in qemu).
        var withoutFooter = valid.AsSpan(0, valid.Length - 512).ToArray();
        Assert.Null(Hostile.Survives(() => OpenAndRead(withoutFooter)));
        Assert.Equal("ImageTruncated", Hostile.Refused(() => OpenAndRead(valid.AsSpan(0, valid.Length - 4096).ToArray())).ErrorId);
    }

    [Fact]
    public void A_flipped_byte_in_one_footer_falls_back_to_the_other_and_in_both_is_refused()
    {
        var valid = Valid();
        for (var i = 0; i < VhdFooter.Size; i++)
        {
            var one = (byte[])valid.Clone();
            one[i] ^= 0x40;
            Assert.Null(Hostile.Survives(() => OpenAndRead(one)));

            var both = (byte[])valid.Clone();
            both[i] ^= 0x40;
            both[valid.Length - 512 + i] ^= 0x40;
            var ex = Hostile.Refused(() => OpenAndRead(both));
            Assert.Contains(ex.ErrorId, new[] { "ImageChecksumMismatch", "ImageCorrupt" });
        }
    }

    [Fact]
    public void A_flipped_byte_in_the_dynamic_disk_header_is_refused()
    {
        var valid = Valid();
        for (var i = 0; i < VhdDynamicHeader.Size; i++)
        {
            var bytes = (byte[])valid.Clone();
            bytes[HeaderAt + i] ^= 0x01;
            var ex = Hostile.Refused(() => OpenAndRead(bytes));
            Assert.IsAssignableFrom<ImageOpsException>(ex);
        }
    }

    [Fact]
    public void A_flipped_byte_in_a_fixed_disks_footer_is_refused()
    {
        var valid = NewFixed(1L << 20).ToArray();
        foreach (var i in new[] { 0, 9, 30, 50, 57, 61, 64, 70, 84, 200, 511 })
        {
            var bytes = (byte[])valid.Clone();
            bytes[valid.Length - 512 + i] ^= 0x10;
            Hostile.Refused(() => OpenAndRead(bytes));
        }
    }

    [Theory]
    [InlineData(0x80000000u)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0x40000001u)]
    [InlineData(0x20000000u)]
    [InlineData(1_000_000u)]
    [InlineData(0u)]
    [InlineData(15u)]
    public void Absurd_table_entry_counts_are_refused_without_allocating_them(uint entries)
    {
        var bytes = Valid();
        WriteBe32(bytes, HeaderAt + VhdDynamicHeader.MaxTableEntriesOffset, entries);
        FixHeaderChecksum(bytes, HeaderAt);
        var ex = Hostile.Refused(() => OpenAndRead(bytes), maxAllocatedBytes: 8L << 20);
        Assert.IsType<CorruptImageException>(ex);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(511u)]
    [InlineData(3u << 20)]
    [InlineData(0x80000000u)]
    [InlineData(0xFFFFFFFFu)]
    public void Block_sizes_that_are_zero_or_not_powers_of_two_or_absurd_are_refused(uint blockSize)
    {
        var bytes = Valid();
        WriteBe32(bytes, HeaderAt + VhdDynamicHeader.BlockSizeOffset, blockSize);
        FixHeaderChecksum(bytes, HeaderAt);
        Assert.IsType<CorruptImageException>(Hostile.Refused(() => OpenAndRead(bytes)));
    }

    [Fact]
    public void A_petabyte_virtual_size_is_refused_and_2040_GiB_with_nothing_stored_is_read()
    {
        var bytes = Valid();
        PatchFooters(bytes, (b, at) => WriteBe64(b, at + VhdFooter.CurrentSizeOffset, 1UL << 50));
        Assert.Equal("VhdSizeTooLarge", Hostile.Refused(() => OpenAndRead(bytes)).ErrorId);

        using var max = Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = VhdVirtualSize.MaxCapacity });
        var storage = (MemoryBlockStorage)max.Storage;
        Assert.True(storage.Length < 5 << 20);
        Hostile.Survives(
            () =>
            {
                using var disk = Open(Copy(storage));
                var buffer = new byte[4096];
                disk.Read(disk.Capacity - 4096, buffer);
                Assert.Single(disk.GetAllocation(0, disk.Capacity));
            },
            maxAllocatedBytes: 16L << 20);
    }

    [Fact]
    public void A_table_too_small_for_the_virtual_size_is_refused()
    {
        var bytes = Valid();
        PatchFooters(bytes, (b, at) => WriteBe64(b, at + VhdFooter.CurrentSizeOffset, (ulong)Capacity * 2));
        Assert.Contains("cover less than", Hostile.Refused(() => OpenAndRead(bytes)).Message);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(100UL)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    [InlineData(ulong.MaxValue - 511)]
    public void A_header_offset_inside_the_footer_copy_or_past_the_end_is_refused(ulong offset)
    {
        var bytes = Valid();
        PatchFooters(bytes, (b, at) => WriteBe64(b, at + VhdFooter.DataOffsetOffset, offset));
        Assert.IsType<CorruptImageException>(Hostile.Refused(() => OpenAndRead(bytes)));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(512UL)]
    [InlineData(1024UL)]
    [InlineData(1UL << 40)]
    [InlineData(ulong.MaxValue)]
    [InlineData(ulong.MaxValue - 3)]
    public void A_table_offset_over_the_headers_or_past_the_end_is_refused(ulong offset)
    {
        var bytes = Valid();
        WriteBe64(bytes, HeaderAt + VhdDynamicHeader.TableOffsetOffset, offset);
        FixHeaderChecksum(bytes, HeaderAt);
        Assert.IsType<CorruptImageException>(Hostile.Refused(() => OpenAndRead(bytes)));
    }

    [Theory]
    [InlineData(0xFFFFFFFEu)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(100_000u)]
    public void A_block_past_the_end_of_the_file_is_refused_as_truncated(uint entry)
    {
        var bytes = Valid();
        WriteBe32(bytes, TableAt + 4, entry);
        Assert.Equal("ImageTruncated", Hostile.Refused(() => OpenAndRead(bytes)).ErrorId);
    }

    [Fact]
    public void A_block_over_the_metadata_or_another_block_is_read_as_qemu_reads_it_but_never_written()
    {
        var bytes = Valid();
        var first = ReadBe32(bytes, TableAt);
        WriteBe32(bytes, TableAt + 8, 1);
        Assert.Null(Hostile.Survives(() => OpenAndRead(bytes)));
        var ex = Hostile.Refused(() => Open(new MemoryBlockStorage(bytes), writable: true).Dispose());
        Assert.Contains("overlaps", ex.Message);

        var shared = Valid();
        WriteBe32(shared, TableAt + 12, first + 8);
        Assert.Contains("overlaps block", Hostile.Refused(() => Open(new MemoryBlockStorage(shared), writable: true).Dispose()).Message);
    }

    [Fact]
    public void Unknown_feature_bits_and_reserved_bytes_are_ignored_and_survive_a_write()
    {
        var bytes = Valid();
        PatchFooters(bytes, (b, at) =>
        {
            WriteBe32(b, at + VhdFooter.FeaturesOffset, 0x80000002);
            b[at + 300] = 0x77;
        });
        var storage = new MemoryBlockStorage(bytes);
        using (var disk = Open(storage, writable: true))
        {
            disk.Write(6L << 20, Pattern(4096, 1));
        }

        var after = storage.ToArray();
        foreach (var at in new[] { 0, after.Length - 512 })
        {
            Assert.Equal(0x80000002u, ReadBe32(after, at + VhdFooter.FeaturesOffset));
            Assert.Equal(0x77, after[at + 300]);
        }
    }

    [Fact]
    public void Unknown_versions_and_disk_types_are_refused_by_name_and_a_saved_state_is_not_written()
    {
        var version = Valid();
        PatchFooters(version, (b, at) => WriteBe32(b, at + VhdFooter.FileFormatVersionOffset, 0x00020000));
        Assert.Equal("VhdVersionNotSupported", Hostile.Refused(() => OpenAndRead(version)).ErrorId);

        var type = Valid();
        PatchFooters(type, (b, at) => WriteBe32(b, at + VhdFooter.DiskTypeOffset, 5));
        Assert.Equal("VhdDiskTypeNotSupported", Hostile.Refused(() => OpenAndRead(type)).ErrorId);

        var saved = Valid();
        PatchFooters(saved, (b, at) => b[at + VhdFooter.SavedStateOffset] = 1);
        Assert.Null(Hostile.Survives(() => OpenAndRead(saved)));
        Assert.Equal("VhdInSavedState", Hostile.Refused(() => Open(new MemoryBlockStorage(saved), writable: true).Dispose()).ErrorId);
    }

    [Fact]
    public void A_fixed_disk_whose_first_sector_looks_like_a_dynamic_footer_is_still_fixed()
    {
        var fixedDisk = NewFixed(4L << 20).ToArray();
        Valid().AsSpan(0, 512).CopyTo(fixedDisk);
        using var disk = Open(new MemoryBlockStorage(fixedDisk));
        Assert.Equal(DiskVariant.Fixed, disk.Variant);
        Assert.Equal(4L << 20, disk.Capacity);
    }

    [Fact]
    public void A_legacy_511_byte_footer_is_read_and_becomes_a_512_byte_one_when_written()
    {
        var full = NewFixed(1L << 20).ToArray();
        var legacy = full.AsSpan(0, full.Length - 1).ToArray();
        var storage = new MemoryBlockStorage(legacy);
        using (var disk = Open(storage, writable: true))
        {
            Assert.Equal(1L << 20, disk.Capacity);
            disk.Write(0, Pattern(512, 2));
        }

        Assert.Equal(full.Length, storage.Length);
        using var reopened = Open(storage);
        var buffer = new byte[512];
        reopened.Read(0, buffer);
        Assert.Equal(Pattern(512, 2), buffer);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("\\\\server\\share\\base.vhd")]
    [InlineData("..\\..\\..\\outside.vhd")]
    [InlineData("http://example.com/base.vhd")]
    [InlineData("json:{\"file.filename\":\"/etc/shadow\"}")]
    [InlineData("CON")]
    [InlineData("C:\\Windows\\System32\\config\\SAM:stream")]
    public void Hostile_parent_locators_never_open_a_host_file(string reference)
    {
        using var dir = new TempFolder("vhd");
        var childPath = MakeChildFile(dir);
        PatchLocator(childPath, reference);
        var ex = Hostile.Refused(() => DiskFormats.Open(childPath).Dispose());
        Assert.Contains(ex.ErrorId, new[] { "ParentReferenceRefused", "ParentNotFound" });
    }

    [Fact]
    public void A_child_naming_itself_is_a_cycle()
    {
        using var dir = new TempFolder("vhd");
        var childPath = MakeChildFile(dir);
        PatchLocator(childPath, ".\\child.vhd");
        Assert.Equal("ChainCycle", Hostile.Refused(() => DiskFormats.Open(childPath).Dispose()).ErrorId);
    }

    [Fact]
    public void Locators_past_the_end_or_of_absurd_length_leave_no_usable_parent()
    {
        var parentStorage = NewDynamic(Capacity, BlockSize, "/memory/base.vhd");
        var child = new MemoryBlockStorage("/memory/child.vhd");
        using (var parent = Open(parentStorage))
        {
            Format.Create(child, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent }).Dispose();
        }

        var bytes = child.ToArray();
        var header = VhdDynamicHeader.Parse(bytes.AsSpan(512, 1024));
        header.SetLocator(0, new VhdParentLocator(VhdParentLocator.W2ru, 1, 0xFFFFFFFF, 4096));
        header.SetLocator(1, new VhdParentLocator(VhdParentLocator.W2ku, 1, 100, ulong.MaxValue - 10));
        header.SetLocator(2, new VhdParentLocator(VhdParentLocator.Mac, 1, 100, 4096));
        header.ParentUnicodeName = string.Empty;
        header.ToBytes().CopyTo(bytes, 512);
        var ex = Hostile.Refused(() => Open(new MemoryBlockStorage(bytes, "/memory/child.vhd"), parents: new InMemoryParents()).Dispose());
        Assert.Equal("VhdParentLocatorMissing", ex.ErrorId);
        Assert.Contains(Format.Check(new MemoryBlockStorage(bytes), new DiskCheckOptions()).Problems, p => p.Structure == "parent locator");
    }

    [Fact]
    public void A_chain_deeper_than_the_limit_is_refused()
    {
        var parents = new InMemoryParents();
        var previous = NewDynamic(1 << 20, name: "/memory/layer0.vhd");
        parents.Add("layer0.vhd", previous);
        for (var i = 1; i <= DiskOpenContext.MaxChainDepth + 1; i++)
        {
            var layer = new MemoryBlockStorage($"/memory/layer{i}.vhd");
            using (var parent = Open(previous, parents: parents, skipParents: true))
            {
                Format.Create(layer, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ParentReference = $"layer{i - 1}.vhd" }).Dispose();
            }

            parents.Add($"layer{i}.vhd", layer);
            previous = layer;
        }

        Assert.Equal("ChainTooDeep", Hostile.Refused(() => Open(previous, parents: parents).Dispose()).ErrorId);
    }

    [Fact]
    public void Random_corruption_of_metadata_never_escapes_as_an_untyped_error()
    {
        var valid = Valid();
        var random = new Random(1234);
        for (var round = 0; round < 300; round++)
        {
            var bytes = (byte[])valid.Clone();
            for (var k = 0; k < 4; k++)
            {
                var at = random.Next(0, 4096);
                bytes[at] = (byte)random.Next(256);
            }

            if (random.Next(2) == 0)
            {
                FixHeaderChecksum(bytes, HeaderAt);
                FixFooterChecksum(bytes, 0);
            }

            Hostile.Survives(() => OpenAndRead(bytes));
            Hostile.Survives(() => Format.Check(new MemoryBlockStorage(bytes), new DiskCheckOptions { Repair = true }));
        }
    }

    /// <summary>A dynamic disk with 512 KiB blocks and three stored blocks.</summary>
    private static byte[] Valid()
    {
        var storage = NewDynamic(Capacity, BlockSize);
        using (var disk = Open(storage, writable: true))
        {
            disk.Write(0, Pattern(4096, 1));
            disk.Write(3L << 20, Pattern(BlockSize, 2));
            disk.Write(Capacity - 512, Pattern(512, 3));
        }

        return storage.ToArray();
    }

    private static void OpenAndRead(byte[] bytes)
    {
        using var disk = Open(new MemoryBlockStorage(bytes, "/memory/hostile.vhd"), parents: new InMemoryParents());
        var buffer = new byte[1 << 20];
        for (long offset = 0; offset < disk.Capacity; offset += buffer.Length)
        {
            disk.Read(offset, buffer.AsSpan(0, (int)Math.Min(buffer.Length, disk.Capacity - offset)));
        }

        foreach (var range in disk.GetAllocation(0, disk.Capacity))
        {
            Assert.True(range.Length > 0);
        }
    }

    private static string MakeChildFile(TempFolder dir)
    {
        using (var disk = Format.Create(FileBlockStorage.Create(dir.Combine("base.vhd")), new DiskCreateOptions { Capacity = 1 << 20 }))
        {
        }

        using var parent = DiskFormats.Open(dir.Combine("base.vhd"));
        using var child = Format.Create(FileBlockStorage.Create(dir.Combine("child.vhd")), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent });
        return dir.Combine("child.vhd");
    }

    /// <summary>Leaves one W2ru locator naming <paramref name="reference"/> (room for it appended at the end).</summary>
    private static void PatchLocator(string childPath, string reference)
    {
        var bytes = File.ReadAllBytes(childPath).ToList();
        var footer = bytes.Skip(bytes.Count - 512).ToArray();
        var data = Encoding.Unicode.GetBytes(reference);
        var at = bytes.Count - 512;
        var padded = new byte[(data.Length + 511) / 512 * 512];
        data.CopyTo(padded, 0);
        bytes.RemoveRange(at, 512);
        bytes.AddRange(padded);
        bytes.AddRange(footer);
        var image = bytes.ToArray();
        var header = VhdDynamicHeader.Parse(image.AsSpan(512, 1024));
        header.SetLocator(0, new VhdParentLocator(VhdParentLocator.W2ru, (uint)padded.Length, (uint)data.Length, (ulong)at));
        header.SetLocator(1, default);
        header.ParentUnicodeName = string.Empty;
        header.ToBytes().CopyTo(image, 512);
        File.WriteAllBytes(childPath, image);
    }
}
