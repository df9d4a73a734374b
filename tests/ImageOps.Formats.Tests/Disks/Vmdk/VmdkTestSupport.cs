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

    /// <summary>qemu-img map --output=json as (start, length, data, zero, depth).</summary>
    public static List<(long Start, long Length, bool Data, bool Zero, int Depth)> QemuMap(string path, string format = "vmdk")
    {
        var result = QemuImg.Run("map", "--output=json", "-f", format, path).EnsureSuccess("qemu-img map");
        return JsonDocument.Parse(result.Out).RootElement.EnumerateArray()
            .Select(e => (e.GetProperty("start").GetInt64(), e.GetProperty("length").GetInt64(), e.GetProperty("data").GetBoolean(), e.GetProperty("zero").GetBoolean(), e.TryGetProperty("depth", out var d) ? d.GetInt32() : 0))
            .ToList();
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

    public static DiskOpenOptions ReadOnly(string? root = null) => new() { Parents = root is null ? null : new ImageOps.Formats.Disks.Chains.ParentResolver(new[] { root }) };

    public static MemoryBlockStorage Memory(string name = "/memory/disk.vmdk") => new(name);

    public static byte[] Bytes(this MemoryBlockStorage storage) => storage.ToArray();
}
