using ImageOps.Tests.Disks;
using System;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhdx.VhdxTestImages;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>Differencing VHDX: parent locator, linkage, sector bitmaps, chains.</summary>
public class VhdxDifferencingTests
{
    private const long Capacity = 8L << 20;

    [Fact]
    public void A_child_reads_through_its_parent_and_stores_only_what_is_written_sector_by_sector()
    {
        var (parents, baseStorage) = Base();
        var childStorage = new MemoryBlockStorage("/memory/child.vhdx");
        var expected = new MemoryBlockStorage();
        expected.WriteAt(0, Pattern((int)Capacity, 1));
        using (var parent = VhdxTestImages.Open(baseStorage))
        using (var child = Format.Create(childStorage, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ParentReference = "base.vhdx", ClusterSize = 1 << 20 }))
        {
            Assert.Equal(DiskVariant.Differencing, child.Variant);
            Assert.Equal(Capacity, child.Capacity);
            Assert.Same(parent, child.Parent);
            AssertSame(child, expected);

            // An unaligned write inside one sector keeps the parent's bytes around it.
            child.Write(1000, new byte[] { 0xAA, 0xBB, 0xCC });
            expected.WriteAt(1000, new byte[] { 0xAA, 0xBB, 0xCC });

            // A write spanning a block boundary; a whole block; a sector at the very end.
            child.Write((1L << 20) - 2048, Pattern(8192, 5));
            expected.WriteAt((1L << 20) - 2048, Pattern(8192, 5));
            child.Write(3L << 20, Pattern(1 << 20, 6));
            expected.WriteAt(3L << 20, Pattern(1 << 20, 6));
            child.Write(Capacity - 512, Pattern(512, 7));
            expected.WriteAt(Capacity - 512, Pattern(512, 7));
            AssertSame(child, expected);
        }

        // The caller's parent stays open after the child created from it is closed.
        using var reopened = OpenChild(childStorage, parents);
        AssertSame(reopened, expected);
        var map = reopened.GetAllocation(0, Capacity).ToList();
        Assert.Equal(new AllocationRange(0, 512, AllocationKind.Unallocated), map[0]);
        Assert.Equal(new AllocationRange(512, 512, AllocationKind.Data), map[1]);
        Assert.Contains(new AllocationRange(3L << 20, 1L << 20, AllocationKind.Data), map);

        var vhdx = (VhdxDisk)reopened;
        var geometry = vhdx.File.Geometry;
        Assert.Equal((int)VhdxPayloadState.PartiallyPresent, VhdxBatEntry.State(vhdx.File.Bat[geometry.PayloadEntryIndex(0)]));
        Assert.Equal((int)VhdxPayloadState.FullyPresent, VhdxBatEntry.State(vhdx.File.Bat[geometry.PayloadEntryIndex(3)]));
        Assert.Equal(VhdxBatEntry.BitmapPresent, VhdxBatEntry.State(vhdx.File.Bat[geometry.BitmapEntryIndex(0)]));

        // Flattened, the chain is the expected disk.
        var flat = ChainAllocation.Coalesce(ChainAllocation.Flatten(reopened, 0, Capacity)).ToList();
        Assert.All(flat, r => Assert.Equal(AllocationKind.Data, r.Kind));
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(childStorage.AsReadOnly(), new DiskCheckOptions()).Status);
    }

    [Fact]
    public void Zeros_hide_the_parent_and_a_block_written_whole_becomes_fully_present()
    {
        var (parents, baseStorage) = Base();
        var childStorage = new MemoryBlockStorage("/memory/child.vhdx");
        var expected = new MemoryBlockStorage();
        expected.WriteAt(0, Pattern((int)Capacity, 1));
        using (var parent = VhdxTestImages.Open(baseStorage))
        using (var child = Format.Create(childStorage, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ParentReference = "base.vhdx", ClusterSize = 1 << 20 }))
        {
            child.WriteZeros(2L << 20, 1L << 20);
            child.WriteZeros((5L << 20) + 4096, 8192);
            expected.WriteAt(2L << 20, new byte[1 << 20]);
            expected.WriteAt((5L << 20) + 4096, new byte[8192]);

            // Filling a partially present block piece by piece ends fully present.
            for (var at = 0L; at < 1 << 20; at += 256 * 1024)
            {
                child.Write((6L << 20) + at, Pattern(256 * 1024, (int)(at >> 10)));
                expected.WriteAt((6L << 20) + at, Pattern(256 * 1024, (int)(at >> 10)));
            }

            AssertSame(child, expected);
        }

        using var reopened = (VhdxDisk)OpenChild(childStorage, parents);
        AssertSame(reopened, expected);
        var geometry = reopened.File.Geometry;
        Assert.Equal((int)VhdxPayloadState.Zero, VhdxBatEntry.State(reopened.File.Bat[geometry.PayloadEntryIndex(2)]));
        Assert.Equal((int)VhdxPayloadState.PartiallyPresent, VhdxBatEntry.State(reopened.File.Bat[geometry.PayloadEntryIndex(5)]));
        Assert.Equal((int)VhdxPayloadState.FullyPresent, VhdxBatEntry.State(reopened.File.Bat[geometry.PayloadEntryIndex(6)]));
        Assert.Contains(new AllocationRange(2L << 20, 1L << 20, AllocationKind.Zero), reopened.GetAllocation(0, Capacity));
    }

    [Fact]
    public void A_parent_changed_after_the_child_was_made_is_refused()
    {
        var (parents, baseStorage) = Base();
        var childStorage = new MemoryBlockStorage("/memory/child.vhdx");
        using (var parent = VhdxTestImages.Open(baseStorage))
        using (Format.Create(childStorage, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ParentReference = "base.vhdx" }))
        {
        }

        string identity;
        using (var parent = VhdxTestImages.Open(baseStorage, writable: true))
        {
            identity = parent.Identity!;

            // A write changes the DataWriteGuid (MS-VHDX 2.2.2), which the child recorded as parent_linkage.
            parent.Write(0, new byte[] { 1, 2, 3 });
            Assert.NotEqual(identity, parent.Identity);
        }

        var ex = Assert.Throws<ImageOpsException>(() => OpenChild(childStorage, parents));
        Assert.Equal("ParentIdentityMismatch", ex.ErrorId);

        // Inspecting one layer still works.
        using var layer = DiskFormats.Open(childStorage.AsReadOnly(), new DiskOpenOptions { SkipParents = true, Parents = parents });
        Assert.Null(layer.Parent);
        Assert.Equal(identity, layer.ParentLink!.ExpectedIdentity);
    }

    [SkippableFact]
    public void A_chain_of_files_resolves_the_relative_path_first_then_the_absolute_one()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.Combine("base"));
        var basePath = dir.Combine("base", "gold.vhdx");
        using (var gold = Format.Create(FileBlockStorage.Create(basePath), new DiskCreateOptions { Capacity = Capacity }))
        {
            gold.Write(0, Pattern((int)Capacity, 4));
        }

        // A grandchild chain: gold <- mid (in another folder, relative path "..\base\gold.vhdx") <- top.
        Directory.CreateDirectory(dir.Combine("diff"));
        var midPath = dir.Combine("diff", "mid.vhdx");
        var topPath = dir.Combine("diff", "top.vhdx");
        using (var gold = DiskFormats.Open(basePath))
        using (var mid = Format.Create(FileBlockStorage.Create(midPath), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = gold }))
        {
            mid.Write(1L << 20, Pattern(4096, 8));
        }

        var resolver = new ParentResolver(new[] { dir.Path });
        using (var mid = DiskFormats.Open(midPath, new DiskOpenOptions { Parents = resolver }))
        {
            Assert.Equal(@"..\base\gold.vhdx", mid.ParentLink!.Reference);
            using var top = Format.Create(FileBlockStorage.Create(topPath), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = mid });
            top.Write(2L << 20, Pattern(4096, 9));
        }

        var expected = new MemoryBlockStorage();
        expected.WriteAt(0, Pattern((int)Capacity, 4));
        expected.WriteAt(1L << 20, Pattern(4096, 8));
        expected.WriteAt(2L << 20, Pattern(4096, 9));
        using (var top = DiskFormats.Open(topPath, new DiskOpenOptions { Parents = resolver }))
        {
            Assert.NotNull(top.Parent?.Parent);
            AssertSame(top, expected);

            // qemu cannot open a differencing VHDX; it verifies the flattened chain instead.
            var raw = WriteRaw(expected, dir.Combine("expected.raw"));
            var flatPath = dir.Combine("flat.vhdx");
            using (var writer = Format.CreateWriter(FileBlockStorage.Create(flatPath), new DiskCreateOptions { Capacity = Capacity }))
            {
                VhdxWriterTests.Copy(top, writer, _ => true);
                writer.Complete();
            }

            AssertQemuClean(flatPath);
            AssertQemuSame(flatPath, raw);
        }

        // Moved next to its child, the relative path fails and the parent is found by the absolute path's
        // file name beside the child (ParentResolver's rule for paths from another machine).
        File.Move(basePath, dir.Combine("diff", "gold.vhdx"));
        using var moved = DiskFormats.Open(midPath, new DiskOpenOptions { Parents = resolver });
        Assert.Equal(Path.GetFullPath(dir.Combine("diff", "gold.vhdx")), moved.ParentLink!.ResolvedPath);
        Assert.NotEqual(@"..\base\gold.vhdx", moved.ParentLink.Reference);
    }

    [Fact]
    public void Creating_a_child_of_a_non_vhdx_parent_is_refused()
    {
        using var raw = DiskFormats.Get(DiskFormat.Raw).Create(new MemoryBlockStorage(), new DiskCreateOptions { Capacity = 1 << 20, Variant = DiskVariant.Fixed });
        var ex = Assert.Throws<UnsupportedFeatureException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = raw }));
        Assert.Equal("VhdxParentFormatNotSupported", ex.ErrorId);
        Assert.Throws<ArgumentException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Variant = DiskVariant.Differencing }));
    }

    internal static (InMemoryParents Parents, MemoryBlockStorage Storage) Base()
    {
        var storage = new MemoryBlockStorage("/memory/base.vhdx");
        using (var disk = Format.Create(storage, new DiskCreateOptions { Capacity = Capacity, ClusterSize = 1 << 20 }))
        {
            disk.Write(0, Pattern((int)Capacity, 1));
        }

        var parents = new InMemoryParents();
        parents.Add(@".\base.vhdx", storage);
        return (parents, storage);
    }

    internal static VirtualDisk OpenChild(MemoryBlockStorage storage, InMemoryParents parents)
        => DiskFormats.Open(storage.AsReadOnly(), new DiskOpenOptions { Parents = parents, Format = DiskFormat.Vhdx });
}
