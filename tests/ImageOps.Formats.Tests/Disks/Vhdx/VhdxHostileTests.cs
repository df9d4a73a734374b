using ImageOps.Tests.Disks;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhdx.VhdxTestImages;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>
/// HOSTILE.md for VHDX: every input class, built by patching a valid image. Each ends in success or a
/// typed ImageOpsException, within bounded time and allocation, without touching the input.
/// </summary>
public class VhdxHostileTests
{
    private static readonly Lazy<byte[]> ValidImage = new(() =>
    {
        var (storage, disk) = CreateInMemory(8L << 20);
        disk.Write(0, Pattern(1 << 20, 1));
        disk.Write(2L << 20, Pattern(4096, 2));
        disk.Dispose();
        return storage.ToArray();
    });

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(8L)]
    [InlineData(511L)]
    [InlineData(4096L)]
    [InlineData(65536L)]
    [InlineData(65536L + 100)]
    [InlineData(131072L + 10)]
    [InlineData(196608L + 10)]
    [InlineData(262144L + 10)]
    [InlineData(327680L)]
    [InlineData(1L << 20)]
    [InlineData((3L << 19))]
    [InlineData((5L << 19))]
    [InlineData((7L << 19))]
    [InlineData((9L << 19))]
    public void Truncation_anywhere_is_refused(long length)
    {
        var storage = new MemoryBlockStorage(ValidImage.Value, "/memory/cut.vhdx");
        storage.SetLength(length);
        var ex = Hostile.Refused(() => Exercise(storage));
        Assert.IsAssignableFrom<ImageOpsException>(ex);

        // Probing never throws; a file too short to carry the signature is raw.
        Hostile.Survives(() => DiskFormats.Open(storage.AsReadOnly()).Dispose());
    }

    [Fact]
    public void One_damaged_header_or_region_table_copy_is_survived_and_both_are_refused()
    {
        var one = Flip(VhdxConstants.Header1Offset + 100);
        Assert.Null(Hostile.Survives(() => Exercise(one)));
        var other = Flip(VhdxConstants.Header2Offset + 8);
        Assert.Null(Hostile.Survives(() => Exercise(other)));
        Assert.Equal("VhdxNoValidHeader", Hostile.Refused(() => Exercise(Flip(VhdxConstants.Header1Offset + 100, VhdxConstants.Header2Offset + 4000))).ErrorId);

        var table = Flip(VhdxConstants.RegionTable1Offset + 40);
        Assert.Null(Hostile.Survives(() => Exercise(table)));
        var report = Format.Check(table, new DiskCheckOptions());
        Assert.Equal(DiskCheckStatus.Corrupt, report.Status);
        var repaired = Format.Check(table, new DiskCheckOptions { Repair = true });
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(table, new DiskCheckOptions()).Status);
        Assert.All(repaired.Problems, p => Assert.True(p.Repaired));
        Assert.Equal("VhdxRegionTableCorrupt", Hostile.Refused(() => Exercise(Flip(VhdxConstants.RegionTable1Offset + 40, VhdxConstants.RegionTable2Offset + 65535))).ErrorId);
    }

    [Fact]
    public void Headers_with_equal_sequence_numbers_but_different_content_are_refused()
    {
        var storage = Valid();
        var header = VhdxFile.ReadHeaders(storage, "x").Current;
        var bytes = new byte[VhdxHeader.Size];
        header.WriteTo(bytes);
        storage.WriteAt(VhdxConstants.Header1Offset, bytes);
        var other = header.Clone();
        other.DataWriteGuid = Guid.NewGuid();
        other.WriteTo(bytes);
        storage.WriteAt(VhdxConstants.Header2Offset, bytes);
        Assert.Equal("VhdxHeadersConflict", Hostile.Refused(() => Exercise(storage)).ErrorId);
    }

    [Theory]
    [InlineData(2048u)]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0u)]
    public void Region_table_entry_counts_out_of_range_are_refused(uint count)
    {
        var storage = Valid();
        new VhdxPatcher(storage).RegionTable(e => e, count);
        Assert.Equal("VhdxRegionTableCorrupt", Hostile.Refused(() => Exercise(storage)).ErrorId);
    }

    public static IEnumerable<object[]> BadRegions()
    {
        yield return new object[] { "BAT past EOF", (Func<VhdxRegionEntry, VhdxRegionEntry>)(e => e.Guid == VhdxGuids.BatRegion ? new(e.Guid, 1L << 40, e.Length, e.Required) : e) };
        yield return new object[] { "metadata past EOF", (Func<VhdxRegionEntry, VhdxRegionEntry>)(e => e.Guid == VhdxGuids.MetadataRegion ? new(e.Guid, 1L << 40, e.Length, e.Required) : e) };
        yield return new object[] { "negative offset", (Func<VhdxRegionEntry, VhdxRegionEntry>)(e => e.Guid == VhdxGuids.BatRegion ? new(e.Guid, long.MinValue, e.Length, e.Required) : e) };
        yield return new object[] { "unaligned", (Func<VhdxRegionEntry, VhdxRegionEntry>)(e => e.Guid == VhdxGuids.BatRegion ? new(e.Guid, e.FileOffset + 4096, e.Length, e.Required) : e) };
        yield return new object[] { "in the header section", (Func<VhdxRegionEntry, VhdxRegionEntry>)(e => e.Guid == VhdxGuids.BatRegion ? new(e.Guid, 0, e.Length, e.Required) : e) };
        yield return new object[] { "over the log", (Func<VhdxRegionEntry, VhdxRegionEntry>)(e => e.Guid == VhdxGuids.BatRegion ? new(e.Guid, 1L << 20, e.Length, e.Required) : e) };
        yield return new object[] { "overlapping", (Func<VhdxRegionEntry, VhdxRegionEntry>)(e => e.Guid == VhdxGuids.BatRegion ? new(e.Guid, 2L << 20, e.Length, e.Required) : e) };
        yield return new object[] { "empty", (Func<VhdxRegionEntry, VhdxRegionEntry>)(e => e.Guid == VhdxGuids.BatRegion ? new(e.Guid, e.FileOffset, 0, e.Required) : e) };
        yield return new object[] { "huge, overflowing", (Func<VhdxRegionEntry, VhdxRegionEntry>)(e => e.Guid == VhdxGuids.BatRegion ? new(e.Guid, long.MaxValue - (long.MaxValue % (1L << 20)), uint.MaxValue, e.Required) : e) };
        yield return new object[] { "duplicated", null! };
    }

    [Theory]
    [MemberData(nameof(BadRegions))]
    public void Regions_past_the_end_unaligned_overlapping_or_duplicated_are_refused(string what, object? patch)
    {
        var change = (Func<VhdxRegionEntry, VhdxRegionEntry>?)patch;
        var storage = Valid();
        new VhdxPatcher(storage).RegionTable(entries => change is null ? entries.Concat(entries.Where(e => e.Guid == VhdxGuids.BatRegion).Select(e => new VhdxRegionEntry(e.Guid, 64L << 20, e.Length, true))).ToList() : entries.Select(change).ToList());
        var ex = Hostile.Refused(() => Exercise(storage));
        Assert.True(ex.ErrorId is "VhdxRegionTableCorrupt" or "ImageTruncated" or "VhdxBatCorrupt", $"{what}: {ex.ErrorId} {ex.Message}");
    }

    [Fact]
    public void Unknown_required_regions_and_metadata_items_are_refused_and_optional_ones_kept()
    {
        var region = Valid();
        new VhdxPatcher(region).RegionTable(e => e.Append(new VhdxRegionEntry(Guid.NewGuid(), 16L << 20, 1 << 20, true)).ToList());
        var ex = Assert.IsType<UnsupportedFeatureException>(Hostile.Refused(() => Exercise(region)));
        Assert.Equal("VhdxRequiredRegionNotSupported", ex.ErrorId);

        // An optional region is ignored but its space is never handed out to new blocks.
        var optional = Valid();
        var optionalOffset = 7L << 20;
        optional.SetLength(optionalOffset + (1 << 20));
        new VhdxPatcher(optional).RegionTable(e => e.Append(new VhdxRegionEntry(Guid.NewGuid(), optionalOffset, 1 << 20, false)).ToList());
        Assert.Null(Hostile.Survives(() => Exercise(optional)));
        using (var disk = Open(optional, writable: true))
        {
            disk.Write(5L << 20, Pattern(1 << 20, 3));
        }

        using (var disk = (VhdxDisk)Open(optional))
        {
            var block = VhdxBatEntry.FileOffset(disk.File.Bat[disk.File.Geometry.PayloadEntryIndex(5)]);
            Assert.True(block >= optionalOffset + (1 << 20), $"block at {block}");
            Assert.Single(disk.File.OtherRegions);
        }

        var item = Valid();
        new VhdxPatcher(item).MetadataTable(e => e.Append(new VhdxMetadataEntry(Guid.NewGuid(), 0x20000, 8, VhdxMetadataEntry.IsRequiredFlag)).ToList());
        Assert.Equal("VhdxRequiredMetadataNotSupported", Hostile.Refused(() => Exercise(item)).ErrorId);
        var userItem = Valid();
        new VhdxPatcher(userItem).MetadataTable(e => e.Append(new VhdxMetadataEntry(Guid.NewGuid(), 0x20000, 8, VhdxMetadataEntry.IsRequiredFlag | VhdxMetadataEntry.IsUserFlag)).ToList());
        Assert.Equal("VhdxRequiredMetadataNotSupported", Hostile.Refused(() => Exercise(userItem)).ErrorId);
        var optionalItem = Valid();
        new VhdxPatcher(optionalItem).MetadataTable(e => e.Append(new VhdxMetadataEntry(Guid.NewGuid(), 0x20000, 8, 0)).ToList());
        Assert.Null(Hostile.Survives(() => Exercise(optionalItem)));
    }

    [Fact]
    public void Header_and_log_versions_this_reader_does_not_know_are_refused()
    {
        var version = Valid();
        new VhdxPatcher(version).Headers(h => h.Version = 2);
        Assert.Equal("VhdxVersionNotSupported", Hostile.Refused(() => Exercise(version)).ErrorId);
    }

    public static IEnumerable<object[]> BadMetadata()
    {
        yield return new object[] { "block size 0", (Action<VhdxPatcher>)(p => p.MetadataUInt32(VhdxGuids.FileParameters, 0)) };
        yield return new object[] { "block size 3 MiB", (Action<VhdxPatcher>)(p => p.MetadataUInt32(VhdxGuids.FileParameters, 3 << 20)) };
        yield return new object[] { "block size 512 MiB", (Action<VhdxPatcher>)(p => p.MetadataUInt32(VhdxGuids.FileParameters, 512u << 20)) };
        yield return new object[] { "block size 2^31", (Action<VhdxPatcher>)(p => p.MetadataUInt32(VhdxGuids.FileParameters, 1u << 31)) };
        yield return new object[] { "logical sector 0", (Action<VhdxPatcher>)(p => p.MetadataUInt32(VhdxGuids.LogicalSectorSize, 0)) };
        yield return new object[] { "logical sector 1000", (Action<VhdxPatcher>)(p => p.MetadataUInt32(VhdxGuids.LogicalSectorSize, 1000)) };
        yield return new object[] { "physical sector 8192", (Action<VhdxPatcher>)(p => p.MetadataUInt32(VhdxGuids.PhysicalSectorSize, 8192)) };
        yield return new object[] { "petabyte disk", (Action<VhdxPatcher>)(p => p.MetadataUInt64(VhdxGuids.VirtualDiskSize, 1UL << 50)) };
        yield return new object[] { "size 2^64-512", (Action<VhdxPatcher>)(p => p.MetadataUInt64(VhdxGuids.VirtualDiskSize, ulong.MaxValue - 511)) };
        yield return new object[] { "size 64 TiB + 512", (Action<VhdxPatcher>)(p => p.MetadataUInt64(VhdxGuids.VirtualDiskSize, (64UL << 40) + 512)) };
        yield return new object[] { "size not a sector multiple", (Action<VhdxPatcher>)(p => p.MetadataUInt64(VhdxGuids.VirtualDiskSize, 1000)) };
        yield return new object[] { "64 TiB in a 1 MiB BAT", (Action<VhdxPatcher>)(p => p.MetadataUInt64(VhdxGuids.VirtualDiskSize, 64UL << 40)) };
        yield return new object[] { "2047 entries", (Action<VhdxPatcher>)(p => p.MetadataTable(e => e, count: 2048)) };
        yield return new object[] { "65535 entries", (Action<VhdxPatcher>)(p => p.MetadataTable(e => e, count: 65535)) };
        yield return new object[] { "no entries", (Action<VhdxPatcher>)(p => p.MetadataTable(e => new List<VhdxMetadataEntry>())) };
        yield return new object[] { "item past the region", (Action<VhdxPatcher>)(p => p.MetadataTable(e => e.Select(x => x.ItemId == VhdxGuids.VirtualDiskSize ? new VhdxMetadataEntry(x.ItemId, 0xFFFFFFF0, 8, x.Flags) : x).ToList())) };
        yield return new object[] { "item inside the table", (Action<VhdxPatcher>)(p => p.MetadataTable(e => e.Select(x => x.ItemId == VhdxGuids.VirtualDiskSize ? new VhdxMetadataEntry(x.ItemId, 32, 8, x.Flags) : x).ToList())) };
        yield return new object[] { "item of 2 MiB", (Action<VhdxPatcher>)(p => p.MetadataTable(e => e.Select(x => x.ItemId == VhdxGuids.VirtualDiskSize ? new VhdxMetadataEntry(x.ItemId, x.Offset, 2u << 20, x.Flags) : x).ToList())) };
        yield return new object[] { "item too short", (Action<VhdxPatcher>)(p => p.MetadataTable(e => e.Select(x => x.ItemId == VhdxGuids.VirtualDiskSize ? new VhdxMetadataEntry(x.ItemId, x.Offset, 4, x.Flags) : x).ToList())) };
        yield return new object[] { "items overlapping", (Action<VhdxPatcher>)(p => p.MetadataTable(e => e.Select(x => x.ItemId == VhdxGuids.VirtualDiskSize ? new VhdxMetadataEntry(x.ItemId, 0x10000, 8, x.Flags) : x).ToList())) };
        yield return new object[] { "item listed twice", (Action<VhdxPatcher>)(p => p.MetadataTable(e => e.Append(e[0]).ToList())) };
        yield return new object[] { "parent flag without a locator", (Action<VhdxPatcher>)(p => p.MetadataItem(VhdxGuids.FileParameters, new byte[] { 0, 0, 0x10, 0, 2, 0, 0, 0 })) };
    }

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public void Metadata_out_of_range_is_refused(string what, object change)
    {
        var patch = (Action<VhdxPatcher>)change;
        var storage = Valid();
        patch(new VhdxPatcher(storage));
        var ex = Hostile.Refused(() => Exercise(storage));
        Assert.True(ex.ErrorId is "VhdxMetadataCorrupt" or "VhdxBatCorrupt", $"{what}: {ex.ErrorId} {ex.Message}");
    }

    [Fact]
    public void An_empty_disk_of_size_zero_opens()
    {
        var storage = Valid();
        new VhdxPatcher(storage).MetadataUInt64(VhdxGuids.VirtualDiskSize, 0);
        Assert.Null(Hostile.Survives(() => Exercise(storage)));
    }

    public static IEnumerable<object[]> BadBatEntries()
    {
        yield return new object[] { "past EOF", 1L, VhdxBatEntry.Make(6, 1L << 40) };
        yield return new object[] { "in the header section", 1L, VhdxBatEntry.Make(6, 0) };
        yield return new object[] { "over the log", 1L, VhdxBatEntry.Make(6, 1L << 20) };
        yield return new object[] { "over the BAT", 1L, VhdxBatEntry.Make(6, 3L << 20) };
        yield return new object[] { "the same block twice", 1L, 0UL };
        yield return new object[] { "state 4", 1L, 4UL };
        yield return new object[] { "partially present without a parent", 1L, VhdxBatEntry.Make(7, 4L << 20) };
        yield return new object[] { "largest offset", 1L, ulong.MaxValue - 1 };
    }

    [Theory]
    [MemberData(nameof(BadBatEntries))]
    public void Bat_entries_out_of_range_overlapping_or_unknown_are_refused_and_reported(string what, long index, ulong value)
    {
        var storage = Valid();
        var patcher = new VhdxPatcher(storage);
        patcher.Bat(index, value == 0 ? patcher.File.Bat[0] : value);
        var ex = Hostile.Refused(() => Exercise(storage));
        Assert.True(ex.ErrorId == "VhdxBatCorrupt", $"{what}: {ex.ErrorId} {ex.Message}");
        var report = Format.Check(storage.AsReadOnly(), new DiskCheckOptions());
        Assert.Equal(DiskCheckStatus.Corrupt, report.Status);
        Assert.Contains(report.Problems, p => p.Structure == "block allocation table");
    }

    [SkippableFact]
    public void Qemu_agrees_that_a_block_past_the_end_of_the_file_is_a_corruption()
    {
        using var dir = new TempFolder();
        var storage = Valid();
        var patcher = new VhdxPatcher(storage);
        patcher.Bat(5, VhdxBatEntry.Make(6, 64L << 20));
        var path = Save(storage, dir.Combine("bad.vhdx"));
        Assert.Equal(2, QemuImg.Check(path, "vhdx").ExitCode);
        using var file = FileBlockStorage.Open(path, writable: false);
        Assert.Equal(DiskCheckStatus.Corrupt, Format.Check(file, new DiskCheckOptions()).Status);
    }

    public static IEnumerable<object[]> BadLogs()
    {
        yield return new object[] { "log length not a MiB multiple", (Action<VhdxHeader>)(h => h.LogLength = 4096) };
        yield return new object[] { "log at offset 0", (Action<VhdxHeader>)(h => h.LogOffset = 0) };
        yield return new object[] { "log unaligned", (Action<VhdxHeader>)(h => h.LogOffset += 4096) };
        yield return new object[] { "pending log past EOF", (Action<VhdxHeader>)(h => { h.LogOffset = 1UL << 40; h.LogGuid = Guid.NewGuid(); }) };
        yield return new object[] { "pending log of length 0", (Action<VhdxHeader>)(h => { h.LogLength = 0; h.LogGuid = Guid.NewGuid(); }) };
        yield return new object[] { "log far beyond any file", (Action<VhdxHeader>)(h => h.LogOffset = ulong.MaxValue - ((1UL << 20) - 1)) };
    }

    [Theory]
    [MemberData(nameof(BadLogs))]
    public void Log_locations_out_of_range_are_refused(string what, object change)
    {
        var storage = Valid();
        new VhdxPatcher(storage).Headers((Action<VhdxHeader>)change);
        var ex = Hostile.Refused(() => Exercise(storage));
        Assert.True(ex.ErrorId is "VhdxHeaderCorrupt" or "ImageTruncated", $"{what}: {ex.ErrorId} {ex.Message}");
    }

    [Fact]
    public void Log_entries_with_absurd_counts_and_lengths_are_not_replayed()
    {
        foreach (var (descriptors, length) in new[] { (uint.MaxValue, 4096u), (2u, uint.MaxValue - 4095), (1000u, 4096u), (0u, 0u) })
        {
            var storage = Valid();
            var log = VhdxLogTests.Log(storage);
            var entry = new byte[4096];
            new VhdxLogEntryHeader { EntryLength = length, SequenceNumber = 1, DescriptorCount = descriptors, LogGuid = log.Header.LogGuid }.WriteTo(entry);
            VhdxPatcher.Checksum(entry, VhdxLogEntryHeader.ChecksumOffset);
            storage.WriteAt(log.LogOffset, entry);
            Assert.Null(Hostile.Survives(() => Exercise(storage)));
        }
    }

    [Fact]
    public void A_raw_file_that_starts_with_the_signature_is_refused_as_vhdx_never_read_as_raw()
    {
        var content = new byte[4 << 20];
        "vhdxfile"u8.CopyTo(content);
        var ex = Hostile.Refused(() => DiskFormats.Open(new MemoryBlockStorage(content, "/memory/fake.img", writable: false)).Dispose());
        Assert.Equal("VhdxNoValidHeader", ex.ErrorId);
        using var raw = DiskFormats.Open(new MemoryBlockStorage(content, "/memory/fake.img", writable: false), new DiskOpenOptions { Format = DiskFormat.Raw });
        Assert.Equal(DiskFormat.Raw, raw.Format);
    }

    [Fact]
    public void Hostile_parent_locators_are_refused()
    {
        var cases = new List<(string What, Action<VhdxPatcher> Patch, string[] Ids)>
        {
            ("unknown locator type", p => p.ParentLocator(new VhdxParentLocator(Guid.NewGuid(), new[] { new KeyValuePair<string, string>("parent_linkage", "{00000000-0000-0000-0000-000000000001}") }).ToBytes()), new[] { "VhdxParentLocatorNotSupported" }),
            ("no parent_linkage", p => p.ParentLocator(("relative_path", @".\base.vhdx")), new[] { "VhdxParentLocatorCorrupt" }),
            ("no path", p => p.ParentLocator(("parent_linkage", "{00000000-0000-0000-0000-000000000001}")), new[] { "VhdxParentLocatorCorrupt" }),
            ("key past the item", p => p.ParentLocator(Forge(l => System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(l.AsSpan(VhdxParentLocator.HeaderSize), 60000))), new[] { "VhdxMetadataCorrupt" }),
            ("odd value length", p => p.ParentLocator(Forge(l => System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(l.AsSpan(VhdxParentLocator.HeaderSize + 10), 3))), new[] { "VhdxMetadataCorrupt" }),
            ("65535 pairs", p => p.ParentLocator(Forge(l => System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(l.AsSpan(VhdxParentLocator.KeyValueCountOffset), 65535))), new[] { "VhdxMetadataCorrupt" }),
            ("duplicate key", p => p.ParentLocator(("parent_linkage", "{00000000-0000-0000-0000-000000000001}"), ("relative_path", "a.vhdx"), ("relative_path", "b.vhdx")), new[] { "VhdxMetadataCorrupt" }),
        };
        foreach (var (what, patch, ids) in cases)
        {
            var (parents, child) = Child();
            patch(new VhdxPatcher(child));
            var ex = Hostile.Refused(() => VhdxDifferencingTests.OpenChild(child, parents).Dispose());
            Assert.True(ids.Contains(ex.ErrorId), $"{what}: {ex.ErrorId} {ex.Message}");
        }
    }

    [SkippableTheory]
    [InlineData(@"..\..\..\etc\passwd", "ParentReferenceRefused")]
    [InlineData("/etc/passwd", "ParentReferenceRefused")]
    [InlineData(@"\\server\share\base.vhdx", "ParentReferenceRefused")]
    [InlineData("json:{\"file.filename\":\"/etc/passwd\"}", "ParentReferenceRefused")]
    [InlineData("http://example.com/base.vhdx", "ParentReferenceRefused")]
    [InlineData("file:///etc/passwd", "ParentReferenceRefused")]
    [InlineData("CON", "ParentReferenceRefused")]
    [InlineData("base.vhdx:stream", "ParentReferenceRefused")]
    [InlineData(@".\child.vhdx", "ChainCycle")]
    [InlineData("missing.vhdx", "ParentNotFound")]
    public void Parent_references_never_open_files_outside_the_allowed_folder_or_loop(string reference, string errorId)
    {
        using var dir = new TempFolder();
        var childPath = MakeFileChain(dir);
        using (var storage = FileBlockStorage.Open(childPath, writable: true))
        {
            var linkage = new VhdxPatcher(storage).File.Metadata.ParentLocator![VhdxParentLocator.ParentLinkageKey]!;
            new VhdxPatcher(storage).ParentLocator(("parent_linkage", linkage), ("relative_path", reference));
        }

        var before = File.ReadAllBytes(childPath);
        var ex = Hostile.Refused(() => DiskFormats.Open(childPath).Dispose());
        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(before, File.ReadAllBytes(childPath));
    }

    [SkippableFact]
    public void Two_children_naming_each_other_and_chains_deeper_than_the_limit_are_refused()
    {
        using var dir = new TempFolder();
        var a = MakeFileChain(dir);
        var b = dir.Combine("grandchild.vhdx");
        using (var child = DiskFormats.Open(a))
        using (Format.Create(FileBlockStorage.Create(b), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = child }))
        {
        }

        // a names b (with b's identity) and b names a: a cycle.
        string bIdentity;
        using (var opened = DiskFormats.Open(b, new DiskOpenOptions { SkipParents = true }))
        {
            bIdentity = opened.Identity!;
        }

        using (var storage = FileBlockStorage.Open(a, writable: true))
        {
            new VhdxPatcher(storage).ParentLocator(("parent_linkage", bIdentity), ("relative_path", @".\grandchild.vhdx"));
        }

        Assert.Equal("ChainCycle", Hostile.Refused(() => DiskFormats.Open(b).Dispose()).ErrorId);

        // A chain one deeper than DiskOpenContext allows.
        var previous = dir.Combine("deep-0.vhdx");
        using (Format.Create(FileBlockStorage.Create(previous), new DiskCreateOptions { Capacity = 1 << 20 }))
        {
        }

        for (var i = 1; i <= DiskOpenContext.MaxChainDepth; i++)
        {
            var next = dir.Combine($"deep-{i}.vhdx");
            using var parent = DiskFormats.Open(previous, new DiskOpenOptions { SkipParents = true });
            using (Format.Create(FileBlockStorage.Create(next), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ParentReference = Path.GetFileName(previous) }))
            {
            }

            previous = next;
        }

        Assert.Equal("ChainTooDeep", Hostile.Refused(() => DiskFormats.Open(previous).Dispose(), maxAllocatedBytes: 256L << 20).ErrorId);
    }

    /// <summary>Opens read-only (declared VHDX), reads everything, maps it and checks it.</summary>
    private static void Exercise(MemoryBlockStorage storage)
    {
        using (var disk = DiskFormats.Open(storage.AsReadOnly(), new DiskOpenOptions { Format = DiskFormat.Vhdx }))
        {
            var buffer = new byte[1 << 20];
            for (var offset = 0L; offset < disk.Capacity; offset += buffer.Length)
            {
                disk.Read(offset, buffer.AsSpan(0, (int)Math.Min(buffer.Length, disk.Capacity - offset)));
            }

            _ = disk.GetAllocation(0, disk.Capacity).Count();
        }

        Format.Check(storage.AsReadOnly(), new DiskCheckOptions());
    }

    private static MemoryBlockStorage Valid() => new(ValidImage.Value, "/memory/test.vhdx");

    private static MemoryBlockStorage Flip(params long[] offsets)
    {
        var bytes = (byte[])ValidImage.Value.Clone();
        foreach (var offset in offsets)
        {
            bytes[offset] ^= 0x40;
        }

        return new MemoryBlockStorage(bytes, "/memory/test.vhdx");
    }

    private static (InMemoryParents Parents, MemoryBlockStorage Child) Child()
    {
        var (parents, baseStorage) = VhdxDifferencingTests.Base();
        var child = new MemoryBlockStorage("/memory/child.vhdx");
        using (var parent = VhdxTestImages.Open(baseStorage))
        using (Format.Create(child, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ParentReference = "base.vhdx" }))
        {
        }

        return (parents, child);
    }

    private static byte[] Forge(Action<byte[]> change)
    {
        var locator = new VhdxParentLocator(VhdxGuids.VhdxParentLocatorType, new[]
        {
            new KeyValuePair<string, string>("parent_linkage", "{00000000-0000-0000-0000-000000000001}"),
            new KeyValuePair<string, string>("relative_path", @".\base.vhdx"),
        }).ToBytes();
        change(locator);
        return locator;
    }

    /// <summary>base.vhdx and child.vhdx in <paramref name="dir"/>; returns the child's path.</summary>
    private static string MakeFileChain(TempFolder dir)
    {
        var basePath = dir.Combine("base.vhdx");
        using (var disk = Format.Create(FileBlockStorage.Create(basePath), new DiskCreateOptions { Capacity = 4L << 20 }))
        {
            disk.Write(0, Pattern(4096, 1));
        }

        var childPath = dir.Combine("child.vhdx");
        using (var parent = DiskFormats.Open(basePath))
        using (Format.Create(FileBlockStorage.Create(childPath), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent }))
        {
        }

        return childPath;
    }
}
