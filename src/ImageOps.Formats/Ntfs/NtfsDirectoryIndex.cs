using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// A directory's $I30 B+ tree (libfsntfs, "The index"): the root node in $INDEX_ROOT, the other nodes in
/// index records of $INDEX_ALLOCATION addressed by VCN, entries ordered by NTFS file-name collation
/// ($UpCase). Walks are bounded: a depth cap and a visited set turn a cyclic or absurdly deep tree
/// into an error instead of a hang or a stack overflow.
/// </summary>
internal sealed class NtfsDirectoryIndex
{
    private readonly NtfsSource _source;
    private readonly NtfsUpcaseTable _upcase;
    private readonly NtfsAttributeRecord _rootAttribute;
    private readonly NtfsAttributeData? _allocation;
    private readonly byte[]? _bitmap;
    private readonly string _structure;
    private readonly int _recordSize;
    private readonly int _vcnUnit;

    public NtfsDirectoryIndex(NtfsSource source, NtfsUpcaseTable upcase, NtfsAttributeRecord rootAttribute, NtfsAttributeData? allocation, byte[]? bitmap, int clusterSize, string structure)
    {
        _source = source;
        _upcase = upcase;
        _rootAttribute = rootAttribute;
        _allocation = allocation;
        _bitmap = bitmap;
        _structure = structure;
        var root = NtfsIndexRoot.Parse(rootAttribute.Value, source, rootAttribute.VolumeOffset, structure);
        if (root.IndexedType != NtfsAttributeType.FileName || root.CollationRule != NtfsIndexRoot.CollationFileName)
        {
            throw source.Corrupt(rootAttribute.VolumeOffset, structure, $"a directory index must index file names with the file-name collation, not type 0x{(uint)root.IndexedType:X} with rule {root.CollationRule}", "NtfsIndexInvalid");
        }

        _recordSize = root.IndexRecordSize;

        // Sub-node VCNs count clusters when a record spans at least one, else 512-byte blocks (ntfs-3g include/ntfs-3g/index.h, vcn_size_bits).
        _vcnUnit = _recordSize >= clusterSize ? clusterSize : NtfsUpdateSequence.StrideSize;
    }

    /// <summary>Every entry with a key, in collation order.</summary>
    public List<NtfsIndexEntry> Enumerate()
    {
        var result = new List<NtfsIndexEntry>();
        var visited = new HashSet<long>();
        Walk(RootEntries(), 0, visited, result);
        return result;
    }

    /// <summary>
    /// Descends to the entry named <paramref name="name"/>: with <paramref name="exactCase"/> by the full
    /// collation (finds the exact name among case-only variants), else by upcased name only.
    /// </summary>
    public NtfsIndexEntry? Find(string name, bool exactCase)
    {
        var entries = RootEntries();
        var visited = new HashSet<long>();
        for (var depth = 0; ; depth++)
        {
            NtfsIndexEntry? next = null;
            foreach (var entry in entries)
            {
                if (entry.IsLast)
                {
                    next = entry;
                    break;
                }

                var c = exactCase ? _upcase.CompareFull(name, entry.Key!.Name) : _upcase.CompareIgnoreCase(name, entry.Key!.Name);
                if (c == 0)
                {
                    return entry;
                }

                if (c < 0)
                {
                    next = entry;
                    break;
                }
            }

            if (next is null || next.SubNodeVcn < 0)
            {
                return null;
            }

            entries = Node(next.SubNodeVcn, depth + 1, visited);
        }
    }

    /// <summary>Levels of the tree: 1 when every entry is in the index root.</summary>
    public int Levels { get; private set; }

    private void Walk(List<NtfsIndexEntry> entries, int depth, HashSet<long> visited, List<NtfsIndexEntry> result)
    {
        Levels = Math.Max(Levels, depth + 1);
        foreach (var entry in entries)
        {
            if (entry.SubNodeVcn >= 0)
            {
                Walk(Node(entry.SubNodeVcn, depth + 1, visited), depth + 1, visited, result);
            }

            if (!entry.IsLast)
            {
                result.Add(entry);
            }
        }
    }

    private List<NtfsIndexEntry> RootEntries()
        => NtfsIndexEntry.ParseNode(_rootAttribute.Value.AsSpan(NtfsIndexRoot.HeaderSize), _source, _rootAttribute.VolumeOffset, _structure + " root");

    private List<NtfsIndexEntry> Node(long vcn, int depth, HashSet<long> visited)
    {
        var structure = $"{_structure} record at VCN {vcn}";
        if (depth > NtfsLimits.MaxIndexDepth)
        {
            throw _source.Corrupt(-1, structure, $"the tree is deeper than {NtfsLimits.MaxIndexDepth} levels", "NtfsIndexInvalid");
        }

        if (!visited.Add(vcn))
        {
            throw _source.Corrupt(-1, structure, "the node is reached twice: the index tree has a cycle", "NtfsIndexCycle");
        }

        if (_allocation is null)
        {
            throw _source.Corrupt(-1, structure, "an entry points to a sub-node but the directory has no $INDEX_ALLOCATION", "NtfsIndexInvalid");
        }

        var offset = vcn > long.MaxValue / _vcnUnit ? -1 : vcn * _vcnUnit;
        if (offset < 0 || offset % _recordSize != 0 || offset > _allocation.DataSize - _recordSize)
        {
            throw _source.Corrupt(-1, structure, $"the sub-node lies outside the {_allocation.DataSize}-byte $INDEX_ALLOCATION or is not record-aligned", "NtfsIndexInvalid");
        }

        var bit = offset / _recordSize;
        if (_bitmap is not null && (bit / 8 >= _bitmap.Length || (_bitmap[bit / 8] & (1 << (int)(bit % 8))) == 0))
        {
            throw _source.Corrupt(-1, structure, "the sub-node's index record is marked free in the index $BITMAP", "NtfsIndexInvalid");
        }

        var raw = new byte[_recordSize];
        if (_allocation.Read(offset, raw) != _recordSize)
        {
            throw _source.Corrupt(-1, structure, "the index record is cut short", "NtfsIndexInvalid");
        }

        var at = _allocation.VolumeOffsetOf(offset);
        var node = NtfsIndexRecord.Open(raw, vcn, _source, at, structure);
        return NtfsIndexEntry.ParseNode(node, _source, at < 0 ? -1 : at + NtfsIndexRecord.HeaderSize, structure);
    }
}
