using ImageOps.Tests.Disks;
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhd;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Vhd;

/// <summary>Builds, patches and compares VHD images for the VHD tests.</summary>
internal static class VhdTestSupport
{
    public static readonly VhdFormat Format = new();

    /// <summary>Deterministic non-zero bytes that differ by offset and seed.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        var state = (uint)(seed * 2654435761u) | 1;
        for (var i = 0; i < length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            bytes[i] = (byte)(state | 1);
        }

        return bytes;
    }

    public static MemoryBlockStorage NewDynamic(long capacity, int? blockSize = null, string name = "/memory/disk.vhd")
    {
        var storage = new MemoryBlockStorage(name);
        Format.Create(storage, new DiskCreateOptions { Capacity = capacity, Variant = DiskVariant.Dynamic, ClusterSize = blockSize }).Dispose();
        return storage;
    }

    public static MemoryBlockStorage NewFixed(long capacity, string name = "/memory/fixed.vhd")
    {
        var storage = new MemoryBlockStorage(name);
        Format.Create(storage, new DiskCreateOptions { Capacity = capacity, Variant = DiskVariant.Fixed }).Dispose();
        return storage;
    }

    public static VirtualDisk Open(IBlockStorage storage, bool writable = false, ParentResolver? parents = null, bool skipParents = false)
        => DiskFormats.Open(storage, new DiskOpenOptions { Writable = writable, Format = DiskFormat.Vhd, Parents = parents ?? new InMemoryParents(), SkipParents = skipParents });

    public static MemoryBlockStorage Copy(MemoryBlockStorage storage, string? name = null)
        => new(storage.ToArray(), name ?? storage.Name);

    public static byte[] ReadAll(VirtualDisk disk)
    {
        var bytes = new byte[disk.Capacity];
        disk.Read(0, bytes);
        return bytes;
    }

    public static uint ReadBe32(byte[] bytes, long offset) => BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)offset));

    public static void WriteBe32(byte[] bytes, long offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan((int)offset), value);

    public static void WriteBe64(byte[] bytes, long offset, ulong value) => BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan((int)offset), value);

    /// <summary>Recomputes the footer checksum of the 512 bytes at <paramref name="offset"/>.</summary>
    public static void FixFooterChecksum(byte[] bytes, long offset)
        => WriteBe32(bytes, offset + VhdFooter.ChecksumOffset, VhdFooter.ComputeChecksum(bytes.AsSpan((int)offset, VhdFooter.Size), VhdFooter.ChecksumOffset));

    /// <summary>Recomputes the dynamic disk header checksum at <paramref name="offset"/>.</summary>
    public static void FixHeaderChecksum(byte[] bytes, long offset)
        => WriteBe32(bytes, offset + VhdDynamicHeader.ChecksumOffset, VhdFooter.ComputeChecksum(bytes.AsSpan((int)offset, VhdDynamicHeader.Size), VhdDynamicHeader.ChecksumOffset));

    /// <summary>Applies <paramref name="patch"/> to both footers of a dynamic image and fixes their checksums.</summary>
    public static void PatchFooters(byte[] bytes, Action<byte[], long> patch)
    {
        foreach (var at in new[] { 0L, bytes.Length - VhdFooter.Size })
        {
            patch(bytes, at);
            FixFooterChecksum(bytes, at);
        }
    }

    /// <summary>The data ranges of qemu-img map --output=json (allocated in the top layer).</summary>
    public static List<(long Start, long Length)> QemuDataRanges(string path, string format = "vpc")
    {
        var result = QemuImg.Run("map", "--output=json", "-f", format, path).EnsureSuccess("qemu-img map");
        var ranges = new List<(long, long)>();
        foreach (var entry in JsonDocument.Parse(result.Out).RootElement.EnumerateArray())
        {
            if (entry.GetProperty("data").GetBoolean())
            {
                ranges.Add((entry.GetProperty("start").GetInt64(), entry.GetProperty("length").GetInt64()));
            }
        }

        return Merge(ranges);
    }

    public static List<(long Start, long Length)> DataRanges(VirtualDisk disk)
        => Merge(disk.GetAllocation(0, disk.Capacity).Where(r => r.Kind == AllocationKind.Data).Select(r => (r.Offset, r.Length)).ToList());

    /// <summary>Converts an image to raw with qemu-img and returns its bytes.</summary>
    public static byte[] QemuRawBytes(string path, string format, TempFolder dir)
    {
        var raw = dir.Combine(Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 6) + ".raw");
        QemuImg.Convert(path, format, raw, "raw");
        return File.ReadAllBytes(raw);
    }

    /// <summary>Copies <paramref name="source"/> through a VHD writer, skipping all-zero chunks as the engine does.</summary>
    public static void Convert(VirtualDisk source, DiskWriter writer, bool differencingZeros = false)
    {
        var chunk = new byte[writer.ChunkSize];
        for (long offset = 0; offset < source.Capacity; offset += chunk.Length)
        {
            var n = (int)Math.Min(chunk.Length, source.Capacity - offset);
            var span = chunk.AsSpan(0, n);
            source.Read(offset, span);
            if (!ZeroDetector.IsAllZero(span))
            {
                writer.Write(offset, span, transformed: false);
            }
            else if (differencingZeros)
            {
                writer.WriteZeros(offset, n);
            }
        }

        writer.Complete();
    }

    private static List<(long Start, long Length)> Merge(List<(long Start, long Length)> ranges)
    {
        var merged = new List<(long Start, long Length)>();
        foreach (var (start, length) in ranges.OrderBy(r => r.Start))
        {
            if (merged.Count > 0 && merged[^1].Start + merged[^1].Length == start)
            {
                merged[^1] = (merged[^1].Start, merged[^1].Length + length);
            }
            else
            {
                merged.Add((start, length));
            }
        }

        return merged;
    }
}

/// <summary>
/// Storage that "dies" after a number of mutating calls: every later write, resize and flush is
/// silently dropped, so the underlying bytes are exactly what a killed process leaves on disk.
/// </summary>
internal sealed class KillableStorage : IBlockStorage
{
    private readonly MemoryBlockStorage _inner;
    private int _budget;

    public KillableStorage(MemoryBlockStorage inner, int budget)
    {
        _inner = inner;
        _budget = budget;
    }

    public int Operations { get; private set; }

    public bool Killed => _budget < 0;

    public string Name => _inner.Name;

    public long Length => _inner.Length;

    public bool CanWrite => true;

    public MemoryBlockStorage Inner => _inner;

    public int ReadAt(long offset, Span<byte> buffer) => _inner.ReadAt(offset, buffer);

    public void WriteAt(long offset, ReadOnlySpan<byte> data)
    {
        if (Spend())
        {
            _inner.WriteAt(offset, data);
        }
    }

    public void SetLength(long length)
    {
        if (Spend())
        {
            _inner.SetLength(length);
        }
    }

    public void Flush(bool durable) => Spend();

    public void Dispose()
    {
    }

    private bool Spend()
    {
        Operations++;
        return --_budget >= 0;
    }
}
