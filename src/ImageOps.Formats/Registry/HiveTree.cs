using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Formats.Registry;

/// <summary>
/// Typed, checked access to the records of a hive: key nodes, their subkeys lists and values, value
/// data (inline, one cell or big data), security items and class names. Every reference is checked
/// against the cell map before it is followed, every count against the cell that holds it, and the
/// tree shape is enforced (a subkey's parent field names the key it is listed under, the root is never
/// a subkey, an index root never points at an index root), so no input makes a walk loop or allocate
/// more than the file justifies (HOSTILE.md, Registry cells).
/// </summary>
internal sealed class HiveTree
{
    public HiveTree(HiveStorage storage, uint root, uint minorVersion)
    {
        Storage = storage;
        Root = root;
        MinorVersion = minorVersion;
    }

    public HiveStorage Storage { get; }

    public uint Root { get; }

    public uint MinorVersion { get; }

    public string Path => Storage.Path;

    /// <summary>Big data ("db") is used for long values from version 1.4 on.</summary>
    public bool UsesBigData => MinorVersion >= BigData.FirstMinorVersion;

    public KeyNode Key(uint offset)
    {
        var node = KeyNode.TryParse(Storage.Cell(offset, "key node"), out var problem);
        return node ?? throw HiveErrors.CorruptCell(Path, offset, "key node", problem!);
    }

    public static string NameOf(KeyNode node) => HiveNames.Decode(node.NameBytes, node.CompressedName);

    public KeyValue Value(uint offset)
    {
        var value = KeyValue.TryParse(Storage.Cell(offset, "key value"), out var problem);
        return value ?? throw HiveErrors.CorruptCell(Path, offset, "key value", problem!);
    }

    public static string NameOf(KeyValue value) => HiveNames.Decode(value.NameBytes, value.CompressedName);

    public KeySecurity Security(uint offset)
    {
        var security = KeySecurity.TryParse(Storage.Cell(offset, "key security"), out var problem);
        return security ?? throw HiveErrors.CorruptCell(Path, offset, "key security", problem!);
    }

    public SubkeysList List(uint offset)
    {
        var list = SubkeysList.TryParse(Storage.Cell(offset, "subkeys list"), out var problem);
        return list ?? throw HiveErrors.CorruptCell(Path, offset, "subkeys list", problem!);
    }

    /// <summary>
    /// The leaves of a key's subkeys list, in order: the list itself when it is a leaf, else the leaves
    /// an index root names. An index root naming an index root, or the same leaf twice, is damage.
    /// </summary>
    public List<(uint Offset, SubkeysList Leaf)> Leaves(uint keyOffset, KeyNode node)
    {
        var leaves = new List<(uint, SubkeysList)>();
        if (node.SubkeyCount == 0)
        {
            return leaves;
        }

        var root = List(node.SubkeysList);
        if (root.IsLeaf)
        {
            leaves.Add((node.SubkeysList, root));
            return leaves;
        }

        var seen = new HashSet<uint>();
        foreach (var leafOffset in root.Offsets)
        {
            if (!seen.Add(leafOffset))
            {
                throw HiveErrors.CorruptCell(Path, node.SubkeysList, "index root", $"it names the leaf at 0x{leafOffset:X} twice");
            }

            var leaf = List(leafOffset);
            if (!leaf.IsLeaf)
            {
                throw HiveErrors.CorruptCell(Path, leafOffset, "index root", "an index root points to another index root (the format allows one level)");
            }

            leaves.Add((leafOffset, leaf));
        }

        return leaves;
    }

    /// <summary>
    /// The key nodes listed under a key, checked: the lists hold exactly the key's subkey count, each
    /// entry is an allocated key node whose parent is this key, and none is the root.
    /// </summary>
    public List<uint> Subkeys(uint keyOffset, KeyNode node)
    {
        var children = new List<uint>();
        if (node.SubkeyCount == 0)
        {
            return children;
        }

        foreach (var (leafOffset, leaf) in Leaves(keyOffset, node))
        {
            if (children.Count + leaf.Offsets.Length > node.SubkeyCount)
            {
                throw HiveErrors.CorruptCell(Path, keyOffset, "key node", $"its subkeys lists hold more entries than its subkey count {node.SubkeyCount}");
            }

            foreach (var child in leaf.Offsets)
            {
                CheckChild(keyOffset, leafOffset, child);
                children.Add(child);
            }
        }

        if (children.Count != node.SubkeyCount)
        {
            throw HiveErrors.CorruptCell(Path, keyOffset, "key node", $"its subkey count is {node.SubkeyCount} but its subkeys lists hold {children.Count}");
        }

        return children;
    }

    /// <summary>The subkey named <paramref name="name"/> (compared as Windows compares), or Nil.</summary>
    public uint FindSubkey(uint keyOffset, KeyNode node, string name)
    {
        if (node.SubkeyCount == 0)
        {
            return HiveCell.Nil;
        }

        var hash = HiveNames.Hash(name);
        var leaves = Leaves(keyOffset, node);
        foreach (var (leafOffset, leaf) in leaves)
        {
            for (var i = 0; i < leaf.Offsets.Length; i++)
            {
                // Windows looks names up in hash leaves by hash first (CmpFindSubKeyByHash); so do we.
                if (leaf.Kind == SubkeysListKind.HashLeaf && leaf.Hashes[i] != hash)
                {
                    continue;
                }

                if (NameMatches(keyOffset, leafOffset, leaf.Offsets[i], name))
                {
                    return leaf.Offsets[i];
                }
            }
        }

        // hivex hashes the UTF-8 bytes of a name with an ASCII-only upper-casing, so its hashes of
        // non-ASCII names differ from Windows'. Such keys are still found, by name.
        if (!HiveNames.IsAscii(name))
        {
            foreach (var (leafOffset, leaf) in leaves)
            {
                for (var i = 0; i < leaf.Offsets.Length; i++)
                {
                    if (leaf.Kind == SubkeysListKind.HashLeaf && leaf.Hashes[i] != hash && NameMatches(keyOffset, leafOffset, leaf.Offsets[i], name))
                    {
                        return leaf.Offsets[i];
                    }
                }
            }
        }

        return HiveCell.Nil;
    }

    private bool NameMatches(uint keyOffset, uint leafOffset, uint child, string name)
    {
        CheckChild(keyOffset, leafOffset, child);
        return HiveNames.Equal(NameOf(Key(child)), name);
    }

    /// <summary>The key at <paramref name="names"/> below the root, or Nil if any part is missing.</summary>
    public uint Resolve(IReadOnlyList<string> names)
    {
        var current = Root;
        foreach (var name in names)
        {
            current = FindSubkey(current, Key(current), name);
            if (current == HiveCell.Nil)
            {
                return HiveCell.Nil;
            }
        }

        return current;
    }

    /// <summary>The key value offsets of a key, bounded by the list cell; each must be an allocated cell.</summary>
    public uint[] ValueOffsets(uint keyOffset, KeyNode node)
    {
        if (node.ValueCount == 0 || (node.Flags & KeyNode.KeyPredefHandle) != 0)
        {
            return Array.Empty<uint>();
        }

        var cell = Storage.Cell(node.ValuesList, "key values list");
        if (node.ValueCount > (uint)(cell.Length / 4))
        {
            throw HiveErrors.CorruptCell(Path, keyOffset, "key node", $"its value count {node.ValueCount} exceeds the {cell.Length / 4} entries its values list cell can hold");
        }

        var offsets = new uint[node.ValueCount];
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(i * 4));
        }

        return offsets;
    }

    /// <summary>Index in the values list of the value named <paramref name="name"/>, or -1.</summary>
    public int FindValue(uint keyOffset, KeyNode node, string name, out uint valueOffset)
    {
        var offsets = ValueOffsets(keyOffset, node);
        for (var i = 0; i < offsets.Length; i++)
        {
            if (HiveNames.Equal(NameOf(Value(offsets[i])), name))
            {
                valueOffset = offsets[i];
                return i;
            }
        }

        valueOffset = HiveCell.Nil;
        return -1;
    }

    /// <summary>
    /// A value's data: from the offset field (4 bytes or less), one cell, or big data segments. Lengths
    /// are checked against the cells before anything is allocated.
    /// </summary>
    public byte[] ValueData(uint valueOffset, KeyValue value)
    {
        var length = value.DataLength;
        if (value.DataInOffset)
        {
            if (length > KeyValue.MaxInlineData)
            {
                throw HiveErrors.CorruptCell(Path, valueOffset, "key value", $"data of {length} bytes is marked as stored in the offset field, which holds at most 4");
            }

            var inline = new byte[length];
            var field = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(field, value.DataOffset);
            Array.Copy(field, inline, (int)length);
            return inline;
        }

        if (length == 0)
        {
            return Array.Empty<byte>();
        }

        if (length > (uint)Storage.HiveBinsDataSize)
        {
            throw HiveErrors.CorruptCell(Path, valueOffset, "key value", $"its data size {length} is larger than the whole hive");
        }

        if (IsBigData(value))
        {
            return BigDataBytes(valueOffset, value.DataOffset, (int)length);
        }

        var cell = Storage.Cell(value.DataOffset, "value data");
        if (cell.Length < length)
        {
            throw HiveErrors.CorruptCell(Path, value.DataOffset, "value data", $"the value needs {length} bytes but its data cell holds {cell.Length}");
        }

        return cell.Slice(0, (int)length).ToArray();
    }

    /// <summary>The cells a value's data occupies (none for inline data): the data cell, or the db record, its segment list and segments.</summary>
    public List<uint> DataCells(uint valueOffset, KeyValue value)
    {
        var cells = new List<uint>();
        if (value.DataInOffset || value.DataLength == 0)
        {
            return cells;
        }

        cells.Add(value.DataOffset);
        if (IsBigData(value))
        {
            var (record, segments) = BigDataSegments(valueOffset, value.DataOffset, (int)value.DataLength);
            cells.Add(record.SegmentList);
            cells.AddRange(segments);
        }

        return cells;
    }

    /// <summary>
    /// True when a value's data is a big data record: Windows uses one for data over 16344 bytes in
    /// version 1.4+ hives (CmpIsHKeyValueBig). hivex writes such data into one cell anyway; a data cell
    /// that can hold the whole value cannot be an 8-byte db record, so it is read as the data itself.
    /// </summary>
    public bool IsBigData(KeyValue value)
        => !value.DataInOffset && UsesBigData && value.DataLength > BigData.MaxSegmentSize
           && !(Storage.IsAllocatedCell(value.DataOffset) && Storage.CellCapacity(value.DataOffset) >= value.DataLength);

    private byte[] BigDataBytes(uint valueOffset, uint recordOffset, int length)
    {
        var (_, segments) = BigDataSegments(valueOffset, recordOffset, length);
        var data = new byte[length];
        var at = 0;
        foreach (var segment in segments)
        {
            var take = Math.Min(BigData.MaxSegmentSize, length - at);
            Storage.Cell(segment, "big data segment").Slice(0, take).CopyTo(data.AsSpan(at));
            at += take;
        }

        return data;
    }

    private (BigData Record, uint[] Segments) BigDataSegments(uint valueOffset, uint recordOffset, int length)
    {
        var record = BigData.TryParse(Storage.Cell(recordOffset, "big data"), out var problem)
            ?? throw HiveErrors.CorruptCell(Path, recordOffset, "big data", problem!);
        var needed = BigData.SegmentsFor(length);
        if (record.SegmentCount < needed)
        {
            throw HiveErrors.CorruptCell(Path, recordOffset, "big data", $"{record.SegmentCount} segments cannot hold the {length} bytes value 0x{valueOffset:X} declares");
        }

        var list = Storage.Cell(record.SegmentList, "big data segment list");
        if (list.Length / 4 < needed)
        {
            throw HiveErrors.CorruptCell(Path, record.SegmentList, "big data segment list", $"the cell holds {list.Length / 4} segment offsets, fewer than the {needed} needed");
        }

        var segments = new uint[needed];
        var seen = new HashSet<uint>();
        for (var i = 0; i < needed; i++)
        {
            segments[i] = BinaryPrimitives.ReadUInt32LittleEndian(list.Slice(i * 4));
            var want = Math.Min(BigData.MaxSegmentSize, length - (i * BigData.MaxSegmentSize));
            if (!seen.Add(segments[i]))
            {
                throw HiveErrors.CorruptCell(Path, record.SegmentList, "big data segment list", $"segment 0x{segments[i]:X} is listed twice");
            }

            if (Storage.Cell(segments[i], "big data segment").Length < want)
            {
                throw HiveErrors.CorruptCell(Path, segments[i], "big data segment", $"segment {i} holds fewer than the {want} bytes it must");
            }
        }

        return (record, segments);
    }

    /// <summary>The class name of a key, or null.</summary>
    public string? ClassName(uint keyOffset, KeyNode node)
    {
        if (node.ClassName == HiveCell.Nil || node.ClassLength == 0)
        {
            return null;
        }

        var cell = Storage.Cell(node.ClassName, "class name");
        if (cell.Length < node.ClassLength)
        {
            throw HiveErrors.CorruptCell(Path, keyOffset, "key node", $"its class name of {node.ClassLength} bytes does not fit the {cell.Length}-byte cell");
        }

        return HiveNames.DecodeUtf16(cell.Slice(0, node.ClassLength).ToArray(), 0, node.ClassLength);
    }

    private void CheckChild(uint keyOffset, uint leafOffset, uint child)
    {
        if (child == Root)
        {
            throw HiveErrors.CorruptCell(Path, leafOffset, "subkeys list", "it lists the root key as a subkey");
        }

        var node = Key(child);
        if (node.Parent != keyOffset)
        {
            throw HiveErrors.CorruptCell(Path, child, "key node", $"it is listed under the key at 0x{keyOffset:X} but names 0x{node.Parent:X} as its parent");
        }
    }
}
