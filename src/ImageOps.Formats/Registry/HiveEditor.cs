using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;

namespace ImageOps.Formats.Registry;

/// <summary>
/// Changes a hive's cells as Windows' configuration manager does: keys are inserted into their
/// parent's sorted subkeys list (hash leaves with Windows' hashes, split under an index root when a
/// leaf is full), inherit the parent's security item (its reference count goes up), and update the
/// parent's counts, largest-name/data fields and last-written time; values are appended to the values
/// list with their data inline, in a cell or as big data; deletions free every cell they owned. No
/// cell is freed while something still refers to it, and nothing is left referring to a freed cell.
/// </summary>
internal sealed class HiveEditor
{
    /// <summary>Most entries in a hash or fast leaf: a full leaf cell fits one 4 KiB bin, as offreg.dll and Windows make them.</summary>
    public const int MaxHashLeafEntries = 507;

    /// <summary>Most entries in an index leaf (4-byte entries, same bound).</summary>
    public const int MaxIndexLeafEntries = 1012;

    private readonly HiveTree _tree;
    private readonly long _now;
    private readonly HashSet<uint> _healed = new();
    private readonly HashSet<uint> _ordered = new();

    public HiveEditor(HiveTree tree, long nowFileTime)
    {
        _tree = tree;
        _now = nowFileTime;
    }

    private HiveStorage Storage => _tree.Storage;

    /// <summary>Creates the subkey <paramref name="name"/> under <paramref name="parent"/> (which must not have it) and returns its offset.</summary>
    public uint CreateKey(uint parent, string name, string? className)
    {
        HiveNames.ValidateKeyName(name);
        var parentNode = _tree.Key(parent);
        if ((parentNode.Flags & (KeyNode.KeySymLink | KeyNode.KeyPredefHandle)) != 0)
        {
            throw new UnsupportedFeatureException("registry link key", $"Key '{HiveTree.NameOf(parentNode)}' in '{Storage.Path}' is a symbolic link or predefined handle; ImageOps does not create keys under it.", Storage.Path, HiveErrors.KeyNotEditableId);
        }

        if (parentNode.SubkeyCount >= int.MaxValue)
        {
            throw HiveErrors.Limit(Storage.Path, "a key cannot have more subkeys");
        }

        var security = parentNode.Security;
        var sk = _tree.Security(security);

        var nameBytes = HiveNames.Encode(name, out var compressed);
        var classOffset = HiveCell.Nil;
        ushort classLength = 0;
        if (!string.IsNullOrEmpty(className))
        {
            // Class names are always stored as UTF-16LE.
            var classBytes = System.Text.Encoding.Unicode.GetBytes(className);
            if (classBytes.Length > ushort.MaxValue)
            {
                throw HiveErrors.NameInvalid(className!, "class names are at most 32767 characters");
            }

            classOffset = Storage.AllocateWith(classBytes);
            classLength = (ushort)classBytes.Length;
        }

        var node = new KeyNode
        {
            Flags = compressed ? KeyNode.KeyCompName : (ushort)0,
            LastWrittenFileTime = _now,
            Parent = parent,
            Security = security,
            ClassName = classOffset,
            ClassLength = classLength,
            NameBytes = nameBytes,
        };
        var offset = Storage.Allocate(KeyNode.CellDataSize(nameBytes.Length));
        node.Write(Storage.Cell(offset, "key node"));

        sk.ReferenceCount++;
        BinaryPrimitives.WriteUInt32LittleEndian(Storage.Cell(security, "key security").Slice(KeySecurity.ReferenceCountOffset), sk.ReferenceCount);

        InsertSubkey(parent, offset, name);

        var p = Storage.Cell(parent, "key node");
        BinaryPrimitives.WriteUInt32LittleEndian(p.Slice(KeyNode.SubkeyCountOffset), parentNode.SubkeyCount + 1);
        var maxField = BinaryPrimitives.ReadUInt32LittleEndian(p.Slice(KeyNode.MaxSubkeyNameOffset));
        var nameLength = (uint)Math.Min(name.Length * 2, 0xFFFF);
        if ((maxField & KeyNode.MaxNameLengthMask) < nameLength)
        {
            maxField = (maxField & ~KeyNode.MaxNameLengthMask) | nameLength;
            BinaryPrimitives.WriteUInt32LittleEndian(p.Slice(KeyNode.MaxSubkeyNameOffset), maxField);
        }

        if (parentNode.MaxSubkeyClassLength < classLength)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(p.Slice(KeyNode.MaxSubkeyClassOffset), classLength);
        }

        Touch(parent);
        return offset;
    }

    /// <summary>Deletes <paramref name="key"/> with all its subkeys and values, then unlinks it from its parent.</summary>
    public void DeleteKey(uint key)
    {
        var node = _tree.Key(key);
        if (key == _tree.Root || (node.Flags & (KeyNode.KeyNoDelete | KeyNode.KeyHiveEntry)) != 0)
        {
            throw HiveErrors.KeyProtected(Storage.Path, HiveTree.NameOf(node));
        }

        var parent = node.Parent;
        var parentNode = _tree.Key(parent);

        // Collect the subtree first (checked reads only), then free bottom-up; an explicit stack, so depth
        // costs no call stack.
        var order = new List<uint>();
        var pending = new Stack<uint>();
        pending.Push(key);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            order.Add(current);
            foreach (var child in _tree.Subkeys(current, _tree.Key(current)))
            {
                pending.Push(child);
            }
        }

        RemoveSubkey(parent, parentNode, key);

        for (var i = order.Count - 1; i >= 0; i--)
        {
            FreeKeyCells(order[i]);
        }

        var p = Storage.Cell(parent, "key node");
        var count = parentNode.SubkeyCount - 1;
        BinaryPrimitives.WriteUInt32LittleEndian(p.Slice(KeyNode.SubkeyCountOffset), count);
        if (count == 0)
        {
            // As CmDeleteKey: an empty key's largest-name fields go back to zero (flag bits kept).
            BinaryPrimitives.WriteUInt32LittleEndian(p.Slice(KeyNode.SubkeysListOffset), HiveCell.Nil);
            var maxField = BinaryPrimitives.ReadUInt32LittleEndian(p.Slice(KeyNode.MaxSubkeyNameOffset));
            BinaryPrimitives.WriteUInt32LittleEndian(p.Slice(KeyNode.MaxSubkeyNameOffset), maxField & ~KeyNode.MaxNameLengthMask);
            BinaryPrimitives.WriteUInt32LittleEndian(p.Slice(KeyNode.MaxSubkeyClassOffset), 0);
        }

        Touch(parent);
    }

    /// <summary>
    /// Sets a value (creating it when missing). Returns false when it already had exactly this type and
    /// data, in which case nothing is written.
    /// </summary>
    public bool SetValue(uint key, string name, uint type, byte[] data, out bool created)
    {
        HiveNames.ValidateValueName(name);
        var node = _tree.Key(key);
        if ((node.Flags & KeyNode.KeyPredefHandle) != 0)
        {
            throw new UnsupportedFeatureException("registry predefined handle key", $"Key '{HiveTree.NameOf(node)}' in '{Storage.Path}' is a predefined handle; it has no values to set.", Storage.Path, HiveErrors.KeyNotEditableId);
        }

        var index = _tree.FindValue(key, node, name, out var valueOffset);
        created = index < 0;
        if (!created)
        {
            var existing = _tree.Value(valueOffset);
            if (existing.DataType == type && _tree.ValueData(valueOffset, existing).AsSpan().SequenceEqual(data))
            {
                return false;
            }

            var oldCells = _tree.DataCells(valueOffset, existing);
            var (sizeField, dataOffset) = StoreData(data);
            foreach (var cell in oldCells)
            {
                Storage.Free(cell);
            }

            var vk = Storage.Cell(valueOffset, "key value");
            BinaryPrimitives.WriteUInt32LittleEndian(vk.Slice(KeyValue.DataSizeOffset), sizeField);
            BinaryPrimitives.WriteUInt32LittleEndian(vk.Slice(KeyValue.DataOffsetOffset), dataOffset);
            BinaryPrimitives.WriteUInt32LittleEndian(vk.Slice(KeyValue.DataTypeOffset), type);
        }
        else
        {
            if (node.ValueCount >= (uint)(HiveStorage.MaxCellDataSize / 4))
            {
                throw HiveErrors.Limit(Storage.Path, "a key cannot have more values");
            }

            var nameBytes = HiveNames.Encode(name, out var compressed);
            var (sizeField, dataOffset) = StoreData(data);
            var value = new KeyValue
            {
                DataSizeField = sizeField,
                DataOffset = dataOffset,
                DataType = type,
                Flags = compressed ? KeyValue.ValueCompName : (ushort)0,
                NameBytes = nameBytes,
            };
            valueOffset = Storage.Allocate(KeyValue.CellDataSize(nameBytes.Length));
            value.Write(Storage.Cell(valueOffset, "key value"));

            var count = (int)node.ValueCount;
            var list = count == 0 ? Storage.Allocate(4) : Storage.Reallocate(node.ValuesList, (count + 1) * 4);
            BinaryPrimitives.WriteUInt32LittleEndian(Storage.Cell(list, "key values list").Slice(count * 4), valueOffset);
            var k = Storage.Cell(key, "key node");
            BinaryPrimitives.WriteUInt32LittleEndian(k.Slice(KeyNode.ValuesListOffset), list);
            BinaryPrimitives.WriteUInt32LittleEndian(k.Slice(KeyNode.ValueCountOffset), (uint)(count + 1));
        }

        var keyCell = Storage.Cell(key, "key node");
        var nameLength = (uint)(name.Length * 2);
        if (BinaryPrimitives.ReadUInt32LittleEndian(keyCell.Slice(KeyNode.MaxValueNameOffset)) < nameLength)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keyCell.Slice(KeyNode.MaxValueNameOffset), nameLength);
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(keyCell.Slice(KeyNode.MaxValueDataOffset)) < (uint)data.Length)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(keyCell.Slice(KeyNode.MaxValueDataOffset), (uint)data.Length);
        }

        Touch(key);
        return true;
    }

    /// <summary>Deletes a value; false if there was none of that name.</summary>
    public bool DeleteValue(uint key, string name)
    {
        var node = _tree.Key(key);
        var index = _tree.FindValue(key, node, name, out var valueOffset);
        if (index < 0)
        {
            return false;
        }

        var value = _tree.Value(valueOffset);
        foreach (var cell in _tree.DataCells(valueOffset, value))
        {
            Storage.Free(cell);
        }

        Storage.Free(valueOffset);

        var count = (int)node.ValueCount;
        var list = Storage.Cell(node.ValuesList, "key values list");
        list.Slice((index + 1) * 4, (count - index - 1) * 4).CopyTo(list.Slice(index * 4));
        BinaryPrimitives.WriteUInt32LittleEndian(list.Slice((count - 1) * 4), 0);

        var k = Storage.Cell(key, "key node");
        BinaryPrimitives.WriteUInt32LittleEndian(k.Slice(KeyNode.ValueCountOffset), (uint)(count - 1));
        if (count == 1)
        {
            Storage.Free(node.ValuesList);
            k = Storage.Cell(key, "key node");
            BinaryPrimitives.WriteUInt32LittleEndian(k.Slice(KeyNode.ValuesListOffset), HiveCell.Nil);
            BinaryPrimitives.WriteUInt32LittleEndian(k.Slice(KeyNode.MaxValueNameOffset), 0);
            BinaryPrimitives.WriteUInt32LittleEndian(k.Slice(KeyNode.MaxValueDataOffset), 0);
        }

        Touch(key);
        return true;
    }

    /// <summary>Stores value data and returns the data size field and data offset field for the vk.</summary>
    private (uint SizeField, uint Offset) StoreData(byte[] data)
    {
        if (data.Length <= KeyValue.MaxInlineData)
        {
            var field = new byte[4];
            data.CopyTo(field, 0);
            return ((uint)data.Length | KeyValue.DataInOffsetFlag, BinaryPrimitives.ReadUInt32LittleEndian(field));
        }

        if (!_tree.UsesBigData || data.Length <= BigData.MaxSegmentSize)
        {
            return ((uint)data.Length, Storage.AllocateWith(data));
        }

        var count = BigData.SegmentsFor(data.Length);
        if (count > ushort.MaxValue)
        {
            throw HiveErrors.Limit(Storage.Path, $"value data of {data.Length} bytes needs more than {ushort.MaxValue} big data segments");
        }

        // Every segment cell is allocated full size, the last one too, as Windows does (yarp's BigDataHive
        // shows it): hivex reads "cell size - 8" bytes from each segment, so a tight last cell loses data.
        var segments = new uint[count];
        for (var i = 0; i < count; i++)
        {
            var start = i * BigData.MaxSegmentSize;
            segments[i] = Storage.Allocate(BigData.MaxSegmentSize);
            data.AsSpan(start, Math.Min(BigData.MaxSegmentSize, data.Length - start)).CopyTo(Storage.Cell(segments[i], "big data segment"));
        }

        var list = Storage.Allocate(count * 4);
        var listCell = Storage.Cell(list, "big data segment list");
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(listCell.Slice(i * 4), segments[i]);
        }

        var record = Storage.Allocate(BigData.Size);
        new BigData { SegmentCount = (ushort)count, SegmentList = list }.Write(Storage.Cell(record, "big data"));
        return ((uint)data.Length, record);
    }

    /// <summary>Frees everything one key owns (its subkeys are already gone): values, lists, class name, its security reference, the node.</summary>
    private void FreeKeyCells(uint key)
    {
        var node = _tree.Key(key);
        foreach (var valueOffset in _tree.ValueOffsets(key, node))
        {
            var value = _tree.Value(valueOffset);
            foreach (var cell in _tree.DataCells(valueOffset, value))
            {
                Storage.Free(cell);
            }

            Storage.Free(valueOffset);
        }

        if (node.ValueCount > 0 && (node.Flags & KeyNode.KeyPredefHandle) == 0)
        {
            Storage.Free(node.ValuesList);
        }

        if (node.SubkeyCount > 0)
        {
            // The subkeys themselves were freed before their parent; now their lists go.
            var indexRoot = !_tree.List(node.SubkeysList).IsLeaf;
            foreach (var (leafOffset, _) in _tree.Leaves(key, node))
            {
                Storage.Free(leafOffset);
            }

            if (indexRoot)
            {
                Storage.Free(node.SubkeysList);
            }
        }

        if (node.ClassName != HiveCell.Nil && node.ClassLength > 0)
        {
            Storage.Free(node.ClassName);
        }

        Release(node.Security);
        Storage.Free(key);
    }

    /// <summary>Drops one reference to a security item; the last reference unlinks it from the list and frees it.</summary>
    private void Release(uint security)
    {
        var sk = _tree.Security(security);
        if (sk.ReferenceCount > 1)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(Storage.Cell(security, "key security").Slice(KeySecurity.ReferenceCountOffset), sk.ReferenceCount - 1);
            return;
        }

        if (sk.Flink == security || sk.Blink == security)
        {
            // The hive's only security item: keep it (the root still needs one) with no references.
            BinaryPrimitives.WriteUInt32LittleEndian(Storage.Cell(security, "key security").Slice(KeySecurity.ReferenceCountOffset), 0);
            return;
        }

        _tree.Security(sk.Flink);
        _tree.Security(sk.Blink);
        BinaryPrimitives.WriteUInt32LittleEndian(Storage.Cell(sk.Blink, "key security").Slice(KeySecurity.FlinkOffset), sk.Flink);
        BinaryPrimitives.WriteUInt32LittleEndian(Storage.Cell(sk.Flink, "key security").Slice(KeySecurity.BlinkOffset), sk.Blink);
        Storage.Free(security);
    }

    private void Touch(uint key)
        => BinaryPrimitives.WriteInt64LittleEndian(Storage.Cell(key, "key node").Slice(KeyNode.LastWrittenOffset), _now);

    /// <summary>Inserts <paramref name="child"/> into the parent's subkeys list at its sorted place.</summary>
    private void InsertSubkey(uint parent, uint child, string name)
    {
        var parentNode = _tree.Key(parent);
        if (parentNode.SubkeyCount == 0)
        {
            var kind = _tree.MinorVersion >= 5 ? SubkeysListKind.HashLeaf : SubkeysListKind.FastLeaf;
            var leaf = new SubkeysList { Kind = kind, Offsets = new[] { child }, Hashes = new[] { Tag(kind, name) } };
            var offset = Storage.Allocate(leaf.CellDataSize());
            leaf.Write(Storage.Cell(offset, "subkeys list"));
            SetSubkeysList(parent, offset);
            return;
        }

        PrepareLeaves(parent, requireOrder: true);
        parentNode = _tree.Key(parent);
        var leaves = _tree.Leaves(parent, parentNode);
        var rootOffset = parentNode.SubkeysList;
        var isIndexRoot = !_tree.List(rootOffset).IsLeaf;

        // The leaf to insert into: the first whose last name sorts after the new one, else the last leaf.
        var target = leaves.Count - 1;
        if (isIndexRoot)
        {
            for (var i = 0; i < leaves.Count; i++)
            {
                var last = leaves[i].Leaf.Offsets;
                if (last.Length > 0 && HiveNames.Compare(name, NameAt(last[last.Length - 1])) < 0)
                {
                    target = i;
                    break;
                }
            }
        }

        // The leaf is known to be in order (PrepareLeaves), so a binary search reads only log2(n) names.
        var (leafOffset, list) = leaves[target];
        int low = 0, high = list.Offsets.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = HiveNames.Compare(name, NameAt(list.Offsets[middle]));
            if (order == 0)
            {
                throw HiveErrors.CorruptCell(Storage.Path, leafOffset, "subkeys list", $"it already lists a key named '{name}'");
            }

            if (order < 0)
            {
                high = middle - 1;
            }
            else
            {
                low = middle + 1;
            }
        }

        var position = low;
        var offsets = new List<uint>(list.Offsets);
        offsets.Insert(position, child);
        var hashes = new List<uint>(list.Hashes);
        if (list.Kind is SubkeysListKind.FastLeaf or SubkeysListKind.HashLeaf)
        {
            hashes.Insert(position, Tag(list.Kind, name));
        }

        var max = list.Kind == SubkeysListKind.IndexLeaf ? MaxIndexLeafEntries : MaxHashLeafEntries;
        if (offsets.Count <= max)
        {
            var updated = WriteLeaf(leafOffset, list.Kind, offsets, hashes);
            if (updated != leafOffset)
            {
                if (isIndexRoot)
                {
                    ReplaceInRoot(parent, rootOffset, target, updated, insertAfter: HiveCell.Nil);
                }
                else
                {
                    SetSubkeysList(parent, updated);
                }
            }

            return;
        }

        // Split the full leaf in two halves, as Windows does, under an index root.
        var half = offsets.Count / 2;
        var firstHashes = hashes.Count > 0 ? hashes.GetRange(0, half) : hashes;
        var secondHashes = hashes.Count > 0 ? hashes.GetRange(half, hashes.Count - half) : hashes;
        var second = WriteLeaf(HiveCell.Nil, list.Kind, offsets.GetRange(half, offsets.Count - half), secondHashes);
        var first = WriteLeaf(leafOffset, list.Kind, offsets.GetRange(0, half), firstHashes);
        if (isIndexRoot)
        {
            ReplaceInRoot(parent, rootOffset, target, first, insertAfter: second);
        }
        else
        {
            var root = new SubkeysList { Kind = SubkeysListKind.IndexRoot, Offsets = new[] { first, second } };
            var offset = Storage.Allocate(root.CellDataSize());
            root.Write(Storage.Cell(offset, "index root"));
            SetSubkeysList(parent, offset);
        }
    }

    /// <summary>Removes <paramref name="child"/> from the parent's subkeys list, freeing leaves and the root as they empty.</summary>
    private void RemoveSubkey(uint parent, KeyNode parentNode, uint child)
    {
        PrepareLeaves(parent, requireOrder: false);
        parentNode = _tree.Key(parent);
        var leaves = _tree.Leaves(parent, parentNode);
        var rootOffset = parentNode.SubkeysList;
        var isIndexRoot = !_tree.List(rootOffset).IsLeaf;
        for (var l = 0; l < leaves.Count; l++)
        {
            var (leafOffset, list) = leaves[l];
            var index = Array.IndexOf(list.Offsets, child);
            if (index < 0)
            {
                continue;
            }

            var offsets = new List<uint>(list.Offsets);
            offsets.RemoveAt(index);
            var hashes = new List<uint>(list.Hashes);
            if (hashes.Count > 0)
            {
                hashes.RemoveAt(index);
            }

            if (offsets.Count > 0)
            {
                WriteLeaf(leafOffset, list.Kind, offsets, hashes);
                return;
            }

            Storage.Free(leafOffset);
            if (!isIndexRoot)
            {
                SetSubkeysList(parent, HiveCell.Nil);
                return;
            }

            var root = _tree.List(rootOffset);
            var remaining = new List<uint>(root.Offsets);
            remaining.RemoveAt(l);
            if (remaining.Count == 0)
            {
                Storage.Free(rootOffset);
                SetSubkeysList(parent, HiveCell.Nil);
                return;
            }

            var rewritten = new SubkeysList { Kind = SubkeysListKind.IndexRoot, Offsets = remaining.ToArray() };
            rewritten.Write(Storage.Cell(rootOffset, "index root"));
            return;
        }

        throw HiveErrors.CorruptCell(Storage.Path, rootOffset, "subkeys list", $"the key at 0x{child:X} is not in its parent's subkeys list");
    }

    /// <summary>Writes a leaf into <paramref name="offset"/> (moving it if it no longer fits, or allocating when Nil); returns where it is.</summary>
    private uint WriteLeaf(uint offset, SubkeysListKind kind, List<uint> offsets, List<uint> hashes)
    {
        var leaf = new SubkeysList { Kind = kind, Offsets = offsets.ToArray(), Hashes = hashes.ToArray() };
        var size = leaf.CellDataSize();
        var at = offset == HiveCell.Nil ? Storage.Allocate(size) : Storage.Reallocate(offset, size);
        leaf.Write(Storage.Cell(at, "subkeys list"));
        return at;
    }

    /// <summary>Points entry <paramref name="index"/> of an index root at <paramref name="leaf"/>, optionally inserting another leaf after it.</summary>
    private void ReplaceInRoot(uint parent, uint rootOffset, int index, uint leaf, uint insertAfter)
    {
        var root = _tree.List(rootOffset);
        var offsets = new List<uint>(root.Offsets) { [index] = leaf };
        if (insertAfter != HiveCell.Nil)
        {
            if (offsets.Count >= SubkeysList.MaxElements)
            {
                throw HiveErrors.Limit(Storage.Path, "an index root cannot hold more leaves");
            }

            offsets.Insert(index + 1, insertAfter);
        }

        var rewritten = new SubkeysList { Kind = SubkeysListKind.IndexRoot, Offsets = offsets.ToArray() };
        var at = Storage.Reallocate(rootOffset, rewritten.CellDataSize());
        rewritten.Write(Storage.Cell(at, "index root"));
        if (at != rootOffset)
        {
            SetSubkeysList(parent, at);
        }
    }

    private void SetSubkeysList(uint key, uint list)
        => BinaryPrimitives.WriteUInt32LittleEndian(Storage.Cell(key, "key node").Slice(KeyNode.SubkeysListOffset), list);

    private string NameAt(uint key) => HiveTree.NameOf(_tree.Key(key));

    /// <summary>
    /// Reads a key's subkey leaves once per batch before changing them. Hashes and hints are recomputed
    /// from the names and the leaf rewritten when they differ, so a leaf written by another tool with
    /// hashes Windows would not compute (hivex, for non-ASCII names) comes out right. Before an insert the
    /// names must also be in Windows' order with no duplicates, across leaves too: inserting by binary
    /// search into a list that is not would put the key where Windows (which also binary-searches) cannot
    /// find it. The editor's own changes keep both true, so each key is read in full only once.
    /// </summary>
    private void PrepareLeaves(uint parent, bool requireOrder)
    {
        if (requireOrder ? _ordered.Contains(parent) : _healed.Contains(parent))
        {
            return;
        }

        string? previous = null;
        foreach (var (leafOffset, leaf) in _tree.Leaves(parent, _tree.Key(parent)))
        {
            var names = new List<string>(leaf.Offsets.Length);
            foreach (var offset in leaf.Offsets)
            {
                var name = NameAt(offset);
                if (requireOrder && previous is not null && HiveNames.Compare(previous, name) >= 0)
                {
                    throw HiveErrors.CorruptCell(Storage.Path, leafOffset, "subkeys list", $"it is not sorted as Windows sorts ('{previous}' before '{name}'); ImageOps does not insert into it");
                }

                names.Add(name);
                previous = name;
            }

            var tags = Tags(leaf.Kind, names);
            if (!tags.SequenceEqual(leaf.Hashes))
            {
                new SubkeysList { Kind = leaf.Kind, Offsets = leaf.Offsets, Hashes = tags.ToArray() }.Write(Storage.Cell(leafOffset, "subkeys list"));
            }
        }

        _healed.Add(parent);
        if (requireOrder)
        {
            _ordered.Add(parent);
        }
    }

    private static uint Tag(SubkeysListKind kind, string name) => kind == SubkeysListKind.HashLeaf ? HiveNames.Hash(name) : HiveNames.Hint(name);

    /// <summary>
    /// The hashes or hints of a leaf, recomputed from the names whenever a leaf is rewritten: a leaf
    /// written by another tool with hashes Windows would not compute (hivex, for non-ASCII names) comes
    /// out right.
    /// </summary>
    private static List<uint> Tags(SubkeysListKind kind, List<string> names)
        => kind is SubkeysListKind.FastLeaf or SubkeysListKind.HashLeaf ? names.ConvertAll(n => Tag(kind, n)) : new List<uint>();
}
