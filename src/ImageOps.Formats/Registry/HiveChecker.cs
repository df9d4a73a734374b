using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Registry;

/// <summary>
/// The whole-hive consistency check behind <see cref="RegistryHive.Check"/>: walks every key from the
/// root (iteratively) and checks what readers and Windows rely on: every reference leads to an
/// allocated cell used once, subkeys lists are in Windows' order without duplicates and with correct
/// hashes and hints, counts and largest-length fields cover the contents, values decode, the security
/// list is a closed ring whose reference counts equal the keys using each item.
/// </summary>
internal static class HiveChecker
{
    public static HiveCheckReport Run(HiveStorage storage, HiveTree tree, BaseBlock header)
    {
        var problems = new List<string>();
        var onDisk = BaseBlock.Parse(storage.Buffer);
        if (!onDisk.ChecksumValid)
        {
            problems.Add("base block: the checksum does not match");
        }

        if (onDisk.SequenceNumbersDiffer)
        {
            problems.Add($"base block: sequence numbers {onDisk.PrimarySequenceNumber} and {onDisk.SecondarySequenceNumber} differ");
        }

        if (onDisk.HiveBinsDataSize != (uint)storage.HiveBinsDataSize && header.ChecksumValid)
        {
            problems.Add($"base block: hive bins data size {onDisk.HiveBinsDataSize} differs from the {storage.HiveBinsDataSize} bytes of bins");
        }

        var referenced = new HashSet<uint>();
        void Reference(uint offset, string what)
        {
            if (!storage.IsAllocatedCell(offset))
            {
                problems.Add($"{what}: 0x{offset:X} is not an allocated cell");
            }
            else if (!referenced.Add(offset))
            {
                problems.Add($"{what}: cell 0x{offset:X} is used more than once");
            }
        }

        var securityUses = new Dictionary<uint, int>();
        int keys = 0, values = 0;
        Reference(tree.Root, "root key");
        var pending = new Stack<uint>();
        pending.Push(tree.Root);
        while (pending.Count > 0)
        {
            var key = pending.Pop();
            keys++;
            try
            {
                var node = tree.Key(key);
                var name = HiveTree.NameOf(node);
                var where = $"key '{name}' at 0x{key:X}";
                tree.Security(node.Security);
                securityUses[node.Security] = securityUses.TryGetValue(node.Security, out var uses) ? uses + 1 : 1;
                if (node.ClassName != HiveCell.Nil && node.ClassLength > 0)
                {
                    Reference(node.ClassName, where + " class name");
                    tree.ClassName(key, node);
                }

                CheckValues(tree, key, node, where, Reference, problems, ref values);
                CheckSubkeys(tree, key, node, where, Reference, problems, pending);
            }
            catch (ImageOpsException ex)
            {
                problems.Add(ex.Message);
            }
        }

        var securityItems = CheckSecurityRing(storage, tree, securityUses, Reference, problems);

        int unreferenced = 0;
        long unreferencedBytes = 0;
        foreach (var (offset, allocated, size) in storage.Cells())
        {
            if (allocated && !referenced.Contains(offset))
            {
                unreferenced++;
                unreferencedBytes += size;
            }
        }

        return new HiveCheckReport(problems, keys, values, securityItems, unreferenced, unreferencedBytes, storage.FreeBytes);
    }

    /// <summary>
    /// What makes a hive unsafe to edit, or null: damage met walking its structure, a cell used by two
    /// owners (freeing it for one would leave the other dangling), or a security item referenced by more
    /// keys than its count says (releasing it would free it while in use). Lighter than <see cref="Run"/>:
    /// no value data is read and order is not checked.
    /// </summary>
    public static CorruptImageException? FindEditBlocker(HiveTree tree)
    {
        var referenced = new HashSet<uint>();
        var uses = new Dictionary<uint, int>();
        CorruptImageException? Mark(uint offset, string what)
            => referenced.Add(offset) ? null : HiveErrors.CorruptCell(tree.Path, offset, what, $"the cell is used by more than one owner (found again as {what})");

        var pending = new Stack<uint>();
        pending.Push(tree.Root);
        referenced.Add(tree.Root);
        try
        {
            while (pending.Count > 0)
            {
                var key = pending.Pop();
                var node = tree.Key(key);
                tree.Security(node.Security);
                uses[node.Security] = uses.TryGetValue(node.Security, out var n) ? n + 1 : 1;
                if (node.ClassName != HiveCell.Nil && node.ClassLength > 0)
                {
                    tree.ClassName(key, node);
                    var shared = Mark(node.ClassName, "class name");
                    if (shared is not null)
                    {
                        return shared;
                    }
                }

                var values = tree.ValueOffsets(key, node);
                foreach (var cell in values.Length > 0 ? new[] { node.ValuesList } : Array.Empty<uint>())
                {
                    if (Mark(cell, "key values list") is { } shared)
                    {
                        return shared;
                    }
                }

                foreach (var value in values)
                {
                    if (Mark(value, "key value") is { } shared)
                    {
                        return shared;
                    }

                    foreach (var cell in tree.DataCells(value, tree.Value(value)))
                    {
                        if (Mark(cell, "value data") is { } sharedData)
                        {
                            return sharedData;
                        }
                    }
                }

                if (node.SubkeyCount == 0)
                {
                    continue;
                }

                var leaves = tree.Leaves(key, node);
                if (!tree.List(node.SubkeysList).IsLeaf && Mark(node.SubkeysList, "index root") is { } sharedRoot)
                {
                    return sharedRoot;
                }

                foreach (var (leaf, _) in leaves)
                {
                    if (Mark(leaf, "subkeys list") is { } sharedLeaf)
                    {
                        return sharedLeaf;
                    }
                }

                foreach (var child in tree.Subkeys(key, node))
                {
                    if (Mark(child, "key node") is { } sharedKey)
                    {
                        return sharedKey;
                    }

                    pending.Push(child);
                }
            }
        }
        catch (CorruptImageException ex)
        {
            return ex;
        }

        foreach (var use in uses)
        {
            var item = tree.Security(use.Key);
            if (item.ReferenceCount < use.Value)
            {
                return HiveErrors.CorruptCell(tree.Path, use.Key, "key security", $"its reference count {item.ReferenceCount} is below the {use.Value} keys that use it");
            }
        }

        return null;
    }

    private static void CheckValues(HiveTree tree, uint key, KeyNode node, string where, Action<uint, string> reference, List<string> problems, ref int count)
    {
        var offsets = tree.ValueOffsets(key, node);
        if (offsets.Length == 0)
        {
            return;
        }

        reference(node.ValuesList, where + " values list");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var offset in offsets)
        {
            count++;
            reference(offset, where + " value");
            var value = tree.Value(offset);
            var name = HiveTree.NameOf(value);
            if (!names.Add(Upper(name)))
            {
                problems.Add($"{where}: two values are named '{name}'");
            }

            foreach (var cell in tree.DataCells(offset, value))
            {
                reference(cell, $"{where} value '{name}' data");
            }

            var data = tree.ValueData(offset, value);
            if (tree.UsesBigData && data.Length > BigData.MaxSegmentSize && !tree.IsBigData(value))
            {
                problems.Add($"{where}: value '{name}' holds {data.Length} bytes in one cell; Windows reads data over {BigData.MaxSegmentSize} bytes in a version 1.{tree.MinorVersion} hive as big data (hivex writes it this way)");
            }

            if ((uint)(name.Length * 2) > node.MaxValueNameLength)
            {
                problems.Add($"{where}: largest value name length {node.MaxValueNameLength} is below value '{name}' ({name.Length * 2} bytes)");
            }

            if ((uint)data.Length > node.MaxValueDataLength)
            {
                problems.Add($"{where}: largest value data size {node.MaxValueDataLength} is below value '{name}' ({data.Length} bytes)");
            }
        }
    }

    private static void CheckSubkeys(HiveTree tree, uint key, KeyNode node, string where, Action<uint, string> reference, List<string> problems, Stack<uint> pending)
    {
        if (node.SubkeyCount == 0)
        {
            return;
        }

        var leaves = tree.Leaves(key, node);
        if (leaves.Count > 1 || leaves[0].Offset != node.SubkeysList)
        {
            reference(node.SubkeysList, where + " index root");
        }

        foreach (var (leafOffset, _) in leaves)
        {
            reference(leafOffset, where + " subkeys list");
        }

        var children = tree.Subkeys(key, node);
        string? previous = null;
        var index = 0;
        foreach (var (leafOffset, leaf) in leaves)
        {
            for (var i = 0; i < leaf.Offsets.Length; i++, index++)
            {
                var child = children[index];
                reference(child, where + " subkey");
                var childNode = tree.Key(child);
                var name = HiveTree.NameOf(childNode);
                if (previous is not null && HiveNames.Compare(previous, name) >= 0)
                {
                    problems.Add($"{where}: subkeys '{previous}' and '{name}' are not in Windows' order (or are duplicates)");
                }

                if (leaf.Kind == SubkeysListKind.HashLeaf && leaf.Hashes[i] != HiveNames.Hash(name))
                {
                    problems.Add($"{where}: hash leaf 0x{leafOffset:X} has hash 0x{leaf.Hashes[i]:X8} for '{name}', not 0x{HiveNames.Hash(name):X8}");
                }

                // Windows converts non-ASCII characters for the hint through a code page (yarp's CompHive holds
                // 0x81 for U+009F), so only ASCII hints are compared.
                if (leaf.Kind == SubkeysListKind.FastLeaf && HiveNames.IsAscii(name.Substring(0, Math.Min(4, name.Length))) && leaf.Hashes[i] != HiveNames.Hint(name))
                {
                    problems.Add($"{where}: fast leaf 0x{leafOffset:X} has a name hint that does not match '{name}'");
                }

                if ((uint)(name.Length * 2) > (node.MaxSubkeyNameField & KeyNode.MaxNameLengthMask))
                {
                    problems.Add($"{where}: largest subkey name length {node.MaxSubkeyNameField & KeyNode.MaxNameLengthMask} is below subkey '{name}' ({name.Length * 2} bytes)");
                }

                if (childNode.ClassLength > node.MaxSubkeyClassLength)
                {
                    problems.Add($"{where}: largest subkey class length {node.MaxSubkeyClassLength} is below subkey '{name}' ({childNode.ClassLength} bytes)");
                }

                previous = name;
                pending.Push(child);
            }
        }
    }

    private static int CheckSecurityRing(HiveStorage storage, HiveTree tree, Dictionary<uint, int> uses, Action<uint, string> reference, List<string> problems)
    {
        var start = tree.Key(tree.Root).Security;
        var ring = new HashSet<uint>();
        var current = start;
        var limit = storage.HiveBinsDataSize / HiveCell.MinSize;
        try
        {
            while (ring.Add(current))
            {
                if (ring.Count > limit)
                {
                    problems.Add("security list: longer than the hive could hold");
                    break;
                }

                reference(current, "security item");
                var item = tree.Security(current);
                var next = tree.Security(item.Flink);
                if (next.Blink != current)
                {
                    problems.Add($"security list: item 0x{item.Flink:X} links back to 0x{next.Blink:X}, not 0x{current:X}");
                }

                var used = uses.TryGetValue(current, out var n) ? n : 0;
                if (item.ReferenceCount != used)
                {
                    problems.Add($"security item 0x{current:X}: reference count {item.ReferenceCount}, but {used} keys use it");
                }

                current = item.Flink;
            }

            if (current != start)
            {
                problems.Add($"security list: it does not lead back to its start (reached 0x{current:X} twice)");
            }
        }
        catch (ImageOpsException ex)
        {
            problems.Add(ex.Message);
        }

        foreach (var used in uses.Keys)
        {
            if (!ring.Contains(used))
            {
                problems.Add($"security item 0x{used:X} is used by keys but not in the security list");
            }
        }

        return ring.Count;
    }

    private static string Upper(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = HiveNames.Upcase(chars[i]);
        }

        return new string(chars);
    }
}
