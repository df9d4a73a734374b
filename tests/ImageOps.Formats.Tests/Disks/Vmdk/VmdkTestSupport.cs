using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Vmdk;

/// <summary>Helpers shared by the VMDK tests: whole-disk reads, qemu-made references, patterns.</summary>
internal static class VmdkTestSupport
{
    public static readonly VmdkFormat Format = new();

    public static byte[] ReadAll(VirtualDisk disk)
    {
        var data = new byte[disk.Capacity];
        disk.Read(0, data);
        return data;
    }

    /// <summary>The disk's content as qemu reads it (qemu-img convert to raw).</summary>
    public static byte[] QemuRead(string path, TempFolder dir, string format = "vmdk")
    {
        var raw = dir.Combine(Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 6) + ".raw");
        QemuImg.Convert(path, format, raw, "raw");
        var bytes = File.ReadAllBytes(raw);
        File.Delete(raw);
        return bytes;
    }

    /// <summary>Runs qemu-io commands that must all succeed and verify.</summary>
    public static void QemuIo(string path, params string[] commands)
    {
        var result = QemuImg.Io("vmdk", path, commands);
        Assert.True(result.ExitCode == 0 && !result.Out.Contains("verification failed") && !result.Err.Contains("failed"), $"qemu-io {string.Join("; ", commands)}: {result.Out} {result.Err}");
    }

    /// <summary>qemu-img map --output=json of one layer, as allocation ranges (present=false: unallocated; zero without data: zero).</summary>
    public static List<AllocationRange> QemuMap(string path, string format = "vmdk")
    {
        var result = QemuImg.Run("map", "--output=json", "-f", format, path).EnsureSuccess("qemu-img map");
        var ranges = JsonDocument.Parse(result.Out).RootElement.EnumerateArray()
            .Select(e => new AllocationRange(
                e.GetProperty("start").GetInt64(),
                e.GetProperty("length").GetInt64(),
                e.GetProperty("data").GetBoolean() ? AllocationKind.Data : e.GetProperty("present").GetBoolean() ? AllocationKind.Zero : AllocationKind.Unallocated));
        return ImageOps.Formats.Disks.Chains.ChainAllocation.Coalesce(ranges).ToList();
    }

    /// <summary>Fills <paramref name="writer"/> from <paramref name="source"/> the way the conversion engine does: chunks in order, all-zero chunks skipped, Transform in parallel.</summary>
    public static void Copy(VirtualDisk source, DiskWriter writer, bool parallel = true)
    {
        var chunk = writer.ChunkSize;
        var count = (int)((source.Capacity + chunk - 1) / chunk);
        for (var batch = 0; batch < count; batch += 8)
        {
            var n = Math.Min(8, count - batch);
            var payloads = new byte[n][];
            var lengths = new int[n];
            var transformed = new bool[n];
            var zero = new bool[n];
            void Prepare(int i)
            {
                var offset = (long)(batch + i) * chunk;
                var data = new byte[(int)Math.Min(chunk, source.Capacity - offset)];
                source.Read(offset, data);
                if (ZeroDetector.IsAllZero(data))
                {
                    zero[i] = true;
                    return;
                }

                if (writer.TransformsChunks)
                {
                    var output = new byte[writer.MaxTransformedSize];
                    var length = writer.Transform(offset, data, output);
                    if (length >= 0)
                    {
                        payloads[i] = output;
                        lengths[i] = length;
                        transformed[i] = true;
                        return;
                    }
                }

                payloads[i] = data;
                lengths[i] = data.Length;
            }

            if (parallel)
            {
                System.Threading.Tasks.Parallel.For(0, n, Prepare);
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    Prepare(i);
                }
            }

            for (var i = 0; i < n; i++)
            {
                if (!zero[i])
                {
                    writer.Write((long)(batch + i) * chunk, payloads[i].AsSpan(0, lengths[i]), transformed[i]);
                }
            }
        }

        writer.Complete();
    }

    /// <summary>Writes a raw file with qemu-io patterns and returns its path.</summary>
    public static string RawSource(TempFolder dir, string name, long size, params string[] writes)
    {
        var path = dir.Combine(name);
        QemuImg.Create("raw", path, size);
        if (writes.Length > 0)
        {
            QemuImg.Io("raw", path, writes).EnsureSuccess("qemu-io");
        }

        return path;
    }

    /// <summary>A deterministic non-repeating pattern (compresses a little, like real data).</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        var x = (uint)(seed * 2654435761u + 12345);
        for (var i = 0; i < length; i++)
        {
            x = x * 1103515245 + 12345;
            data[i] = (i / 64 % 3 == 0) ? (byte)(x >> 24) : (byte)(seed + i / 512);
        }

        return data;
    }

    /// <summary>qemu-img info's format-specific data.</summary>
    public static JsonElement QemuVmdkInfo(string path) => QemuImg.Info(path, "vmdk").GetProperty("format-specific").GetProperty("data");

    /// <summary>Rewrites the descriptor embedded in a sparse VMDK file (sector 1, 20 sectors) with <paramref name="edit"/>.</summary>
    public static void PatchDescriptor(string path, Func<string, string> edit)
    {
        var file = File.ReadAllBytes(path);
        var text = System.Text.Encoding.UTF8.GetString(file, 512, 20 * 512).TrimEnd('\0');
        var patched = System.Text.Encoding.UTF8.GetBytes(edit(text));
        Assert.True(patched.Length <= 20 * 512);
        Array.Clear(file, 512, 20 * 512);
        patched.CopyTo(file, 512);
        File.WriteAllBytes(path, file);
    }

    public static DiskOpenOptions ReadOnly(string? root = null) => new() { Parents = root is null ? null : new ImageOps.Formats.Disks.Chains.ParentResolver(new[] { root }) };

    public static MemoryBlockStorage Memory(string name = "/memory/disk.vmdk") => new(name);

    public static byte[] Bytes(this MemoryBlockStorage storage) => storage.ToArray();
}
