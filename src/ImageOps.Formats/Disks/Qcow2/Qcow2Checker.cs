using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// Full refcount verification as <c>qemu-img check</c> does it (block/qcow2-refcount.c,
/// qcow2_check_refcounts): every reference from the header, the active and snapshot L1/L2 tables,
/// the snapshot table, the refcount structures and the bitmaps is counted, then compared with the
/// stored refcounts: stored higher is a leak, stored lower a corruption. Misaligned entries,
/// references past the end of the file and wrong OFLAG_COPIED bits are corruptions. Repair (like
/// <c>-r all</c>) fixes refcounts in place, rebuilds the refcount structure when its own blocks are
/// broken, and fixes the copied flags; it never changes where guest data points.
/// </summary>
internal sealed class Qcow2Checker
{
    /// <summary>Clusters a check will count (a uint each): 2^28 is 1 GiB of counters, 16 TiB of 64 KiB clusters.</summary>
    public const long MaxClusters = 1L << 28;
    private const int MaxReportedProblems = 1000;

    private readonly IBlockStorage _storage;
    private readonly Qcow2Header _header;
    private readonly Qcow2Layout _layout;
    private readonly DiskCheckReport _report;
    private readonly long _fileClusters;
    private readonly uint[] _counts;
    private readonly List<long> _refblockClusters = new();
    private readonly List<DiskProblem> _refcountProblems = new();
    private readonly List<DiskProblem> _structureProblems = new();
    private readonly HashSet<DiskProblem> _fixable = new();
    private int _suppressed;
    private long _l2Budget;
    private bool _rebuild;
    private ulong[] _refTable = Array.Empty<ulong>();

    private Qcow2Checker(IBlockStorage storage, Qcow2Header header)
    {
        _storage = storage;
        _header = header;
        _layout = Qcow2Layout.For(header);
        _fileClusters = (storage.Length + _layout.ClusterSize - 1) >> _layout.ClusterBits;
        if (_fileClusters > MaxClusters)
        {
            throw new ImageOpsException("Qcow2CheckTooLarge", ErrorKind.LimitsExceeded, $"'{storage.Name}' has {_fileClusters} clusters; checking more than {MaxClusters} is not supported.", storage.Name);
        }

        _counts = new uint[_fileClusters];

        // Snapshots may share L2 tables, so a walk visits a table once per L1 that reaches it; a
        // hostile image could make that quadratic. Real images stay far below this budget.
        _l2Budget = Math.Max(1024, 16 * _fileClusters);
        _report = new DiskCheckReport
        {
            Path = storage.Name,
            Format = DiskFormat.Qcow2,
            TotalClusters = (header.Size + _layout.ClusterSize - 1) >> _layout.ClusterBits,
            AllocatedClusters = 0,
        };
    }

    /// <summary>Checks (and with <paramref name="repair"/> fixes) the image.</summary>
    public static DiskCheckReport Run(IBlockStorage storage, Qcow2Header header, bool repair)
    {
        var checker = new Qcow2Checker(storage, header);
        checker.Count();
        checker.Compare();
        checker.CheckCopiedFlags(fix: false);
        if (!repair)
        {
            return checker.Finish();
        }

        if (!storage.CanWrite)
        {
            throw new InvalidOperationException($"'{storage.Name}' is read-only and cannot be repaired.");
        }

        checker.Repair();
        return checker.Finish();
    }

    private DiskCheckReport Finish()
    {
        _report.Problems.AddRange(_structureProblems);
        _report.Problems.AddRange(_refcountProblems);
        if (_suppressed > 0)
        {
            _report.Problems.Add(new DiskProblem(DiskProblemKind.Corruption, "check", -1, string.Format(CultureInfo.InvariantCulture, "{0} further problems were not listed", _suppressed)));
        }

        return _report;
    }

    private void Count()
    {
        var cs = _layout.ClusterSize;
        Reference(0, cs, "header");

        // Active L1 and its tables.
        var l1 = ReadTableChecked(_header.L1TableOffset, _header.L1Size, "L1 table");
        if (l1 is not null)
        {
            Reference(_header.L1TableOffset, (long)_header.L1Size * 8, "L1 table");
            WalkL1(l1, active: true);
        }

        // Snapshots: their table, their L1 tables and every L2 and data cluster they reach.
        if (_header.NbSnapshots > 0)
        {
            List<Qcow2SnapshotEntry>? snapshots = null;
            try
            {
                snapshots = Qcow2SnapshotEntry.ReadTable(_storage, _header);
            }
            catch (CorruptImageException ex)
            {
                Corruption("snapshot table", _header.SnapshotsOffset, ex.Detail);
            }

            if (snapshots is not null)
            {
                Reference(_header.SnapshotsOffset, Qcow2SnapshotEntry.TableLength(snapshots), "snapshot table");
                foreach (var snapshot in snapshots)
                {
                    if (snapshot.L1TableOffset % cs != 0 || snapshot.L1TableOffset == 0)
                    {
                        Corruption("snapshot table", snapshot.TableOffset, $"snapshot {snapshot.Id} ({snapshot.Name}) l1_offset={snapshot.L1TableOffset:x}: L1 table is not cluster aligned; snapshot table entry corrupted");
                        continue;
                    }

                    if (snapshot.L1Size > Qcow2Header.MaxL1Bytes / 8)
                    {
                        Corruption("snapshot table", snapshot.TableOffset, $"snapshot {snapshot.Id} ({snapshot.Name}) l1_size={snapshot.L1Size}: L1 table is too large; snapshot table entry corrupted");
                        continue;
                    }

                    var table = ReadTableChecked(snapshot.L1TableOffset, snapshot.L1Size, "snapshot L1 table");
                    if (table is not null)
                    {
                        Reference(snapshot.L1TableOffset, (long)snapshot.L1Size * 8, "snapshot L1 table");
                        WalkL1(table, active: false);
                    }
                }
            }
        }

        // The refcount table and its blocks.
        Reference(_header.RefcountTableOffset, (long)_header.RefcountTableClusters * cs, "refcount table");
        _refTable = ReadTableChecked(_header.RefcountTableOffset, _header.RefcountTableClusters * cs / 8, "refcount table") ?? Array.Empty<ulong>();
        for (var i = 0; i < _refTable.Length; i++)
        {
            var offset = (long)(_refTable[i] & Qcow2Layout.RefcountTableOffsetMask);
            if (offset == 0)
            {
                continue;
            }

            if ((offset & (cs - 1)) != 0)
            {
                Corruption("refcount table", _header.RefcountTableOffset + (i * 8L), $"refcount block {i} is not cluster aligned; refcount table entry corrupted", fixable: true);
                _rebuild = true;
                _refTable[i] = 0;
                continue;
            }

            // The mask keeps bit 63, so a hostile entry can be negative as a long: outside the file too.
            if (offset < 0 || offset >> _layout.ClusterBits >= _fileClusters)
            {
                Corruption("refcount table", _header.RefcountTableOffset + (i * 8L), $"refcount block {i} is outside image", fixable: true);
                _rebuild = true;
                _refTable[i] = 0;
                continue;
            }

            Reference(offset, cs, "refcount block");
            _refblockClusters.Add(offset >> _layout.ClusterBits);
        }

        foreach (var cluster in _refblockClusters)
        {
            if (_counts[cluster] != 1)
            {
                Corruption("refcount block", cluster << _layout.ClusterBits, $"refcount block at {cluster << _layout.ClusterBits} refcount={_counts[cluster]}", fixable: true);
                _rebuild = true;
            }
        }

        CountBitmaps();
    }

    private void WalkL1(ulong[] l1, bool active)
    {
        var cs = _layout.ClusterSize;
        var table = new byte[cs];
        for (var i = 0; i < l1.Length; i++)
        {
            var l2Offset = (long)(l1[i] & Qcow2Layout.OffsetMask);
            if (l2Offset == 0)
            {
                continue;
            }

            if ((l2Offset & (cs - 1)) != 0)
            {
                Corruption("L1 table", l2Offset, $"l2_offset={l2Offset:x}: Table is not cluster aligned; L1 entry corrupted");
            }

            if (!Reference(l2Offset, cs, "L2 table"))
            {
                continue;
            }

            if (--_l2Budget < 0)
            {
                throw new ImageOpsException("Qcow2CheckTooLarge", ErrorKind.LimitsExceeded, $"'{_storage.Name}' makes the check visit more L2 tables than its size justifies (snapshots sharing tables many times over); it was not checked.", _storage.Name);
            }

            _storage.ReadOrZero(l2Offset, table);
            WalkL2(table, l2Offset, active);
        }
    }

    private void WalkL2(byte[] table, long l2Offset, bool active)
    {
        var cs = _layout.ClusterSize;
        for (var j = 0; j < _layout.L2Entries; j++)
        {
            var entry = BinaryPrimitives.ReadUInt64BigEndian(table.AsSpan(j * _layout.L2EntryBytes));
            var bitmap = _layout.ExtendedL2 ? BinaryPrimitives.ReadUInt64BigEndian(table.AsSpan((j * _layout.L2EntryBytes) + 8)) : 0;
            var at = l2Offset + ((long)j * _layout.L2EntryBytes);
            switch (_layout.TypeOf(entry))
            {
                case Qcow2ClusterType.Compressed:
                    if ((entry & Qcow2Layout.FlagCopied) != 0)
                    {
                        Corruption("L2 table", at, $"coffset=0x{entry & _layout.CompressedOffsetMask:x}: copied flag must never be set for compressed clusters", fixable: true);
                    }

                    if (bitmap != 0)
                    {
                        Corruption("L2 table", at, "compressed cluster with non-zero subcluster allocation bitmap");
                    }

                    _layout.ParseCompressed(entry, out var coffset, out var csize);
                    Reference(coffset, csize, "compressed cluster");
                    if (active)
                    {
                        _report.AllocatedClusters++;
                    }

                    break;
                case Qcow2ClusterType.Normal:
                case Qcow2ClusterType.ZeroAllocated:
                    if (_layout.ExtendedL2 && ((uint)bitmap & (uint)(bitmap >> 32)) != 0)
                    {
                        Corruption("L2 table", at, "invalid subcluster allocation bitmap");
                    }

                    var offset = (long)(entry & Qcow2Layout.OffsetMask);
                    if ((offset & (cs - 1)) != 0)
                    {
                        Corruption("L2 table", at, $"offset={offset:x}: Cluster is not properly aligned; L2 entry corrupted");
                        break;
                    }

                    Reference(offset, cs, "data cluster");
                    if (active)
                    {
                        _report.AllocatedClusters++;
                    }

                    break;
                default:
                    if (_layout.ExtendedL2 && (uint)bitmap != 0)
                    {
                        Corruption("L2 table", at, "unallocated cluster with subclusters marked allocated");
                    }

                    break;
            }
        }
    }

    private void CountBitmaps()
    {
        var ext = _header.Find(Qcow2HeaderExtension.TypeBitmaps);

        // Without the autoclear bit the bitmaps are inconsistent and qemu ignores them (their
        // clusters then show up as leaks, which is what qemu-img check reports too).
        if (ext is null || (_header.AutoclearFeatures & Qcow2Header.AutoclearBitmaps) == 0 || ext.Data.Length < 24)
        {
            return;
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(ext.Data);
        var directorySize = BinaryPrimitives.ReadUInt64BigEndian(ext.Data.AsSpan(8));
        var directoryOffset = BinaryPrimitives.ReadUInt64BigEndian(ext.Data.AsSpan(16));
        if (count > 65535 || directorySize > (ulong)Math.Min(_storage.Length, 64L << 20) || directoryOffset > (ulong)_storage.Length || directoryOffset % (ulong)_layout.ClusterSize != 0)
        {
            Corruption("bitmaps extension", (long)Math.Min(directoryOffset, long.MaxValue), "the bitmap directory is out of bounds");
            return;
        }

        if (!Reference((long)directoryOffset, (long)directorySize, "bitmap directory"))
        {
            return;
        }

        var directory = new byte[directorySize];
        _storage.ReadOrZero((long)directoryOffset, directory);
        var position = 0;
        for (var i = 0; i < count && position + 24 <= directory.Length; i++)
        {
            var tableOffset = BinaryPrimitives.ReadUInt64BigEndian(directory.AsSpan(position));
            var tableSize = BinaryPrimitives.ReadUInt32BigEndian(directory.AsSpan(position + 8));
            var nameSize = BinaryPrimitives.ReadUInt16BigEndian(directory.AsSpan(position + 18));
            var extraSize = BinaryPrimitives.ReadUInt32BigEndian(directory.AsSpan(position + 20));
            position += (int)Math.Min(int.MaxValue, (24L + extraSize + nameSize + 7) & ~7L);
            if (tableOffset % (ulong)_layout.ClusterSize != 0 || tableOffset >= (ulong)_storage.Length || tableSize > (_storage.Length / 8))
            {
                Corruption("bitmap directory", (long)directoryOffset, $"bitmap {i} has an invalid table");
                continue;
            }

            var table = ReadTableChecked((long)tableOffset, (int)tableSize, "bitmap table");
            if (table is null)
            {
                continue;
            }

            Reference((long)tableOffset, tableSize * 8L, "bitmap table");
            foreach (var entry in table)
            {
                var data = (long)(entry & Qcow2Layout.OffsetMask);
                if (data != 0)
                {
                    Reference(data, _layout.ClusterSize, "bitmap data");
                }
            }
        }
    }

    private ulong[]? ReadTableChecked(long offset, int entries, string structure)
    {
        if (entries == 0)
        {
            return Array.Empty<ulong>();
        }

        if (offset < 0 || offset > _storage.Length - (entries * 8L))
        {
            Corruption(structure, offset, $"the {structure} ({entries} entries) lies past the end of the file");
            return null;
        }

        return Qcow2Tables.Read(_storage, offset, entries, structure);
    }

    /// <summary>Counts one reference to every cluster [offset, offset+length) overlaps; false if it leaves the file.</summary>
    private bool Reference(long offset, long length, string structure)
    {
        if (length <= 0)
        {
            return true;
        }

        var first = offset >> _layout.ClusterBits;
        var last = (offset + length - 1) >> _layout.ClusterBits;
        if (offset < 0 || last >= _fileClusters)
        {
            Corruption(structure, offset, $"the {structure} at {offset} (+{length}) lies past the end of the file ({_storage.Length} bytes)");
            return false;
        }

        for (var c = first; c <= last; c++)
        {
            if (_counts[c] != uint.MaxValue)
            {
                _counts[c]++;
            }
        }

        return true;
    }

    private ulong StoredRefcount(long cluster, ref long cachedBlock, byte[] block)
    {
        var blockIndex = cluster >> _layout.RefcountBlockBits;
        if (blockIndex >= _refTable.Length)
        {
            return 0;
        }

        var offset = (long)(_refTable[blockIndex] & Qcow2Layout.RefcountTableOffsetMask);
        if (offset == 0)
        {
            return 0;
        }

        if (cachedBlock != blockIndex)
        {
            _storage.ReadOrZero(offset, block);
            cachedBlock = blockIndex;
        }

        return Qcow2RefcountBlock.Get(block, _layout.RefcountOrder, cluster & (_layout.RefcountBlockEntries - 1));
    }

    private void Compare()
    {
        var block = new byte[_layout.ClusterSize];
        var cachedBlock = -1L;
        for (var c = 0L; c < _fileClusters; c++)
        {
            var stored = StoredRefcount(c, ref cachedBlock, block);
            var computed = (ulong)_counts[c];
            if (stored == computed)
            {
                continue;
            }

            var offset = c << _layout.ClusterBits;
            var message = string.Format(CultureInfo.InvariantCulture, "cluster {0} refcount={1} reference={2}", c, stored, computed);
            if (computed > _layout.RefcountMax)
            {
                Add(_refcountProblems, new DiskProblem(DiskProblemKind.Corruption, "refcount block", offset, $"overflow cluster offset=0x{offset:x}: {message}"));
            }
            else
            {
                Add(_refcountProblems, new DiskProblem(stored > computed ? DiskProblemKind.Leak : DiskProblemKind.Corruption, "refcount block", offset, message));
            }
        }
    }

    /// <summary>Active L1 and L2 entries must carry OFLAG_COPIED exactly when the refcount is 1 (qemu's check_oflag_copied).</summary>
    private void CheckCopiedFlags(bool fix)
    {
        var cs = _layout.ClusterSize;
        if (_header.L1Size == 0 || _header.L1TableOffset > _storage.Length - (_header.L1Size * 8L))
        {
            return;
        }

        var l1 = Qcow2Tables.Read(_storage, _header.L1TableOffset, _header.L1Size, "L1 table");
        var table = new byte[cs];
        var block = new byte[cs];
        var cachedBlock = -1L;
        for (var i = 0; i < l1.Length; i++)
        {
            var l2Offset = (long)(l1[i] & Qcow2Layout.OffsetMask);
            if (l2Offset == 0 || l2Offset >> _layout.ClusterBits >= _fileClusters)
            {
                continue;
            }

            // Like qemu's check_oflag_copied, against the stored refcounts (after any repair).
            var refcount = StoredRefcount(l2Offset >> _layout.ClusterBits, ref cachedBlock, block);
            var copied = (l1[i] & Qcow2Layout.FlagCopied) != 0;
            if ((refcount == 1) != copied)
            {
                if (fix)
                {
                    var fixedEntry = refcount == 1 ? l1[i] | Qcow2Layout.FlagCopied : l1[i] & ~Qcow2Layout.FlagCopied;
                    Qcow2Tables.WriteEntry(_storage, _header.L1TableOffset, i, fixedEntry);
                }
                else
                {
                    Corruption("L1 table", _header.L1TableOffset + (i * 8L), $"OFLAG_COPIED L2 cluster: l1_index={i} l1_entry={l1[i]:x} refcount={refcount}", fixable: true);
                }
            }

            if ((l2Offset & (cs - 1)) != 0)
            {
                continue;
            }

            _storage.ReadOrZero(l2Offset, table);
            var changed = false;
            for (var j = 0; j < _layout.L2Entries; j++)
            {
                var span = table.AsSpan(j * _layout.L2EntryBytes);
                var entry = BinaryPrimitives.ReadUInt64BigEndian(span);
                var type = _layout.TypeOf(entry);
                ulong wanted = entry;
                if (type == Qcow2ClusterType.Compressed)
                {
                    wanted = entry & ~Qcow2Layout.FlagCopied;
                }
                else if (type == Qcow2ClusterType.Normal || type == Qcow2ClusterType.ZeroAllocated)
                {
                    var data = (long)(entry & Qcow2Layout.OffsetMask);
                    if ((data & (cs - 1)) != 0 || data >> _layout.ClusterBits >= _fileClusters)
                    {
                        continue;
                    }

                    var dataRefcount = StoredRefcount(data >> _layout.ClusterBits, ref cachedBlock, block);
                    if ((dataRefcount == 1) != ((entry & Qcow2Layout.FlagCopied) != 0))
                    {
                        wanted = dataRefcount == 1 ? entry | Qcow2Layout.FlagCopied : entry & ~Qcow2Layout.FlagCopied;
                        if (!fix)
                        {
                            Corruption("L2 table", l2Offset + ((long)j * _layout.L2EntryBytes), $"OFLAG_COPIED data cluster: l2_entry={entry:x} refcount={dataRefcount}", fixable: true);
                        }
                    }
                }

                if (fix && wanted != entry)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(span, wanted);
                    changed = true;
                }
            }

            if (changed)
            {
                _storage.WriteAt(l2Offset, table);
            }
        }
    }

    private void Repair()
    {
        // Leaks and refcount corruptions: rewrite the stored refcounts from the computed ones, in
        // place when every needed block exists, otherwise by building a new refcount structure.
        if (!_rebuild)
        {
            _rebuild = !RepairInPlace(dryRun: true);
        }

        if (_rebuild)
        {
            Rebuild();
        }
        else
        {
            RepairInPlace(dryRun: false);
        }

        _storage.Flush(durable: true);
        CheckCopiedFlags(fix: true);
        _storage.Flush(durable: true);
        foreach (var problem in _refcountProblems)
        {
            problem.Repaired = !problem.Message.StartsWith("overflow", StringComparison.Ordinal);
        }

        foreach (var problem in _structureProblems)
        {
            problem.Repaired = _fixable.Contains(problem);
        }

        // Double check, as qemu-img does; what remains is reported unrepaired. With no corruption
        // left the dirty and corrupt bits are cleared (qemu marks the image clean and consistent).
        var header = Qcow2Header.Read(_storage);
        var again = new Qcow2Checker(_storage, header);
        again.Count();
        again.Compare();
        again.CheckCopiedFlags(fix: false);
        var remaining = again.Finish();
        foreach (var problem in remaining.Problems)
        {
            var known = _structureProblems.Find(p => p.Message == problem.Message && p.Offset == problem.Offset)
                        ?? _refcountProblems.Find(p => p.Message == problem.Message && p.Offset == problem.Offset);
            if (known is null)
            {
                _structureProblems.Add(problem);
            }
            else
            {
                known.Repaired = false;
            }
        }

        if (remaining.Status != DiskCheckStatus.Corrupt && header.Version >= 3 && (header.IncompatibleFeatures & (Qcow2Header.IncompatibleDirty | Qcow2Header.IncompatibleCorrupt)) != 0)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, header.IncompatibleFeatures & ~(Qcow2Header.IncompatibleDirty | Qcow2Header.IncompatibleCorrupt));
            _storage.WriteAt(Qcow2Header.OffsetIncompatibleFeatures, bytes);
            _storage.Flush(durable: true);
        }

        _report.AllocatedClusters = remaining.AllocatedClusters;
    }

    private bool RepairInPlace(bool dryRun)
    {
        var block = new byte[_layout.ClusterSize];

        // Raise counts first, then lower them: a crash during repair then leaves only leaks.
        foreach (var raise in new[] { true, false })
        {
            var cachedBlock = -1L;
            var dirty = false;
            for (var c = 0L; c < _fileClusters; c++)
            {
                var blockIndex = c >> _layout.RefcountBlockBits;
                if (dirty && blockIndex != cachedBlock)
                {
                    _storage.WriteAt((long)(_refTable[cachedBlock] & Qcow2Layout.RefcountTableOffsetMask), block);
                    dirty = false;
                }

                var stored = StoredRefcount(c, ref cachedBlock, block);
                var computed = Math.Min((ulong)_counts[c], _layout.RefcountMax);
                if (stored == computed || (computed > stored) != raise)
                {
                    continue;
                }

                if (blockIndex >= _refTable.Length || (_refTable[blockIndex] & Qcow2Layout.RefcountTableOffsetMask) == 0)
                {
                    return false;
                }

                if (!dryRun)
                {
                    Qcow2RefcountBlock.Set(block, _layout.RefcountOrder, c & (_layout.RefcountBlockEntries - 1), computed);
                    dirty = true;
                }
            }

            if (dirty)
            {
                _storage.WriteAt((long)(_refTable[cachedBlock] & Qcow2Layout.RefcountTableOffsetMask), block);
            }
        }

        return true;
    }

    /// <summary>
    /// Writes a complete new refcount structure after the end of the file (qemu's
    /// rebuild_refcount_structure) and switches the header to it in one write; the old table and
    /// blocks become free clusters.
    /// </summary>
    private void Rebuild()
    {
        var cs = _layout.ClusterSize;
        var counts = (uint[])_counts.Clone();
        for (var c = _header.RefcountTableOffset >> _layout.ClusterBits; c < (_header.RefcountTableOffset >> _layout.ClusterBits) + _header.RefcountTableClusters && c < counts.Length; c++)
        {
            counts[c] = counts[c] > 0 ? counts[c] - 1 : 0;
        }

        foreach (var c in _refblockClusters)
        {
            counts[c] = counts[c] > 0 ? counts[c] - 1 : 0;
        }

        var start = _fileClusters;
        var (blocks, tableClusters) = Qcow2RefcountBlock.MetadataFor(start, _layout);
        var total = start + blocks + tableClusters;
        if (tableClusters * cs > Qcow2Header.MaxRefcountTableBytes)
        {
            throw new ImageOpsException("Qcow2RepairFailed", ErrorKind.LimitsExceeded, $"The refcount table '{_storage.Name}' needs is larger than qemu's limit.", _storage.Name);
        }

        var table = new ulong[tableClusters * _layout.RefcountTableEntriesPerCluster];
        var block = new byte[cs];
        for (var b = 0L; b < blocks; b++)
        {
            Array.Clear(block, 0, cs);
            var first = b * _layout.RefcountBlockEntries;
            for (var c = first; c < Math.Min(total, first + _layout.RefcountBlockEntries); c++)
            {
                var value = c < start ? Math.Min((ulong)counts[c], _layout.RefcountMax) : 1UL;
                Qcow2RefcountBlock.Set(block, _layout.RefcountOrder, c - first, value);
            }

            var at = (start + b) << _layout.ClusterBits;
            _storage.WriteAt(at, block);
            table[b] = (ulong)at;
        }

        var tableBytes = new byte[table.Length * 8];
        Qcow2Tables.Encode(table, tableBytes);
        var tableOffset = (start + blocks) << _layout.ClusterBits;
        _storage.WriteAt(tableOffset, tableBytes);
        _storage.Flush(durable: true);
        var fields = new byte[12];
        BinaryPrimitives.WriteUInt64BigEndian(fields, (ulong)tableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(fields.AsSpan(8), (uint)tableClusters);
        _storage.WriteAt(Qcow2Header.OffsetRefcountTableOffset, fields);
        _storage.Flush(durable: true);
        _header.RefcountTableOffset = tableOffset;
        _header.RefcountTableClusters = (int)tableClusters;
        _refTable = table;
        Array.Copy(counts, _counts, counts.Length);
    }

    private void Corruption(string structure, long offset, string message, bool fixable = false)
    {
        var problem = new DiskProblem(DiskProblemKind.Corruption, structure, offset, message);
        if (fixable)
        {
            _fixable.Add(problem);
        }

        Add(_structureProblems, problem);
    }

    private void Add(List<DiskProblem> list, DiskProblem problem)
    {
        if (_structureProblems.Count + _refcountProblems.Count >= MaxReportedProblems)
        {
            _suppressed++;
            return;
        }

        list.Add(problem);
    }
}
