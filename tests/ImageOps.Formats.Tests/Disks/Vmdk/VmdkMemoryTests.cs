using ImageOps.Tests.Disks;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vmdk.VmdkTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vmdk;

/// <summary>Chains and large disks built in memory (no files, no qemu).</summary>
public class VmdkMemoryTests
{
    [Fact]
    public void A_chain_of_deltas_reads_through_every_layer_and_one_deeper_than_the_limit_is_refused()
    {
        var parents = new InMemoryParents();
        var storages = new System.Collections.Generic.List<MemoryBlockStorage>();
        var root = new MemoryBlockStorage("/memory/d0.vmdk");
        using (var disk = Format.Create(root, new DiskCreateOptions { Capacity = 1 << 20 }))
        {
            disk.Write(0, Enumerable.Repeat((byte)1, 512).ToArray());
        }

        parents.Add("d0.vmdk", root);
        storages.Add(root);
        for (var i = 1; i <= DiskOpenContext.MaxChainDepth + 2; i++)
        {
            var storage = new MemoryBlockStorage($"/memory/d{i}.vmdk");
            using (var parent = DiskFormats.Open(storages[i - 1].AsReadOnly(), new DiskOpenOptions { Parents = parents, SkipParents = true }))
            using (var child = Format.Create(storage, new DiskCreateOptions { Capacity = 1 << 20, Variant = DiskVariant.Differencing, Parent = parent, ParentReference = $"d{i - 1}.vmdk" }))
            {
                child.Write(512L * i, new[] { (byte)(i + 1) });
            }

            parents.Add($"d{i}.vmdk", storage);
            storages.Add(storage);
        }

        using (var middle = DiskFormats.Open(storages[10].AsReadOnly(), new DiskOpenOptions { Parents = parents }))
        {
            var data = new byte[512 * 12];
            middle.Read(0, data);
            Assert.Equal(1, data[0]);
            for (var i = 1; i <= 10; i++)
            {
                Assert.Equal(i + 1, data[512 * i]);
            }

            Assert.Equal(0, data[512 * 11]);
        }

        var top = storages[^1].AsReadOnly();
        Assert.Equal("ChainTooDeep", Hostile.Refused(() => DiskFormats.Open(top, new DiskOpenOptions { Parents = parents }).Dispose()).ErrorId);
    }

    [Fact]
    public void A_two_terabyte_disk_opens_and_maps_without_allocating_its_size()
    {
        const long capacity = (1L << 41) - 512;
        var storage = new MemoryBlockStorage("/memory/big.vmdk");
        using (var disk = Format.Create(storage, new DiskCreateOptions { Capacity = capacity }))
        {
            disk.Write(capacity - 4096, Enumerable.Repeat((byte)7, 4096).ToArray());
            disk.Write(1L << 40, Enumerable.Repeat((byte)8, 4096).ToArray());
        }

        Assert.True(storage.AllocatedBytes < 8L << 20, $"{storage.AllocatedBytes} bytes of memory");
        Assert.Null(Hostile.Survives(
            () =>
            {
                using var disk = DiskFormats.Open(storage.AsReadOnly());
                Assert.Equal(capacity, disk.Capacity);
                var data = disk.GetAllocation(0, capacity).Where(r => r.Kind == AllocationKind.Data).ToList();
                Assert.Equal(2, data.Count);
                var tail = new byte[4096];
                disk.Read(capacity - 4096, tail);
                Assert.All(tail, b => Assert.Equal(7, b));
            },
            maxAllocatedBytes: 32L << 20));
    }

    [Fact]
    public void A_stream_created_for_random_access_is_valid_after_every_flush()
    {
        var storage = new MemoryBlockStorage("/memory/stream.vmdk");
        using var disk = Format.Create(storage, new DiskCreateOptions { Capacity = 4L << 20, Compress = true });
        using (var empty = DiskFormats.Open(storage.AsReadOnly()))
        {
            Assert.Equal(VmdkFormat.StreamOptimized, empty.Subformat);
            Assert.All(ReadAll(empty), b => Assert.Equal(0, b));
        }

        disk.Write(100_000, Pattern(300_000, 9));
        disk.Flush();
        using (var flushed = DiskFormats.Open(storage.AsReadOnly()))
        {
            Assert.Equal(ReadAll(disk), ReadAll(flushed));
            Assert.Equal(DiskCheckStatus.Clean, Format.Check(storage.AsReadOnly(), new DiskCheckOptions()).Status);
        }

        disk.Write(100_000, Pattern(1000, 10));   // rewrites a grain: the old copy becomes a leak
        disk.Flush();
        using (var rewritten = DiskFormats.Open(storage.AsReadOnly()))
        {
            Assert.Equal(ReadAll(disk), ReadAll(rewritten));
            Assert.Equal(DiskCheckStatus.LeaksOnly, Format.Check(storage.AsReadOnly(), new DiskCheckOptions()).Status);
        }

        Assert.Equal("VmdkStreamOptimizedReadOnly", Assert.Throws<UnsupportedFeatureException>(() => DiskFormats.Open(new MemoryBlockStorage(storage.ToArray()), new DiskOpenOptions { Writable = true })).ErrorId);
    }
}
