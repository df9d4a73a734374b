using ImageOps.Tests.Disks;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhdx.VhdxTestImages;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>
/// HOSTILE.md faults: the writer is killed at every write of a scenario (allocations, in-place writes,
/// sector bitmaps, zero blocks, resizes including a BAT move, closing), and the file left behind —
/// flushed writes plus any subset of the unflushed ones, some torn — must open read-only and writable,
/// read every byte as it was after the last flush, after the interrupted operation, or after one of the
/// unflushed operations in between (completed writes are durable only once flushed, as on any disk), and
/// check clean or with leaks only once its log is replayed (qemu-img check -r all agrees).
/// </summary>
public class VhdxCrashTests
{
    private static readonly (long Offset, long Length)[] Windows = { (0, 11L << 20), (20L << 20, 1L << 20), (129L << 30, 1L << 20) };

    [SkippableFact]
    public void A_dynamic_disk_killed_at_any_write_replays_to_a_consistent_state()
    {
        var image = CowStorage.From(DynamicBase());
        var ops = new List<(string Name, Action<VirtualDisk> Run, bool Flush)>
        {
            ("unaligned write into a new block", d => d.Write((5L << 20) + 100, Pattern(4096, 1)), false),
            ("write across four blocks", d => d.Write((8L << 20) - (512 * 1024), Pattern(3 << 20, 2)), true),
            ("write in place", d => d.Write(100, Pattern(200, 3)), false),
            ("zeros over stored data", d => d.WriteZeros(8L << 20, 1L << 20), true),
            ("grow inside the BAT", d => d.Resize(32L << 20), false),
            ("write after growing", d => d.Write(20L << 20, Pattern(1 << 20, 4)), true),
            ("grow moving the BAT (past the 128 GiB its 1 MiB region holds)", d => d.Resize(130L << 30), false),
            ("write far out", d => d.Write(129L << 30, Pattern(1 << 20, 5)), false),
            ("shrink", d => d.Resize((129L << 30) + (4L << 20)), true),
            ("close", d => d.Dispose(), false),
        };

        Run(image, ops, parents: null, qemu: true);
    }

    [Fact]
    public void A_differencing_disk_killed_at_any_write_replays_to_a_consistent_state()
    {
        var (parents, baseStorage) = VhdxDifferencingTests.Base();
        var child = new MemoryBlockStorage("/memory/child.vhdx");
        using (var parent = VhdxTestImages.Open(baseStorage))
        using (Format.Create(child, new DiskCreateOptions { Variant = DiskVariant.Differencing, Parent = parent, ParentReference = "base.vhdx", ClusterSize = 1 << 20 }))
        {
        }

        var ops = new List<(string Name, Action<VirtualDisk> Run, bool Flush)>
        {
            ("partial write: bitmap block and partially present block", d => d.Write((1L << 20) + 1000, Pattern(5000, 1)), true),
            ("more sectors of the same block", d => d.Write((1L << 20) + (64 * 1024), Pattern(8192, 2)), false),
            ("zero block hiding the parent", d => d.WriteZeros(3L << 20, 1L << 20), true),
            ("whole block", d => d.Write(5L << 20, Pattern(1 << 20, 3)), false),
            ("partial zeros", d => d.WriteZeros((6L << 20) + 4096, 4096), true),
            ("grow", d => d.Resize(12L << 20), false),
            ("close", d => d.Dispose(), false),
        };

        Run(CowStorage.From(child), ops, parents, qemu: false);
    }

    private static void Run(CowStorage image, List<(string Name, Action<VirtualDisk> Run, bool Flush)> ops, InMemoryParents? parents, bool qemu)
    {
        // The expected content after each operation, from an uninterrupted run.
        var states = new List<(long Capacity, byte[][] Windows)>();
        var reference = new CrashStorage(image);
        var disk = OpenDisk(reference, parents);
        states.Add(Snapshot(disk));
        foreach (var (_, run, flush) in ops)
        {
            run(disk);
            if (flush)
            {
                disk.Flush();
            }

            states.Add(Snapshot(reference, parents));
        }

        var total = reference.Writes;
        Assert.True(total > 30, $"only {total} writes");
        using var dir = qemu ? new TempFolder("vhdx-crash") : null;
        for (var n = 1; n <= total; n++)
        {
            var storage = new CrashStorage(image) { FailAt = n };
            var failed = -1;
            var victim = OpenDisk(storage, parents);
            for (var k = 0; k < ops.Count && failed < 0; k++)
            {
                try
                {
                    ops[k].Run(victim);
                    if (ops[k].Flush)
                    {
                        victim.Flush();
                    }
                }
                catch (IOException)
                {
                    failed = k;
                }
            }

            Assert.True(failed >= 0, $"write {n} of {total} did not fail");

            // Durable: the state after the last flushed operation. Any later state may have reached the disk.
            var durable = 0;
            for (var k = 0; k < failed; k++)
            {
                durable = ops[k].Flush ? k + 1 : durable;
            }

            var allowed = states.GetRange(durable, failed + 2 - durable);
            var trials = new[] { storage.CrashImage(null), storage.CrashImage(new Random(n)), storage.Everything() };
            for (var t = 0; t < trials.Length; t++)
            {
                var context = $"killed at write {n} of {total}, during '{ops[failed].Name}', trial {t}";
                Verify(trials[t], allowed, parents, context);
                if (qemu && t == 1 && n % 5 == 0)
                {
                    var path = dir!.Combine($"crash-{n}.vhdx");
                    File.WriteAllBytes(path, ToArray(trials[t]));
                    var check = QemuImg.Run("check", "-r", "all", "-f", "vhdx", path);
                    Assert.True(check.ExitCode is 0 or 3, $"{context}: qemu-img check -r all exited {check.ExitCode}: {check.Out}{check.Err}");
                    Assert.True(QemuImg.Check(path, "vhdx").ExitCode is 0 or 3, context);
                    File.Delete(path);
                }
            }
        }
    }

    private static void Verify(CowStorage crashed, List<(long Capacity, byte[][] Windows)> allowed, InMemoryParents? parents, string context)
    {
        byte[][] seen;
        using (var disk = DiskFormats.Open(crashed.Clone(writable: false), new DiskOpenOptions { Format = DiskFormat.Vhdx, Parents = parents }))
        {
            Assert.True(allowed.Any(a => a.Capacity == disk.Capacity), $"{context}: capacity {disk.Capacity}");
            seen = Read(disk);
            var common = allowed.Min(a => a.Capacity);
            for (var w = 0; w < Windows.Length; w++)
            {
                var limit = (int)Math.Max(0, Math.Min(Windows[w].Length, common - Windows[w].Offset));
                for (var at = 0; at < limit; at += 4096)
                {
                    // Whole 4 KiB pieces first (vectorised); byte by byte only where no state matches whole.
                    var n = Math.Min(4096, limit - at);
                    var window = w;
                    var matched = false;
                    foreach (var a in allowed)
                    {
                        matched |= a.Windows[w].AsSpan(at, n).SequenceEqual(seen[w].AsSpan(at, n));
                    }

                    if (matched)
                    {
                        continue;
                    }

                    for (var i = at; i < at + n; i++)
                    {
                        if (!allowed.Any(a => a.Windows[window][i] == seen[window][i]))
                        {
                            Assert.Fail($"{context}: byte {Windows[w].Offset + i} reads 0x{seen[w][i]:x2}, which no state between the last flush and the interrupted operation held (0x{allowed[0].Windows[w][i]:x2} .. 0x{allowed[allowed.Count - 1].Windows[w][i]:x2})");
                        }
                    }
                }
            }
        }

        var report = Format.Check(crashed.Clone(writable: false), new DiskCheckOptions());
        Assert.All(report.Problems, p => Assert.True(p.Kind == DiskProblemKind.Leak || p.Structure == "log", $"{context}: {p}"));

        // A writable open replays the log in place and reads the same.
        var writable = crashed.Clone();
        using (var disk = DiskFormats.Open(writable, new DiskOpenOptions { Format = DiskFormat.Vhdx, Parents = parents, Writable = true }))
        {
            var again = Read(disk);
            for (var w = 0; w < Windows.Length; w++)
            {
                Assert.True(seen[w].AsSpan().SequenceEqual(again[w]), $"{context}: replaying in place reads differently from replaying in memory");
            }
        }

        var after2 = Format.Check(writable.Clone(writable: false), new DiskCheckOptions());
        Assert.True(after2.Status is DiskCheckStatus.Clean or DiskCheckStatus.LeaksOnly, $"{context}: {string.Join("; ", after2.Problems)}");
        var repaired = Format.Check(writable, new DiskCheckOptions { Repair = true });
        Assert.Equal(DiskCheckStatus.Clean, repaired.Status);
    }

    private static VirtualDisk OpenDisk(IBlockStorage storage, InMemoryParents? parents)
        => DiskFormats.Open(storage, new DiskOpenOptions { Format = DiskFormat.Vhdx, Parents = parents, Writable = true });

    private static (long Capacity, byte[][] Windows) Snapshot(VirtualDisk disk) => (disk.Capacity, Read(disk));

    /// <summary>What the file holds once everything written so far reached the disk (works after closing too).</summary>
    private static (long Capacity, byte[][] Windows) Snapshot(CrashStorage storage, InMemoryParents? parents)
    {
        using var disk = DiskFormats.Open(storage.Everything().Clone(writable: false), new DiskOpenOptions { Format = DiskFormat.Vhdx, Parents = parents });
        return Snapshot(disk);
    }

    private static byte[][] Read(VirtualDisk disk)
    {
        var windows = new byte[Windows.Length][];
        for (var w = 0; w < Windows.Length; w++)
        {
            windows[w] = new byte[Windows[w].Length];
            var n = (int)Math.Max(0, Math.Min(Windows[w].Length, disk.Capacity - Windows[w].Offset));
            if (n > 0)
            {
                disk.Read(Windows[w].Offset, windows[w].AsSpan(0, n));
            }
        }

        return windows;
    }

    private static MemoryBlockStorage DynamicBase()
    {
        var (storage, disk) = CreateInMemory(16L << 20);
        disk.Write(0, Pattern(1 << 20, 9));
        disk.Dispose();
        return storage;
    }

    private static byte[] ToArray(CowStorage storage)
    {
        var bytes = new byte[storage.Length];
        storage.ReadAt(0, bytes);
        return bytes;
    }
}
