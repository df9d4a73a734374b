using System;
using System.IO;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Qcow2;

/// <summary>
/// HOSTILE.md "Process killed during an in-place metadata update": the N-th write fails (and nothing
/// after it reaches the file), for every N of a write sequence; the image must then check clean or
/// with leaks only, by qemu-img check and by ours.
/// </summary>
public class Qcow2CrashTests
{
    [SkippableFact]
    public void A_kill_at_any_write_of_allocating_writes_leaves_leaks_at_worst()
    {
        using var dir = new TempFolder("qcow2-crash");
        var template = new MemoryBlockStorage("crash.qcow2");
        using (Qcow2TestSupport.Format.Create(template, new DiskCreateOptions { Capacity = 1L << 20, ClusterSize = 512 }))
        {
        }

        var initial = template.ToArray();
        void Sequence(VirtualDisk disk)
        {
            disk.Write(0, Qcow2TestSupport.Pattern(3000, 1));
            disk.Write(500 << 10, Qcow2TestSupport.Pattern(100, 2));
            disk.WriteZeros(1024, 512);
            disk.Write(100, Qcow2TestSupport.Pattern(100, 3));
            disk.Resize(64L << 20);
            disk.Write(40L << 20, Qcow2TestSupport.Pattern(2048, 4));
        }

        var total = CountWrites(initial, Sequence);
        Assert.True(total > 20, $"the sequence made only {total} writes");
        for (var n = 1; n <= total; n++)
        {
            var image = RunUntilFailure(initial, n, Sequence);
            var path = dir.Combine($"crash-{n}.qcow2");
            File.WriteAllBytes(path, image);
            var qemu = QemuImg.Check(path, "qcow2");
            Assert.True(qemu.ExitCode == 0 || qemu.ExitCode == 3, $"kill at write {n}/{total}: qemu-img check exit {qemu.ExitCode}: {qemu.Out}{qemu.Err}");
            var ours = Check(image);
            Assert.True(ours != DiskCheckStatus.Corrupt, $"kill at write {n}/{total}: our check says corrupt");
            File.Delete(path);
        }
    }

    [SkippableFact]
    public void A_kill_while_the_refcount_table_grows_leaves_leaks_at_worst()
    {
        using var dir = new TempFolder("qcow2-crash-grow");
        var seed = dir.Combine("seed.qcow2");
        QemuImg.Create("qcow2", seed, 4L << 20, "cluster_size=512,refcount_bits=64");
        var initial = File.ReadAllBytes(seed);
        var data = Qcow2TestSupport.Pattern(32 << 10, 5);
        void Sequence(VirtualDisk disk)
        {
            // One table cluster lists 64 blocks of 64 clusters: 2 MiB of file. Write past that.
            for (var i = 0; i < 80; i++)
            {
                disk.Write((long)i * data.Length, data);
            }
        }

        var total = CountWrites(initial, Sequence);
        var complete = RunUntilFailure(initial, int.MaxValue, Sequence);
        Assert.NotEqual(initial.AsSpan(48, 12).ToArray(), complete.AsSpan(48, 12).ToArray()); // the table moved
        for (var n = 1; n <= total; n++)
        {
            var image = RunUntilFailure(initial, n, Sequence);
            Assert.True(Check(image) != DiskCheckStatus.Corrupt, $"kill at write {n}/{total}: our check says corrupt");
            if (n % 25 == 0 || n > total - 40)
            {
                var path = dir.Combine($"crash-{n}.qcow2");
                File.WriteAllBytes(path, image);
                var qemu = QemuImg.Check(path, "qcow2");
                Assert.True(qemu.ExitCode == 0 || qemu.ExitCode == 3, $"kill at write {n}/{total}: qemu-img check exit {qemu.ExitCode}: {qemu.Out}{qemu.Err}");
                File.Delete(path);
            }
        }
    }

    private static DiskCheckStatus Check(byte[] image)
    {
        using var storage = new MemoryBlockStorage(image, "check.qcow2", writable: false);
        return Qcow2TestSupport.Format.Check(storage, new DiskCheckOptions()).Status;
    }

    private static int CountWrites(byte[] initial, Action<VirtualDisk> sequence)
    {
        var storage = new FailingStorage(new MemoryBlockStorage(initial, "count.qcow2"), int.MaxValue);
        using (var disk = DiskFormats.Open(storage, new DiskOpenOptions { Writable = true, Format = DiskFormat.Qcow2 }))
        {
            sequence(disk);
        }

        return storage.Writes;
    }

    private static byte[] RunUntilFailure(byte[] initial, int failAt, Action<VirtualDisk> sequence)
    {
        var memory = new MemoryBlockStorage(initial, "crash.qcow2");
        var storage = new FailingStorage(memory, failAt);
        try
        {
            using var disk = DiskFormats.Open(storage, new DiskOpenOptions { Writable = true, Format = DiskFormat.Qcow2 });
            sequence(disk);
        }
        catch (IOException) when (storage.Failed)
        {
        }

        return memory.ToArray();
    }

    /// <summary>Storage whose N-th write throws, as if the process died there; every later write fails too.</summary>
    private sealed class FailingStorage : IBlockStorage
    {
        private readonly MemoryBlockStorage _inner;
        private readonly int _failAt;

        public FailingStorage(MemoryBlockStorage inner, int failAt)
        {
            _inner = inner;
            _failAt = failAt;
        }

        public int Writes { get; private set; }

        public bool Failed { get; private set; }

        public string Name => _inner.Name;

        public long Length => _inner.Length;

        public bool CanWrite => true;

        public int ReadAt(long offset, Span<byte> buffer) => _inner.ReadAt(offset, buffer);

        public void WriteAt(long offset, ReadOnlySpan<byte> data)
        {
            Fail();
            _inner.WriteAt(offset, data);
        }

        public void SetLength(long length)
        {
            Fail();
            _inner.SetLength(length);
        }

        public void Flush(bool durable)
        {
        }

        public void Dispose()
        {
        }

        private void Fail()
        {
            Writes++;
            if (Failed || Writes >= _failAt)
            {
                Failed = true;
                throw new IOException($"injected failure at write {Writes}");
            }
        }
    }
}
