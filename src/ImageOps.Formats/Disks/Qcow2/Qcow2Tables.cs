using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>Reads and writes the big-endian 64-bit entry tables of qcow2 (L1, L2, refcount table).</summary>
internal static class Qcow2Tables
{
    public static ulong[] Read(IBlockStorage storage, long offset, int entries, string structure)
    {
        var bytes = new byte[(long)entries * 8];
        storage.ReadExactly(offset, bytes, Qcow2Header.FormatName, structure);
        var result = new ulong[entries];
        for (var i = 0; i < entries; i++)
        {
            result[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i * 8));
        }

        return result;
    }

    public static void Encode(ReadOnlySpan<ulong> entries, Span<byte> destination)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination.Slice(i * 8), entries[i]);
        }
    }

    public static void WriteEntry(IBlockStorage storage, long tableOffset, long index, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        storage.WriteAt(tableOffset + (index * 8), bytes);
    }

    public static void WriteEntries(IBlockStorage storage, long tableOffset, ulong[] table, int first, int count)
    {
        var bytes = new byte[count * 8];
        Encode(table.AsSpan(first, count), bytes);
        storage.WriteAt(tableOffset + (first * 8L), bytes);
    }
}

/// <summary>
/// Decoded L2 tables by host offset, shared by concurrent readers. Bounded: past its capacity the
/// cache is emptied (tables are re-read on demand), so memory never grows with the image.
/// </summary>
internal sealed class Qcow2L2Cache
{
    private readonly ConcurrentDictionary<long, ulong[]> _tables = new();
    private readonly int _capacity;

    public Qcow2L2Cache(int clusterSize, long budgetBytes = 32L << 20)
    {
        _capacity = (int)Math.Max(16, budgetBytes / clusterSize);
    }

    public ulong[] Get(IBlockStorage storage, long offset, int clusterSize)
    {
        if (_tables.TryGetValue(offset, out var table))
        {
            return table;
        }

        table = Qcow2Tables.Read(storage, offset, clusterSize / 8, "L2 table");
        if (_tables.Count >= _capacity)
        {
            _tables.Clear();
        }

        _tables[offset] = table;
        return table;
    }

    public void Put(long offset, ulong[] table)
    {
        if (_tables.Count >= _capacity)
        {
            _tables.Clear();
        }

        _tables[offset] = table;
    }

    public void Remove(long offset) => _tables.TryRemove(offset, out _);

    public void Clear() => _tables.Clear();
}
