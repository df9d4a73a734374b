using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// Reference counts of a writable image, kept on disk at every step in qemu's order: a cluster's
/// refcount is raised before anything refers to it and lowered only after the last reference is
/// gone, so a crash at any write leaves at worst leaked clusters (qemu-img check exit 3), never a
/// reference to a cluster counted as free. New clusters are taken at the end of the file; clusters
/// freed by copy-on-write are left as holes with refcount 0 (qemu reuses them; that is the one
/// difference, and it costs only space).
/// </summary>
internal sealed class Qcow2RefcountManager
{
    private readonly IBlockStorage _storage;
    private readonly Qcow2Header _header;
    private readonly Qcow2Layout _layout;
    private readonly Dictionary<long, byte[]> _blocks = new();
    private ulong[] _table;
    private long _end;

    public Qcow2RefcountManager(IBlockStorage storage, Qcow2Header header, Qcow2Layout layout)
    {
        _storage = storage;
        _header = header;
        _layout = layout;
        _table = Qcow2Tables.Read(storage, header.RefcountTableOffset, header.RefcountTableClusters * layout.ClusterSize / 8, "refcount table");
        _end = (storage.Length + layout.ClusterSize - 1) >> layout.ClusterBits;
        for (var i = 0; i < _table.Length; i++)
        {
            var offset = _table[i] & Qcow2Layout.RefcountTableOffsetMask;
            if (offset != 0)
            {
                if ((offset & (ulong)(layout.ClusterSize - 1)) != 0 || offset >= (ulong)storage.Length)
                {
                    throw new CorruptImageException(storage.Name, Qcow2Header.FormatName, header.RefcountTableOffset + (i * 8L), "refcount table", $"refcount block {i} at {offset} is unaligned or outside the file; run a check with repair", "Qcow2RefcountTableCorrupt");
                }
            }
        }
    }

    /// <summary>Set to make every ordering point durable (fsync) rather than only ordered.</summary>
    public Action? Barrier { get; set; }

    public ulong Get(long cluster)
    {
        var blockIndex = cluster >> _layout.RefcountBlockBits;
        if (blockIndex >= _table.Length)
        {
            return 0;
        }

        var block = Block(blockIndex);
        return block is null ? 0 : Qcow2RefcountBlock.Get(block, _layout.RefcountOrder, cluster & (_layout.RefcountBlockEntries - 1));
    }

    /// <summary>Sets refcounts of clusters [first, first+count) to <paramref name="value"/>; their blocks must exist.</summary>
    public void SetRange(long first, long count, ulong value)
    {
        var cluster = first;
        var end = first + count;
        while (cluster < end)
        {
            var blockIndex = cluster >> _layout.RefcountBlockBits;
            var inBlock = cluster & (_layout.RefcountBlockEntries - 1);
            var n = Math.Min(end - cluster, _layout.RefcountBlockEntries - inBlock);
            var block = Block(blockIndex) ?? throw new InvalidOperationException($"No refcount block covers cluster {cluster}.");
            for (var i = 0L; i < n; i++)
            {
                Qcow2RefcountBlock.Set(block, _layout.RefcountOrder, inBlock + i, value);
            }

            WriteBlockRange(blockIndex, block, inBlock, n);
            cluster += n;
        }
    }

    /// <summary>Lowers the refcount of every cluster overlapping [offset, offset+length) by one.</summary>
    public void Release(long offset, long length)
    {
        var first = offset >> _layout.ClusterBits;
        var last = (offset + length - 1) >> _layout.ClusterBits;
        for (var c = first; c <= last; c++)
        {
            var value = Get(c);
            if (value == 0)
            {
                throw new CorruptImageException(_storage.Name, Qcow2Header.FormatName, c << _layout.ClusterBits, "refcount block", "a cluster in use has refcount 0; run a check with repair", "Qcow2RefcountCorrupt");
            }

            SetRange(c, 1, value - 1);
        }
    }

    /// <summary>Raises the refcount of one cluster (used when a copy-on-write keeps sharing).</summary>
    public void AddReference(long cluster)
    {
        var value = Get(cluster);
        if (value >= _layout.RefcountMax)
        {
            throw new UnsupportedFeatureException("qcow2 refcount overflow", $"A cluster of '{_storage.Name}' is shared more often than refcount_bits={_layout.RefcountBits} can count.", _storage.Name, "Qcow2RefcountOverflow");
        }

        SetRange(cluster, 1, value + 1);
    }

    /// <summary>
    /// Allocates <paramref name="count"/> contiguous clusters at the end of the file with refcount 1
    /// (written before the caller refers to them) and returns the byte offset of the first.
    /// </summary>
    public long Allocate(int count)
    {
        while (true)
        {
            var start = _end;
            var lastBlock = (start + count - 1) >> _layout.RefcountBlockBits;
            if (lastBlock >= _table.Length)
            {
                GrowTable(lastBlock + 1);
                continue;
            }

            var missing = -1L;
            for (var b = start >> _layout.RefcountBlockBits; b <= lastBlock; b++)
            {
                if ((_table[b] & Qcow2Layout.RefcountTableOffsetMask) == 0)
                {
                    missing = b;
                    break;
                }
            }

            if (missing >= 0)
            {
                AddBlock(missing);
                continue;
            }

            SetRange(start, count, 1);
            _end = start + count;
            return start << _layout.ClusterBits;
        }
    }

    private void AddBlock(long missing)
    {
        // The new block goes at the end; it is counted either by itself (when it covers its own
        // cluster) or by the existing block that covers that cluster, before the table points at it.
        var blockCluster = _end++;
        var content = new byte[_layout.ClusterSize];
        if (blockCluster >> _layout.RefcountBlockBits == missing)
        {
            Qcow2RefcountBlock.Set(content, _layout.RefcountOrder, blockCluster & (_layout.RefcountBlockEntries - 1), 1);
        }
        else
        {
            SetRange(blockCluster, 1, 1);
        }

        _storage.WriteAt(blockCluster << _layout.ClusterBits, content);
        Barrier?.Invoke();
        _blocks[missing] = content;
        _table[missing] = (ulong)(blockCluster << _layout.ClusterBits);
        Qcow2Tables.WriteEntry(_storage, _header.RefcountTableOffset, missing, _table[missing]);
    }

    /// <summary>
    /// Moves the refcount table to a larger one at the end of the file, qemu's way: new blocks and
    /// the new table are written and counted first, the header switches to them in one write, and
    /// only then is the old table released (a crash before that leaks it).
    /// </summary>
    private void GrowTable(long neededEntries)
    {
        var perCluster = _layout.RefcountTableEntriesPerCluster;
        var entries = Math.Max(neededEntries + 1, _table.Length + (_table.Length / 2));
        var tableStart = _end;
        List<long> newBlocks;
        long tableClusters;
        while (true)
        {
            tableClusters = Qcow2RefcountBlock.DivRoundUp(entries, perCluster);
            newBlocks = new List<long>();

            // Blocks needed to count the new table and the new blocks themselves (fixed point).
            while (true)
            {
                var regionEnd = tableStart + tableClusters + newBlocks.Count;
                var needed = new List<long>();
                for (var b = tableStart >> _layout.RefcountBlockBits; b <= (regionEnd - 1) >> _layout.RefcountBlockBits; b++)
                {
                    if (b >= _table.Length || (_table[b] & Qcow2Layout.RefcountTableOffsetMask) == 0)
                    {
                        needed.Add(b);
                    }
                }

                if (needed.Count == newBlocks.Count)
                {
                    newBlocks = needed;
                    break;
                }

                newBlocks = needed;
            }

            if (newBlocks.Count == 0 || newBlocks[newBlocks.Count - 1] < tableClusters * perCluster)
            {
                entries = tableClusters * perCluster;
                break;
            }

            entries = newBlocks[newBlocks.Count - 1] + 1;
        }

        if (tableClusters * _layout.ClusterSize > Qcow2Header.MaxRefcountTableBytes)
        {
            throw new UnsupportedFeatureException("qcow2 refcount table size", $"'{_storage.Name}' would need a refcount table larger than qemu's limit of {Qcow2Header.MaxRefcountTableBytes} bytes.", _storage.Name, "Qcow2ImageTooLarge");
        }

        var regionStart = tableStart;
        var regionLength = tableClusters + newBlocks.Count;
        var blocksStart = tableStart + tableClusters;
        var newBlockContent = new Dictionary<long, byte[]>();
        for (var i = 0; i < newBlocks.Count; i++)
        {
            newBlockContent[newBlocks[i]] = new byte[_layout.ClusterSize];
        }

        for (var c = regionStart; c < regionStart + regionLength; c++)
        {
            var b = c >> _layout.RefcountBlockBits;
            if (newBlockContent.TryGetValue(b, out var content))
            {
                Qcow2RefcountBlock.Set(content, _layout.RefcountOrder, c & (_layout.RefcountBlockEntries - 1), 1);
            }
            else
            {
                SetRange(c, 1, 1);
            }
        }

        var newTable = new ulong[entries];
        Array.Copy(_table, newTable, _table.Length);
        for (var i = 0; i < newBlocks.Count; i++)
        {
            var at = blocksStart + i;
            _storage.WriteAt(at << _layout.ClusterBits, newBlockContent[newBlocks[i]]);
            newTable[newBlocks[i]] = (ulong)(at << _layout.ClusterBits);
        }

        var tableBytes = new byte[tableClusters * _layout.ClusterSize];
        Qcow2Tables.Encode(newTable, tableBytes);
        _storage.WriteAt(tableStart << _layout.ClusterBits, tableBytes);
        Barrier?.Invoke();

        var oldOffset = _header.RefcountTableOffset;
        var oldClusters = _header.RefcountTableClusters;
        var headerFields = new byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(headerFields, (ulong)(tableStart << _layout.ClusterBits));
        BinaryPrimitives.WriteUInt32BigEndian(headerFields.AsSpan(8), (uint)tableClusters);
        _storage.WriteAt(Qcow2Header.OffsetRefcountTableOffset, headerFields);
        Barrier?.Invoke();
        _header.RefcountTableOffset = tableStart << _layout.ClusterBits;
        _header.RefcountTableClusters = (int)tableClusters;
        _table = newTable;
        foreach (var pair in newBlockContent)
        {
            _blocks[pair.Key] = pair.Value;
        }

        _end = regionStart + regionLength;
        Release(oldOffset, (long)oldClusters << _layout.ClusterBits);
    }

    private byte[]? Block(long blockIndex)
    {
        if (_blocks.TryGetValue(blockIndex, out var block))
        {
            return block;
        }

        var offset = (long)(_table[blockIndex] & Qcow2Layout.RefcountTableOffsetMask);
        if (offset == 0)
        {
            return null;
        }

        block = new byte[_layout.ClusterSize];
        _storage.ReadExactly(offset, block, Qcow2Header.FormatName, "refcount block");
        if (_blocks.Count > 1024)
        {
            _blocks.Clear();
        }

        _blocks[blockIndex] = block;
        return block;
    }

    private void WriteBlockRange(long blockIndex, byte[] block, long firstEntry, long count)
    {
        var (offset, length) = Qcow2RefcountBlock.ByteRange(_layout.RefcountOrder, firstEntry, count);
        var blockOffset = (long)(_table[blockIndex] & Qcow2Layout.RefcountTableOffsetMask);
        _storage.WriteAt(blockOffset + offset, block.AsSpan(offset, length));
    }
}
