using ImageOps.Tests.Disks;
using System;
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

/// <summary>Differencing disks: sector bitmaps over the parent, locators, identity, chains.</summary>
public class VhdDifferencingTests
{
    private const long Capacity = 8L << 20;

    [Fact]
    public void A_child_reads_its_own_sectors_and_the_parents_elsewhere_at_sector_granularity()
    {
        var (parents, parentBytes) = Base();
        var child = NewChild(parents);
        var expected = (byte[])parentBytes.Clone();
        using (var disk = Open(child, writable: true, parents))
        {
            Assert.Equal(DiskVariant.Differencing, disk.Variant);
            foreach (var (offset, length, seed) in new[] { (1000L, 100, 11), (4096L, 512, 12), ((2L << 20) - 512, 1024, 13), ((5L << 20) + 7, 3000, 14) })
            {
                var written = Pattern(length, seed);
                disk.Write(offset, written);
                written.CopyTo(expected, offset);
            }

            Assert.Equal(expected, ReadAll(disk));
        }

        using var reopened = Open(child, parents: parents);
        Assert.Equal(expected, ReadAll(reopened));
        var data = reopened.GetAllocation(0, Capacity).Where(r => r.Kind == AllocationKind.Data).Select(r => (r.Offset, r.Length)).ToList();
        Assert.Equal(new[] { (512L, 1024L), (4096L, 512L), ((2L << 20) - 512, 1024L), ((5L << 20), 3072L) }, data);
        var flattened = ChainAllocation.Coalesce(ChainAllocation.Flatten(reopened, 0, Capacity)).ToList();
        Assert.Contains(flattened, r => r.Kind == AllocationKind.Data && r.Offset == 0);
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(child, new DiskCheckOptions()).Status);
    }

    [Fact]
    public void The_child_records_the_parents_identity_name_and_locators_as_Hyper_V_does()
    {
        var (parents, _) = Base();
        var child = NewChild(parents);
        using var disk = (VhdDisk)Open(child, parents: parents);
        var header = disk.Header!;
        Assert.Equal("base.vhd", header.ParentUnicodeName);
        Assert.Equal(disk.Parent!.Identity, VhdIdentity.Format(header.ParentUniqueId, header.ParentTimeStamp));
        Assert.True(disk.ParentLink!.IdentityMatches);
        Assert.Equal(".\\base.vhd", disk.ParentLink.Reference);

        var locators = Enumerable.Range(0, 8).Select(header.GetLocator).Where(l => l.IsUsed).ToList();
        Assert.Equal(new[] { "W2ru", "W2ku" }, locators.Select(l => l.PlatformName));
        var bytes = child.ToArray();
        var relative = locators[0];
        Assert.Equal(".\\base.vhd", Encoding.Unicode.GetString(bytes, (int)relative.PlatformDataOffset, (int)relative.PlatformDataLength));
        Assert.Equal(512u, relative.PlatformDataSpace);
        Assert.Equal("\\memory\\base.vhd", Encoding.Unicode.GetString(bytes, (int)locators[1].PlatformDataOffset, (int)locators[1].PlatformDataLength));
    }

    [Fact]
    public void A_parent_changed_after_the_child_was_made_no_longer_matches()
    {
        var baseStorage = NewDynamic(Capacity, name: "/memory/base.vhd");
        var bytes = baseStorage.ToArray();
        PatchFooters(bytes, (b, at) => WriteBe32(b, at + VhdFooter.TimeStampOffset, 1000));
        baseStorage = new MemoryBlockStorage(bytes, "/memory/base.vhd");
        var parents = new InMemoryParents().Add(".\\base.vhd", baseStorage).Add("base", baseStorage);
        var child = NewChild(parents);
        using (var ok = Open(child, parents: parents))
        {
            Assert.True(ok.ParentLink!.IdentityMatches);
        }

        // Writing to the parent refreshes its time stamp, as Windows would see on its next open.
        using (var parent = Open(baseStorage, writable: true))
        {
            parent.Write(0, new byte[512]);
        }

        var ex = Assert.Throws<ImageOpsException>(() => Open(child, parents: parents));
        Assert.Equal("ParentIdentityMismatch", ex.ErrorId);
        using var unverified = DiskFormats.Open(child, new DiskOpenOptions { Parents = parents, VerifyParentIdentity = false });
        Assert.False(unverified.ParentLink!.IdentityMatches);
    }

    [Fact]
    public void A_different_disk_in_the_parents_place_is_refused()
    {
        var (parents, _) = Base();
        var child = NewChild(parents);
        parents.Add(".\\base.vhd", NewDynamic(Capacity, name: "/memory/base.vhd"));
        Assert.Equal("ParentIdentityMismatch", Assert.Throws<ImageOpsException>(() => Open(child, parents: parents)).ErrorId);
    }

    [Fact]
    public void A_raw_file_in_the_parents_place_is_refused_unless_the_child_records_no_parent_id()
    {
        var (parents, _) = Base();
        var child = NewChild(parents);
        parents.Add(".\\base.vhd", new MemoryBlockStorage(new byte[Capacity], "/memory/base.vhd"));
        Assert.Equal("ParentIdentityMismatch", Assert.Throws<ImageOpsException>(() => Open(child, parents: parents)).ErrorId);

        // blktap's children of raw parents record a zero parent id: they open over the raw file.
        var bytes = child.ToArray();
        var header = VhdDynamicHeader.Parse(bytes.AsSpan(512, 1024));
        header.ParentUniqueId = Guid.Empty;
        header.ToBytes().CopyTo(bytes, 512);
        using var disk = Open(new MemoryBlockStorage(bytes, "/memory/child.vhd"), parents: parents);
        Assert.Equal(DiskFormat.Raw, disk.Parent!.Format);
    }

    [Fact]
    public void Skipping_parents_opens_one_layer_whose_unwritten_sectors_read_as_zeros()
    {
        var (parents, _) = Base();
        var child = NewChild(parents);
        using (var disk = Open(child, writable: true, parents))
        {
            disk.Write(4096, Pattern(512, 3));
        }

        using var layer = Open(child, skipParents: true);
        Assert.Null(layer.Parent);
        Assert.Equal(".\\base.vhd", layer.ParentLink!.Reference);
        Assert.Null(layer.ParentLink.IdentityMatches);
        var buffer = new byte[8192];
        layer.Read(0, buffer);
        Assert.True(ZeroDetector.IsAllZero(buffer.AsSpan(0, 4096)));
        Assert.Equal(Pattern(512, 3), buffer.AsSpan(4096, 512).ToArray());
    }

    [Fact]
    public void A_three_level_chain_reads_each_layers_latest_data()
    {
        var (parents, expected) = Base();
        var middle = NewChild(parents, "/memory/middle.vhd");
        using (var disk = Open(middle, writable: true, parents))
        {
            disk.Write(1L << 20, Pattern(8192, 21));
        }

        Pattern(8192, 21).CopyTo(expected, 1L << 20);
        parents.Add(".\\middle.vhd", middle.AsReadOnly());
        var top = new MemoryBlockStorage("/memory/top.vhd");
        using (var parent = Open(middle, parents: parents))
        using (var disk = Format.Create(top, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent }))
        {
            disk.Write((1L << 20) + 4096, Pattern(512, 22));
        }

        Pattern(512, 22).CopyTo(expected, (1L << 20) + 4096);
        using var chain = Open(top, parents: parents);
        Assert.NotNull(chain.Parent!.Parent);
        Assert.Equal(expected, ReadAll(chain));
    }

    [Fact]
    public void The_writer_makes_a_child_whose_zeros_hide_the_parent_and_whose_gaps_show_it()
    {
        var (parents, parentBytes) = Base();
        var output = new MemoryBlockStorage("/memory/out.vhd");
        using (var parent = Open(BaseOf(parents), parents: parents))
        using (var writer = Format.CreateWriter(output, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ClusterSize = 1 << 20 }))
        {
            Assert.Equal(1 << 20, writer.ChunkSize);
            writer.Write(1L << 20, Pattern(1 << 20, 31), transformed: false);
            writer.WriteZeros(3L << 20, 2L << 20);
            writer.Write(7L << 20, Pattern(4096, 32), transformed: false);
            writer.Complete();
        }

        var expected = (byte[])parentBytes.Clone();
        Pattern(1 << 20, 31).CopyTo(expected, 1L << 20);
        Array.Clear(expected, 3 << 20, 2 << 20);
        Pattern(4096, 32).CopyTo(expected, 7L << 20);
        using var chain = Open(output, parents: parents);
        Assert.Equal(expected, ReadAll(chain));
        var layer = chain.GetAllocation(0, Capacity).Where(r => r.Kind == AllocationKind.Data).Select(r => (r.Offset, r.Length)).ToList();
        Assert.Equal(new[] { (1L << 20, 1L << 20), (3L << 20, 2L << 20), (7L << 20, 4096L) }, layer);
        Assert.Equal(DiskCheckStatus.Clean, Format.Check(output, new DiskCheckOptions()).Status);
    }

    [Fact]
    public void A_child_refuses_a_parent_of_another_format_or_size()
    {
        var raw = DiskFormats.Get(DiskFormat.Raw).Create(new MemoryBlockStorage("/memory/base.img"), new DiskCreateOptions { Capacity = Capacity, Variant = DiskVariant.Fixed });
        var ex = Assert.Throws<UnsupportedFeatureException>(() => Format.Create(new MemoryBlockStorage("/memory/c.vhd"), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = raw }));
        Assert.Equal("ParentFormatNotSupported", ex.ErrorId);
        Assert.Equal("ParentFormatNotSupported", Assert.Throws<UnsupportedFeatureException>(() => Format.Create(new MemoryBlockStorage(), new DiskCreateOptions { Variant = DiskVariant.Differencing })).ErrorId);
        using var parent = Open(NewDynamic(Capacity));
        Assert.Equal("DiskSizeNotSupported", Assert.Throws<ImageOpsException>(() => Format.Create(new MemoryBlockStorage("/memory/c.vhd"), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, Capacity = Capacity * 2 })).ErrorId);
    }

    [Fact]
    public void A_child_grown_past_its_parent_reads_zeros_beyond_the_parent()
    {
        var (parents, parentBytes) = Base();
        var child = NewChild(parents);
        using (var disk = Open(child, writable: true, parents))
        {
            disk.Resize(Capacity * 2);
            disk.Write(Capacity + 512, Pattern(512, 41));
        }

        using var reopened = Open(child, parents: parents);
        Assert.Equal(Capacity * 2, reopened.Capacity);
        var all = ReadAll(reopened);
        Assert.Equal(parentBytes, all.AsSpan(0, (int)Capacity).ToArray());
        Assert.True(ZeroDetector.IsAllZero(all.AsSpan((int)Capacity, 512)));
        Assert.Equal(Pattern(512, 41), all.AsSpan((int)Capacity + 512, 512).ToArray());
    }

    [SkippableFact]
    public void A_chain_of_files_opens_by_the_relative_locator_and_survives_being_moved()
    {
        using var dir = new TempFolder("vhd");
        var first = Directory.CreateDirectory(dir.Combine("first")).FullName;
        MakeFileChain(first);
        using (var disk = DiskFormats.Open(Path.Combine(first, "child.vhd")))
        {
            Assert.Equal(".\\base.vhd", disk.ParentLink!.Reference);
            Assert.Equal(Path.Combine(first, "base.vhd"), disk.ParentLink.ResolvedPath);
            Assert.True(disk.ParentLink.IdentityMatches);
            AssertChainContent(disk);
        }

        var moved = dir.Combine("moved");
        Directory.Move(first, moved);
        using (var disk = DiskFormats.Open(Path.Combine(moved, "child.vhd")))
        {
            Assert.Equal(Path.Combine(moved, "base.vhd"), disk.ParentLink!.ResolvedPath);
            AssertChainContent(disk);
        }

        // qemu has no VHD backing files: it reads the child as one dynamic layer (bitmaps ignored),
        // and what the child stores reads the same there.
        var child = Path.Combine(moved, "child.vhd");
        Assert.Equal("vpc", QemuImg.Info(child).GetProperty("format").GetString());
        var io = QemuImg.Io("vpc", child, "read -P 0x5a 3M 64k");
        Assert.DoesNotContain("Pattern verification failed", io.Out);
        Assert.Equal(0, io.ExitCode);
    }

    [SkippableFact]
    public void When_the_relative_locator_leads_nowhere_the_absolute_one_is_used_inside_the_allowed_roots()
    {
        using var dir = new TempFolder("vhd");
        var gold = Directory.CreateDirectory(dir.Combine("gold")).FullName;
        var clones = Directory.CreateDirectory(dir.Combine("clones")).FullName;
        CreateFileBase(Path.Combine(gold, "base.vhd"));
        var childPath = Path.Combine(clones, "child.vhd");
        using (var parent = DiskFormats.Open(Path.Combine(gold, "base.vhd")))
        using (var child = Format.Create(FileBlockStorage.Create(childPath), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent }))
        {
            Assert.Equal("..\\gold\\base.vhd", child.ParentLink!.Reference);
        }

        var deeper = Directory.CreateDirectory(dir.Combine("clones", "deeper")).FullName;
        File.Move(childPath, Path.Combine(deeper, "child.vhd"));
        var options = new DiskOpenOptions { Parents = new ParentResolver(new[] { dir.Path }) };
        using (var disk = DiskFormats.Open(Path.Combine(deeper, "child.vhd"), options))
        {
            Assert.Equal(Path.Combine(gold, "base.vhd").Replace('/', '\\'), disk.ParentLink!.Reference.Replace('/', '\\'));
            Assert.Equal(Path.Combine(gold, "base.vhd"), disk.ParentLink.ResolvedPath);
        }

        // Without the wider root the absolute path is outside the child's folder: refused, not opened.
        var refused = Assert.Throws<ImageOpsException>(() => DiskFormats.Open(Path.Combine(deeper, "child.vhd")));
        Assert.Contains(refused.ErrorId, new[] { "ParentNotFound", "ParentReferenceRefused" });
    }

    [SkippableFact]
    public void A_Mac_file_URL_locator_is_understood()
    {
        using var dir = new TempFolder("vhd");
        MakeFileChain(dir.Path);
        var childPath = dir.Combine("child.vhd");
        var bytes = File.ReadAllBytes(childPath);
        var header = VhdDynamicHeader.Parse(bytes.AsSpan(512, 1024));
        var url = Encoding.UTF8.GetBytes("file://localhost" + dir.Combine("base.vhd").Replace(" ", "%20"));
        var first = header.GetLocator(0);
        Array.Clear(bytes, (int)first.PlatformDataOffset, (int)first.ReservedBytes);
        url.CopyTo(bytes, (int)first.PlatformDataOffset);
        header.SetLocator(0, new VhdParentLocator(VhdParentLocator.MacX, first.PlatformDataSpace, (uint)url.Length, first.PlatformDataOffset));
        header.SetLocator(1, default);
        header.ParentUnicodeName = string.Empty;
        header.ToBytes().CopyTo(bytes, 512);
        File.WriteAllBytes(childPath, bytes);
        using var disk = DiskFormats.Open(childPath);
        Assert.StartsWith("/", disk.ParentLink!.Reference);
        AssertChainContent(disk);
    }

    private static (InMemoryParents Parents, byte[] Bytes) Base()
    {
        var storage = NewDynamic(Capacity, name: "/memory/base.vhd");
        var expected = new byte[Capacity];
        using (var disk = Open(storage, writable: true))
        {
            for (var i = 0; i < 8; i++)
            {
                var data = Pattern(100_000, 100 + i);
                disk.Write((i * (1L << 20)) + 333, data);
                data.CopyTo(expected, (i * (1L << 20)) + 333);
            }
        }

        return (new InMemoryParents().Add(".\\base.vhd", storage).Add("base", storage), expected);
    }

    private static MemoryBlockStorage BaseOf(InMemoryParents parents)
        => (MemoryBlockStorage)parents.OpenParent("/memory/x", "base", out _);

    private static MemoryBlockStorage NewChild(InMemoryParents parents, string name = "/memory/child.vhd")
    {
        var child = new MemoryBlockStorage(name);
        using var parent = Open(BaseOf(parents), parents: parents);
        Format.Create(child, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent }).Dispose();
        return child;
    }

    private static void CreateFileBase(string path)
    {
        using var disk = Format.Create(FileBlockStorage.Create(path), new DiskCreateOptions { Capacity = Capacity });
        disk.Write(0, Enumerable.Repeat((byte)0xA1, 1 << 20).ToArray());
    }

    private static void MakeFileChain(string folder)
    {
        CreateFileBase(Path.Combine(folder, "base.vhd"));
        using var parent = DiskFormats.Open(Path.Combine(folder, "base.vhd"));
        using var child = Format.Create(FileBlockStorage.Create(Path.Combine(folder, "child.vhd")), new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent });
        child.Write(3L << 20, Enumerable.Repeat((byte)0x5A, 64 << 10).ToArray());
        child.Write(4096, Enumerable.Repeat((byte)0x5B, 512).ToArray());
    }

    private static void AssertChainContent(VirtualDisk disk)
    {
        var buffer = new byte[8192];
        disk.Read(0, buffer);
        Assert.All(buffer.AsSpan(0, 4096).ToArray(), b => Assert.Equal(0xA1, b));
        Assert.All(buffer.AsSpan(4096, 512).ToArray(), b => Assert.Equal(0x5B, b));
        Assert.All(buffer.AsSpan(4608).ToArray(), b => Assert.Equal(0xA1, b));
        disk.Read(3L << 20, buffer);
        Assert.All(buffer, b => Assert.Equal(0x5A, b));
        disk.Read(5L << 20, buffer);
        Assert.True(ZeroDetector.IsAllZero(buffer));
    }
}
