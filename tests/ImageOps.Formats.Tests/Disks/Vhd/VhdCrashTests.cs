using ImageOps.Tests.Disks;
using System;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhd;
using static ImageOps.Formats.Tests.Disks.Vhd.VhdTestSupport;

namespace ImageOps.Formats.Tests.Disks.Vhd;

/// <summary>
/// HOSTILE.md faults: the process is killed after every possible number of writes of an in-place
/// update; what is left must open, check clean or with leaks only, and hold the old or the new data
/// in every sector (never a mix inside a sector, never garbage).
/// </summary>
public class VhdCrashTests
{
    private const long Capacity = 8L << 20;
    private const int BlockSize = 512 << 10;

    [Fact]
    public void A_write_allocating_blocks_in_a_dynamic_disk_survives_a_kill_at_every_step()
    {
        var (start, _) = VhdCheckTests.Valid();
        var data = Pattern((3 * BlockSize) + 1000, 50);
        KillEverywhere(start, parents: null, disk => disk.Write((5L * BlockSize) - 300, data));
    }

    [Fact]
    public void An_unaligned_write_into_stored_and_new_blocks_of_a_differencing_disk_survives_a_kill_at_every_step()
    {
        var parentStorage = NewDynamic(Capacity, BlockSize, "/memory/base.vhd");
        using (var parent = Open(parentStorage, writable: true))
        {
            parent.Write(0, Pattern((int)Capacity, 60));
        }

        var parents = new InMemoryParents().Add(".\\base.vhd", parentStorage);
        var child = new MemoryBlockStorage("/memory/child.vhd");
        using (var parent = Open(parentStorage))
        using (var disk = Format.Create(child, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ClusterSize = BlockSize }))
        {
            disk.Write(BlockSize + 4096, Pattern(1024, 61));
        }

        var data = Pattern(BlockSize + 777, 62);
        KillEverywhere(child.ToArray(), parents, disk => disk.Write(BlockSize + 100, data));
    }

    [Fact]
    public void Growing_a_dynamic_disk_past_its_table_survives_a_kill_at_every_step()
    {
        var (start, _) = VhdCheckTests.Valid();
        KillEverywhere(start, parents: null, disk => disk.Resize(Capacity * 17), allowCapacityChange: true);
    }

    [Fact]
    public void Repairing_leaks_by_moving_blocks_survives_a_kill_at_every_step()
    {
        var (valid, _) = VhdCheckTests.Valid();
        VhdTestSupport.WriteBe32(valid, 1536 + 4, VhdBlockAllocationTable.Unused);
        VhdTestSupport.WriteBe32(valid, 1536 + 8, VhdBlockAllocationTable.Unused);
        var before = ReadAll(Open(new MemoryBlockStorage(valid)));
        var total = Run(valid, int.MaxValue, storage => Format.Check(storage, new DiskCheckOptions { Repair = true }));
        for (var budget = 0; budget < total; budget++)
        {
            var inner = RunKilled(valid, budget, storage => Format.Check(storage, new DiskCheckOptions { Repair = true }));
            AssertConsistent(inner, null);
            Assert.Equal(before, ReadAll(Open(inner)));
        }
    }

    private static void KillEverywhere(byte[] start, InMemoryParents? parents, Action<VirtualDisk> update, bool allowCapacityChange = false)
    {
        var old = ReadAll(Open(new MemoryBlockStorage(start, "/memory/child.vhd"), parents: parents));
        byte[]? updated = null;
        var total = Run(start, int.MaxValue, storage =>
        {
            using var disk = Open(storage, writable: true, parents);
            update(disk);
            updated = ReadPrefix(disk, old.Length);
        });
        Assert.True(total > 3, $"only {total} operations");

        for (var budget = 0; budget < total; budget++)
        {
            var inner = RunKilled(start, budget, storage =>
            {
                using var disk = Open(storage, writable: true, parents);
                update(disk);
            });
            AssertConsistent(inner, parents);
            using var reopened = Open(inner, parents: parents);
            var after = ReadPrefix(reopened, old.Length);
            if (allowCapacityChange)
            {
                Assert.True(reopened.Capacity == old.Length || reopened.Capacity == Capacity * 17, $"budget {budget}: size {reopened.Capacity}");
                Assert.Equal(old, after);
                continue;
            }

            for (var sector = 0; sector < old.Length / 512; sector++)
            {
                var actual = after.AsSpan(sector * 512, 512);
                Assert.True(actual.SequenceEqual(old.AsSpan(sector * 512, 512)) || actual.SequenceEqual(updated.AsSpan(sector * 512, 512)), $"budget {budget}: sector {sector} is neither old nor new");
            }
        }
    }

    private static byte[] ReadPrefix(VirtualDisk disk, int length)
    {
        var bytes = new byte[length];
        disk.Read(0, bytes);
        return bytes;
    }

    private static void AssertConsistent(MemoryBlockStorage inner, InMemoryParents? parents)
    {
        var report = Format.Check(inner, new DiskCheckOptions());
        Assert.True(report.Status is DiskCheckStatus.Clean or DiskCheckStatus.LeaksOnly, string.Join("\n", report.Problems));
    }

    private static int Run(byte[] start, int budget, Action<IBlockStorage> action)
    {
        var storage = new KillableStorage(new MemoryBlockStorage(start, "/memory/child.vhd"), budget);
        action(storage);
        return storage.Operations;
    }

    private static MemoryBlockStorage RunKilled(byte[] start, int budget, Action<IBlockStorage> action)
    {
        var storage = new KillableStorage(new MemoryBlockStorage(start, "/memory/child.vhd"), budget);
        try
        {
            action(storage);
        }
        catch (ImageOpsException)
        {
            // After the kill the process sees stale data; what matters is what reached the disk.
        }

        return storage.Inner;
    }
}
