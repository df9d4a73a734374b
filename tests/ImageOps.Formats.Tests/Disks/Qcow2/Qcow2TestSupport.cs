using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Qcow2;

/// <summary>Shared helpers for the qcow2 tests: conversions through the writer, byte and map comparisons against qemu.</summary>
internal static class Qcow2TestSupport
{
    public static IDiskFormat Format => DiskFormats.Get(DiskFormat.Qcow2);

    /// <summary>Pumps <paramref name="source"/> into <paramref name="writer"/> as the engine does: ascending chunks, zero chunks skipped, Transform in parallel.</summary>
    public static void Pump(VirtualDisk source, DiskWriter writer, bool flattenChain = true)
    {
        var chunk = writer.ChunkSize;
        var offsets = new List<long>();
        for (long o = 0; o < source.Capacity; o += chunk)
        {
            offsets.Add(o);
        }

        // Batches of chunks transformed in parallel, written in order.
        const int batch = 8;
        for (var i = 0; i < offsets.Count; i += batch)
        {
            var group = offsets.Skip(i).Take(batch).ToArray();
            var inputs = new byte[group.Length][];
            var outputs = new byte[group.Length][];
            var lengths = new int[group.Length];
            Parallel.For(0, group.Length, k =>
            {
                var length = (int)Math.Min(chunk, source.Capacity - group[k]);
                inputs[k] = new byte[length];
                source.Read(group[k], inputs[k]);
                if (ZeroDetector.IsAllZero(inputs[k]))
                {
                    lengths[k] = -2;
                    return;
                }

                if (writer.TransformsChunks)
                {
                    outputs[k] = new byte[writer.MaxTransformedSize];
                    lengths[k] = writer.Transform(group[k], inputs[k], outputs[k]);
                }
                else
                {
                    lengths[k] = -1;
                }
            });
            for (var k = 0; k < group.Length; k++)
            {
                if (lengths[k] == -2)
                {
                    if (source.Parent is not null && !flattenChain)
                    {
                        writer.WriteZeros(group[k], inputs[k].Length);
                    }

                    continue;
                }

                if (lengths[k] >= 0)
                {
                    writer.Write(group[k], outputs[k].AsSpan(0, lengths[k]), transformed: true);
                }
                else
                {
                    writer.Write(group[k], inputs[k], transformed: false);
                }
            }
        }

        writer.Complete();
    }

    public static byte[] ReadAll(VirtualDisk disk)
    {
        var bytes = new byte[disk.Capacity];
        disk.Read(0, bytes);
        return bytes;
    }

    public static byte[] Pattern(int length, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Compressible but not trivial data, like real disk content.</summary>
    public static byte[] TextLike(int length, int seed)
    {
        var random = new Random(seed);
        var words = new[] { "alpha ", "beta ", "gamma ", "delta ", "driver ", "windows ", "system32 ", "\r\n", "0x1234 ", "registry " };
        var bytes = new byte[length];
        var i = 0;
        while (i < length)
        {
            var w = System.Text.Encoding.ASCII.GetBytes(words[random.Next(words.Length)]);
            var n = Math.Min(w.Length, length - i);
            Array.Copy(w, 0, bytes, i, n);
            i += n;
        }

        return bytes;
    }

    /// <summary>qemu-img map --output=json as (start, length, data, zero) ranges.</summary>
    public static List<(long Start, long Length, bool Data, bool Zero, int Depth)> QemuMap(string path)
    {
        var result = QemuImg.Run("map", "--output=json", "-f", "qcow2", path).EnsureSuccess("qemu-img map");
        using var doc = JsonDocument.Parse(result.Out);
        return doc.RootElement.EnumerateArray().Select(e => (e.GetProperty("start").GetInt64(), e.GetProperty("length").GetInt64(), e.GetProperty("data").GetBoolean(), e.GetProperty("zero").GetBoolean(), e.GetProperty("depth").GetInt32())).ToList();
    }

    /// <summary>Asserts our top-layer allocation map agrees with qemu's (depth 0 = this layer).</summary>
    public static void AssertMapMatchesQemu(string path)
    {
        using var disk = DiskFormats.Open(path, new DiskOpenOptions { SkipParents = true });
        foreach (var q in QemuMap(path))
        {
            foreach (var ours in disk.GetAllocation(q.Start, q.Length))
            {
                var expected = q.Depth > 0 ? AllocationKind.Unallocated
                    : q.Data ? AllocationKind.Data
                    : q.Zero ? AllocationKind.Zero
                    : AllocationKind.Unallocated;

                // qemu reports unallocated ranges of a layer without backing as depth 0, zero, not present.
                if (expected == AllocationKind.Zero && ours.Kind == AllocationKind.Unallocated && disk.Parent is null)
                {
                    continue;
                }

                Assert.True(expected == ours.Kind, $"At {ours}: qemu says data={q.Data} zero={q.Zero} depth={q.Depth} for [{q.Start}, +{q.Length})");
            }
        }
    }

    public static void AssertQemuCheckClean(string path)
    {
        var check = QemuImg.Check(path, "qcow2");
        Assert.True(check.ExitCode == 0, $"qemu-img check exited {check.ExitCode}: {check.Out}{check.Err}");
    }

    public static void AssertSameAsQemuRaw(string qcow2, TempFolder dir)
    {
        var raw = dir.Combine(Guid.NewGuid().ToString("N") + ".raw");
        QemuImg.Convert(qcow2, "qcow2", raw, "raw");
        var expected = File.ReadAllBytes(raw);
        using var disk = DiskFormats.Open(qcow2);
        Assert.Equal(expected.Length, disk.Capacity);
        var actual = ReadAll(disk);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "our bytes differ from qemu-img convert's");
        File.Delete(raw);
    }
}
