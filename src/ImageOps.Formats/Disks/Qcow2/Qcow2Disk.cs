using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// An open qcow2 image (v2 or v3), or a read-only view of one of its internal snapshots. Guest
/// offsets map through the L1 table and cached L2 tables to host clusters (qcow2.txt "Cluster
/// mapping"); compressed clusters are inflated, zero clusters read as zeros, unallocated ones come
/// from the backing file. Writes follow qemu's metadata order: refcounts before references, data
/// before the L2 entry, L2 tables before the L1 entry, copy-on-write for clusters shared with
/// snapshots, and frees last.
/// </summary>
public sealed class Qcow2Disk : VirtualDisk
{
    [ThreadStatic]
    private static DecompressedCluster? _lastCompressed;

    private readonly Qcow2Header _header;
    private readonly Qcow2Layout _layout;
    private readonly Qcow2L2Cache _l2Cache;
    private readonly List<Qcow2SnapshotEntry> _snapshotEntries;
    private readonly bool _isView;
    private readonly bool _writable;

    // What the thread-local decompression cache remembers instead of the disk itself, so a cache
    // entry never keeps a closed disk (and its L2 cache) alive.
    private readonly object _cacheToken = new();
    private Qcow2RefcountManager? _refcounts;
    private ulong[] _l1;
    private long _capacity;

    private Qcow2Disk(IBlockStorage storage, Qcow2Header header, ulong[] l1, long capacity, List<Qcow2SnapshotEntry> snapshots, bool writable, bool isView)
        : base(storage)
    {
        _header = header;
        _layout = Qcow2Layout.For(header);
        _l2Cache = new Qcow2L2Cache(_layout.ClusterSize);
        _l1 = l1;
        _capacity = capacity;
        _snapshotEntries = snapshots;
        _writable = writable;
        _isView = isView;
        Snapshots = snapshots.Select(s => new Qcow2Snapshot(s, header.Size)).ToList();
    }

    /// <inheritdoc />
    public override DiskFormat Format => DiskFormat.Qcow2;

    /// <inheritdoc />
    public override DiskVariant Variant => _header.BackingFile is null ? DiskVariant.Dynamic : DiskVariant.Differencing;

    /// <summary><c>v2</c> (qemu compat=0.10) or <c>v3</c> (compat=1.1).</summary>
    public override string Subformat => _header.Version == 2 ? "v2" : "v3";

    /// <inheritdoc />
    public override long Capacity => _capacity;

    /// <inheritdoc />
    public override int ClusterSize => _layout.ClusterSize;

    /// <inheritdoc />
    public override bool CanWrite => _writable;

    /// <summary>The qcow2 version, 2 or 3.</summary>
    public int Version => (int)_header.Version;

    /// <summary>The backing file name exactly as the image records it, or null.</summary>
    public string? BackingFile => _header.BackingFile;

    /// <summary>The backing file format the image declares (qemu names: raw, qcow2, vpc, vhdx, vmdk), or null.</summary>
    public string? BackingFormat => _header.BackingFormat;

    /// <summary>Width of a refcount entry in bits (16 unless created otherwise).</summary>
    public int RefcountBits => _layout.RefcountBits;

    /// <summary>True if the image uses extended L2 entries (32 subclusters per cluster).</summary>
    public bool ExtendedL2 => _layout.ExtendedL2;

    /// <summary>True if this is a read-only view of an internal snapshot.</summary>
    public bool IsSnapshotView => _isView;

    /// <summary>The internal snapshots, in table order.</summary>
    public IReadOnlyList<Qcow2Snapshot> Snapshots { get; }

    /// <summary>
    /// When true (the default), every point where qemu's metadata order matters is made durable with
    /// a flush, so even a power loss leaves only leaks; when false, writes are only issued in order,
    /// which is enough for a killed process.
    /// </summary>
    public bool DurableOrdering { get; set; } = true;

    internal Qcow2Header Header => _header;

    internal Qcow2Layout Layout => _layout;

    /// <summary>
    /// Opens a read-only view of the snapshot whose id or name is <paramref name="idOrName"/> (ids are
    /// matched first, as qemu does). The view shares this disk's file and backing file and must be
    /// disposed before it.
    /// </summary>
    public Qcow2Disk OpenSnapshot(string idOrName)
    {
        ThrowIfDisposed();
        var snapshot = Snapshots.FirstOrDefault(s => s.Id == idOrName) ?? Snapshots.FirstOrDefault(s => s.Name == idOrName)
            ?? throw new ImageOpsException("Qcow2SnapshotNotFound", ErrorKind.ObjectNotFound, $"'{Path}' has no snapshot with id or name '{idOrName}'.", Path);
        var entry = snapshot.Entry;
        var l1 = ReadL1(Storage, _header, entry.L1TableOffset, entry.L1Size, $"L1 table of snapshot '{entry.Name}'", entry.TableOffset);
        var size = snapshot.VirtualSize;
        if (Qcow2Header.RequiredL1Size(size, _header.ClusterBits, _header.ExtendedL2) > entry.L1Size)
        {
            throw new CorruptImageException(Path, Qcow2Header.FormatName, entry.TableOffset, "snapshot table entry", $"snapshot '{entry.Name}' has {entry.L1Size} L1 entries, too few for its size {size}");
        }

        var view = new Qcow2Disk(new BorrowedStorage(Storage), _header, l1, size, _snapshotEntries, writable: false, isView: true)
        {
            Parent = Parent,
            ParentLink = ParentLink,
        };
        return view;
    }

    /// <inheritdoc />
    public override void Resize(long newCapacity)
    {
        ThrowIfDisposed();
        RequireWritable();
        if (newCapacity < 0 || newCapacity % 512 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(newCapacity), $"A qcow2 disk's size must be a non-negative multiple of 512 bytes, not {newCapacity}.");
        }

        var oldCapacity = _capacity;
        if (newCapacity == oldCapacity)
        {
            return;
        }

        if (newCapacity < oldCapacity)
        {
            if (_header.NbSnapshots > 0)
            {
                throw new UnsupportedFeatureException("qcow2 shrink with snapshots", $"'{Path}' has internal snapshots; qemu does not shrink such images and neither does ImageOps.", Path, "Qcow2ShrinkWithSnapshots");
            }

            var firstDropped = (newCapacity + _layout.ClusterSize - 1) >> _layout.ClusterBits;
            if (Map(firstDropped << _layout.ClusterBits, Math.Max(0, AlignUp(oldCapacity) - (firstDropped << _layout.ClusterBits))).Any(r => r.Kind != AllocationKind.Unallocated))
            {
                throw new ImageOpsException("Qcow2ShrinkWouldDiscardData", ErrorKind.InvalidOperation, $"'{Path}' holds data beyond {newCapacity} bytes; shrinking would discard it. Free that space inside the guest first.", Path);
            }

            WriteSize(newCapacity);
            return;
        }

        var needed = Qcow2Header.RequiredL1Size(newCapacity, _header.ClusterBits, _header.ExtendedL2);
        if (needed > Qcow2Header.MaxL1Bytes / 8)
        {
            throw new UnsupportedFeatureException("qcow2 size", $"A size of {newCapacity} bytes needs an L1 table larger than qemu's limit of {Qcow2Header.MaxL1Bytes} bytes; use larger clusters.", Path, "Qcow2ImageTooLarge");
        }

        if (needed > _l1.Length)
        {
            GrowL1((int)needed);
        }

        WriteSize(newCapacity);

        // The bytes past the old end must read as zeros: the tail of the old last cluster, and
        // anything a (larger) backing file would otherwise show.
        var tailEnd = Math.Min(newCapacity, AlignUp(oldCapacity));
        if (tailEnd > oldCapacity && Map(oldCapacity, tailEnd - oldCapacity).Any(r => r.Kind == AllocationKind.Data))
        {
            base.WriteZeros(oldCapacity, tailEnd - oldCapacity);
        }

        if (Parent is not null && Parent.Capacity > oldCapacity)
        {
            WriteZeros(oldCapacity, Math.Min(newCapacity, Parent.Capacity) - oldCapacity);
        }
    }

    /// <inheritdoc />
    public override void WriteZeros(long offset, long length)
    {
        ThrowIfDisposed();
        RequireWritable();
        if (offset < 0 || length < 0 || offset > Capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset));
        }

        var end = offset + length;
        var position = offset;
        while (position < end)
        {
            var inCluster = (int)(position & (_layout.ClusterSize - 1));
            var n = (int)Math.Min(end - position, _layout.ClusterSize - inCluster);
            var clusterEnd = (position - inCluster) + _layout.ClusterSize;
            var wholeCluster = inCluster == 0 && (n == _layout.ClusterSize || (end >= _capacity && clusterEnd > _capacity));
            if (!wholeCluster || !ZeroCluster(position >> _layout.ClusterBits))
            {
                WriteZerosPiece(position, n);
            }

            position += n;
        }
    }

    /// <inheritdoc />
    public override void Flush()
    {
        if (CanWrite)
        {
            Storage.Flush(durable: true);
        }
    }

    internal static Qcow2Disk Open(IBlockStorage storage, Qcow2Header header, DiskOpenContext context)
    {
        var writable = context.Writable;
        if (writable)
        {
            if (!storage.CanWrite)
            {
                throw new ImageOpsException("DiskFileReadOnly", ErrorKind.PermissionDenied, $"'{storage.Name}' was opened for writing but its storage is read-only.", storage.Name);
            }

            if (header.IsCorrupt)
            {
                throw new CorruptImageException(storage.Name, Qcow2Header.FormatName, Qcow2Header.OffsetIncompatibleFeatures, "header", "the image is marked corrupt (a qemu consistency check failed); it can be opened read-only, or repaired with a check", "Qcow2ImageMarkedCorrupt");
            }

            if (header.ExtendedL2)
            {
                throw new UnsupportedFeatureException("qcow2 extended L2 write", $"'{storage.Name}' uses extended L2 entries (subclusters); ImageOps reads such images but does not write them.", storage.Name, "Qcow2ExtendedL2WriteNotSupported");
            }

            if (header.IsDirty)
            {
                // Lazy refcounts left the refcounts stale: rebuild them before any allocation, as
                // qemu does on a read-write open (qcow2_do_open → qcow2_check with BDRV_FIX_ERRORS).
                var report = Qcow2Checker.Run(storage, header, repair: true);
                if (report.Status == DiskCheckStatus.Corrupt)
                {
                    throw new CorruptImageException(storage.Name, Qcow2Header.FormatName, -1, "refcounts", "the image was not closed cleanly and its metadata could not be repaired: " + string.Join("; ", report.Problems.Where(p => !p.Repaired).Take(3)), "Qcow2RepairFailed");
                }

                header = Qcow2Header.Read(storage);
                WriteFeatureField(storage, Qcow2Header.OffsetIncompatibleFeatures, header.IncompatibleFeatures & ~Qcow2Header.IncompatibleDirty);
                header.IncompatibleFeatures &= ~Qcow2Header.IncompatibleDirty;
            }

            if (header.AutoclearFeatures != 0)
            {
                // ImageOps maintains none of the autoclear features (bitmaps included), so the bits
                // are cleared before the first write, as qcow2.txt requires.
                WriteFeatureField(storage, Qcow2Header.OffsetAutoclearFeatures, 0);
                header.AutoclearFeatures = 0;
                storage.Flush(durable: true);
            }
        }

        var l1 = ReadL1(storage, header, header.L1TableOffset, header.L1Size, "L1 table", Qcow2Header.OffsetL1TableOffset);
        var snapshots = header.NbSnapshots > 0 ? Qcow2SnapshotEntry.ReadTable(storage, header) : new List<Qcow2SnapshotEntry>();
        var disk = new Qcow2Disk(storage, header, l1, header.Size, snapshots, writable, isView: false);
        try
        {
            if (writable)
            {
                disk._refcounts = new Qcow2RefcountManager(storage, header, disk._layout) { Barrier = disk.Barrier };
            }

            if (header.BackingFile is not null)
            {
                var link = new ParentLink(header.BackingFile, null);
                disk.ParentLink = link;
                disk.Parent = context.OpenParent(storage, link, BackingFormatToDiskFormat(storage.Name, header.BackingFormat));
            }
        }
        catch
        {
            disk.Parent?.Dispose();
            disk.Parent = null;
            throw;
        }

        return disk;
    }

    internal void AttachParent(VirtualDisk parent)
    {
        ParentLink = new ParentLink(_header.BackingFile!, null) { ResolvedPath = parent.Path, ActualIdentity = parent.Identity };
        Parent = parent;
    }

    internal static DiskFormat? BackingFormatToDiskFormat(string path, string? backingFormat)
    {
        switch (backingFormat)
        {
            case null:
                return null;
            case "raw":
                return DiskFormat.Raw;
            case "qcow2":
                return DiskFormat.Qcow2;
            case "vpc":
                return DiskFormat.Vhd;
            case "vhdx":
                return DiskFormat.Vhdx;
            case "vmdk":
                return DiskFormat.Vmdk;
            default:
                throw new UnsupportedFeatureException($"qcow2 backing format {backingFormat}", $"'{path}' declares a backing file of format '{backingFormat}', which ImageOps does not open.", path, "Qcow2BackingFormatNotSupported");
        }
    }

    internal static string DiskFormatToBackingFormat(DiskFormat format) => format switch
    {
        DiskFormat.Raw => "raw",
        DiskFormat.Qcow2 => "qcow2",
        DiskFormat.Vhd => "vpc",
        DiskFormat.Vhdx => "vhdx",
        DiskFormat.Vmdk => "vmdk",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    internal static ulong[] ReadL1(IBlockStorage storage, Qcow2Header header, long offset, int entries, string structure, long referencedAt)
    {
        if (entries < 0 || entries > Qcow2Header.MaxL1Bytes / 8)
        {
            throw new CorruptImageException(storage.Name, Qcow2Header.FormatName, referencedAt, structure, $"{entries} entries exceed qemu's limit of {Qcow2Header.MaxL1Bytes / 8}");
        }

        if (entries == 0)
        {
            return Array.Empty<ulong>();
        }

        if (offset <= 0 || offset % header.ClusterSize != 0 || offset > storage.Length - (entries * 8L))
        {
            throw new CorruptImageException(storage.Name, Qcow2Header.FormatName, referencedAt, structure, $"the table at {offset} ({entries} entries) is unaligned, over the header or outside the file ({storage.Length} bytes)", offset > storage.Length - (entries * 8L) ? "ImageTruncated" : "ImageCorrupt");
        }

        return Qcow2Tables.Read(storage, offset, entries, structure);
    }

    /// <inheritdoc />
    protected override void ReadCore(long offset, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var position = offset + done;
            var run = Resolve(position, buffer.Length - done);
            var slice = buffer.Slice(done, run.Length);
            switch (run.Kind)
            {
                case RunKind.Data:
                    Storage.ReadOrZero(run.Host, slice);
                    break;
                case RunKind.Zero:
                    slice.Clear();
                    break;
                case RunKind.Unallocated:
                    ReadFromParent(position, slice);
                    break;
                default:
                    ReadCompressed(run.Entry, (int)(position & (_layout.ClusterSize - 1)), slice);
                    break;
            }

            done += run.Length;
        }
    }

    /// <inheritdoc />
    protected override void WriteCore(long offset, ReadOnlySpan<byte> data)
    {
        var done = 0;
        while (done < data.Length)
        {
            var position = offset + done;
            var vcluster = position >> _layout.ClusterBits;
            var l1Index = vcluster >> _layout.L2Bits;
            var l2Index = (int)(vcluster & (_layout.L2Entries - 1));
            var (l2Offset, table) = PrepareL2(l1Index);

            // Clusters written in place (allocated, not shared) go one by one; clusters that need a
            // new host cluster are batched within this L2 table, so one allocation, one data write
            // and one L2 write serve the whole run.
            var inCluster = (int)(position & (_layout.ClusterSize - 1));
            var entry = table[l2Index];
            var type = _layout.TypeOf(entry);
            if ((type == Qcow2ClusterType.Normal || type == Qcow2ClusterType.ZeroAllocated) && (entry & Qcow2Layout.FlagCopied) != 0)
            {
                var n = Math.Min(data.Length - done, _layout.ClusterSize - inCluster);
                var host = CheckedHost(entry, l2Offset, l2Index);
                if (type == Qcow2ClusterType.Normal)
                {
                    Storage.WriteAt(host + inCluster, data.Slice(done, n));
                }
                else
                {
                    var full = new byte[_layout.ClusterSize];
                    data.Slice(done, n).CopyTo(full.AsSpan(inCluster));
                    Storage.WriteAt(host, full);
                    table[l2Index] = (ulong)host | Qcow2Layout.FlagCopied;
                    Qcow2Tables.WriteEntry(Storage, l2Offset, l2Index, table[l2Index]);
                }

                done += n;
                continue;
            }

            var count = 1;
            var runBytes = Math.Min(data.Length - done, _layout.ClusterSize - inCluster);
            while (inCluster == 0 && l2Index + count < _layout.L2Entries && done + runBytes < data.Length)
            {
                var next = table[l2Index + count];
                var nextType = _layout.TypeOf(next);
                if ((nextType == Qcow2ClusterType.Normal || nextType == Qcow2ClusterType.ZeroAllocated) && (next & Qcow2Layout.FlagCopied) != 0)
                {
                    break;
                }

                runBytes += Math.Min(data.Length - done - runBytes, _layout.ClusterSize);
                count++;
            }

            AllocateAndWrite(position, l2Offset, table, l2Index, count, data.Slice(done, runBytes));
            done += runBytes;
        }
    }

    /// <inheritdoc />
    protected override IEnumerable<AllocationRange> GetAllocationCore(long offset, long length) => Map(offset, length);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_isView)
        {
            // The parent belongs to the disk the view was opened from.
            Parent = null;
        }

        _l2Cache.Clear();
        base.Dispose(disposing);
    }

    private static void WriteFeatureField(IBlockStorage storage, int fieldOffset, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        storage.WriteAt(fieldOffset, bytes);
    }

    /// <summary>The allocation map over any guest range, also past the current capacity (shrink checks it).</summary>
    private IEnumerable<AllocationRange> Map(long offset, long length)
    {
        var end = offset + length;
        var position = offset;
        while (position < end)
        {
            var vcluster = position >> _layout.ClusterBits;
            var l1Index = vcluster >> _layout.L2Bits;
            if (l1Index >= _l1.Length || (_l1[l1Index] & Qcow2Layout.OffsetMask) == 0)
            {
                var next = Math.Min(end, (l1Index + 1) * _layout.L2Coverage);
                yield return new AllocationRange(position, next - position, AllocationKind.Unallocated);
                position = next;
                continue;
            }

            var run = Resolve(position, (int)Math.Min(end - position, int.MaxValue & ~(_layout.ClusterSize - 1)), forMap: true);
            var kind = run.Kind switch
            {
                RunKind.Zero => AllocationKind.Zero,
                RunKind.Unallocated => AllocationKind.Unallocated,
                _ => AllocationKind.Data,
            };
            yield return new AllocationRange(position, run.Length, kind);
            position += run.Length;
        }
    }

    private Run Resolve(long position, int maxLength, bool forMap = false)
    {
        var first = Lookup(position, out var subEnd);
        var length = (int)Math.Min(maxLength, subEnd - position);
        if (first.Kind == RunKind.Compressed && !forMap)
        {
            return new Run(first.Kind, first.Host, first.Entry, length);
        }

        // Extend over following clusters (or subclusters) of the same kind; data only while the
        // host clusters are contiguous, so one read serves the run.
        while (length < maxLength)
        {
            var next = position + length;
            var candidate = Lookup(next, out var nextEnd);
            var sameKind = candidate.Kind == first.Kind || (forMap && IsData(candidate.Kind) && IsData(first.Kind));
            if (!sameKind || (!forMap && first.Kind == RunKind.Data && candidate.Host != first.Host + length))
            {
                break;
            }

            length = (int)Math.Min(maxLength, nextEnd - position);
        }

        return new Run(first.Kind, first.Host, first.Entry, length);
    }

    private static bool IsData(RunKind kind) => kind == RunKind.Data || kind == RunKind.Compressed;

    /// <summary>What the byte at <paramref name="position"/> maps to, and where that mapping ends.</summary>
    private Run Lookup(long position, out long end)
    {
        var vcluster = position >> _layout.ClusterBits;
        var clusterStart = vcluster << _layout.ClusterBits;
        var inCluster = position - clusterStart;
        var l1Index = vcluster >> _layout.L2Bits;
        end = clusterStart + _layout.ClusterSize;
        if (l1Index >= _l1.Length)
        {
            return new Run(RunKind.Unallocated, 0, 0, 0);
        }

        var l2Offset = (long)(_l1[l1Index] & Qcow2Layout.OffsetMask);
        if (l2Offset == 0)
        {
            return new Run(RunKind.Unallocated, 0, 0, 0);
        }

        var table = L2Table(l2Offset, l1Index);
        var l2Index = (int)(vcluster & (_layout.L2Entries - 1));
        var entry = _layout.ExtendedL2 ? table[2 * l2Index] : table[l2Index];
        var type = _layout.TypeOf(entry);
        if (type == Qcow2ClusterType.Compressed)
        {
            if (_layout.ExtendedL2 && table[(2 * l2Index) + 1] != 0)
            {
                throw CorruptL2(l2Offset, l2Index, "a compressed cluster has a non-zero subcluster bitmap");
            }

            return new Run(RunKind.Compressed, 0, entry, 0);
        }

        if (!_layout.ExtendedL2)
        {
            switch (type)
            {
                case Qcow2ClusterType.Unallocated:
                    return new Run(RunKind.Unallocated, 0, entry, 0);
                case Qcow2ClusterType.ZeroPlain:
                case Qcow2ClusterType.ZeroAllocated:
                    if (_header.Version < 3)
                    {
                        throw CorruptL2(l2Offset, l2Index, "a version 2 image has a zero cluster entry");
                    }

                    return new Run(RunKind.Zero, 0, entry, 0);
                default:
                    return new Run(RunKind.Data, CheckedHost(entry, l2Offset, l2Index) + inCluster, entry, 0);
            }
        }

        // Extended L2: the subcluster's allocation and zero bits decide (qcow2.txt "Extended L2 Entries").
        var bitmap = table[(2 * l2Index) + 1];
        var allocBits = (uint)bitmap;
        var zeroBits = (uint)(bitmap >> 32);
        if ((allocBits & zeroBits) != 0)
        {
            throw CorruptL2(l2Offset, l2Index, "a subcluster is marked both allocated and zero");
        }

        var sub = (int)(inCluster / _layout.SubclusterSize);
        var hasHost = type == Qcow2ClusterType.Normal;
        if (!hasHost && allocBits != 0)
        {
            throw CorruptL2(l2Offset, l2Index, "subclusters are marked allocated but the cluster has no host offset");
        }

        var kind = (allocBits >> sub & 1) != 0 ? RunKind.Data : (zeroBits >> sub & 1) != 0 ? RunKind.Zero : RunKind.Unallocated;
        var last = sub;
        while (last + 1 < Qcow2Layout.SubclustersPerCluster)
        {
            var nextKind = (allocBits >> (last + 1) & 1) != 0 ? RunKind.Data : (zeroBits >> (last + 1) & 1) != 0 ? RunKind.Zero : RunKind.Unallocated;
            if (nextKind != kind)
            {
                break;
            }

            last++;
        }

        end = clusterStart + ((long)(last + 1) * _layout.SubclusterSize);
        return kind == RunKind.Data ? new Run(kind, CheckedHost(entry, l2Offset, l2Index) + inCluster, entry, 0) : new Run(kind, 0, entry, 0);
    }

    private ulong[] L2Table(long l2Offset, long l1Index)
    {
        if ((l2Offset & (_layout.ClusterSize - 1)) != 0)
        {
            throw new CorruptImageException(Path, Qcow2Header.FormatName, _header.L1TableOffset + (l1Index * 8), "L1 table", $"L1 entry {l1Index} points at {l2Offset}, which is not cluster aligned", "Qcow2L1EntryCorrupt");
        }

        if (l2Offset > Storage.Length - _layout.ClusterSize)
        {
            throw new CorruptImageException(Path, Qcow2Header.FormatName, _header.L1TableOffset + (l1Index * 8), "L1 table", $"L1 entry {l1Index} points at {l2Offset}, past the end of the file ({Storage.Length} bytes)", "ImageTruncated");
        }

        return _l2Cache.Get(Storage, l2Offset, _layout.ClusterSize);
    }

    private long CheckedHost(ulong entry, long l2Offset, int l2Index)
    {
        var host = (long)(entry & Qcow2Layout.OffsetMask);
        if ((host & (_layout.ClusterSize - 1)) != 0)
        {
            throw CorruptL2(l2Offset, l2Index, $"the data cluster offset {host} is not cluster aligned");
        }

        // A host cluster past the end of the file reads as zeros, as qemu reads it (qemu writes only
        // the guest's bytes into a fresh cluster at the end, so files often end mid-cluster); the
        // checker reports such references.
        return host;
    }

    private CorruptImageException CorruptL2(long l2Offset, int l2Index, string detail)
        => new(Path, Qcow2Header.FormatName, l2Offset + ((long)l2Index * _layout.L2EntryBytes), "L2 table", detail, "Qcow2L2EntryCorrupt");

    private void ReadCompressed(ulong entry, int inCluster, Span<byte> destination)
    {
        var cached = _lastCompressed;
        if (cached is null || cached.Owner != _cacheToken || cached.Entry != entry || cached.Data.Length != _layout.ClusterSize)
        {
            cached ??= new DecompressedCluster();
            cached.Owner = null;
            if (cached.Data.Length != _layout.ClusterSize)
            {
                cached.Data = new byte[_layout.ClusterSize];
            }

            Decompress(entry, cached.Data, ref cached.Input);
            cached.Owner = _cacheToken;
            cached.Entry = entry;
            _lastCompressed = cached;
        }

        cached.Data.AsSpan(inCluster, destination.Length).CopyTo(destination);
    }

    private void Decompress(ulong entry, byte[] output, ref byte[] input)
    {
        _layout.ParseCompressed(entry, out var host, out var length);
        if (host >= Storage.Length)
        {
            throw new CorruptImageException(Path, Qcow2Header.FormatName, host, "compressed cluster", $"the compressed data at {host} lies past the end of the file ({Storage.Length} bytes)", "ImageTruncated");
        }

        if (input.Length < length)
        {
            input = new byte[length];
        }

        // The last sector may reach past the end of the file; the stream ends before it does.
        var available = (int)Math.Min(length, Storage.Length - host);
        Storage.ReadExactly(host, input.AsSpan(0, available), Qcow2Header.FormatName, "compressed cluster");
        if (!Qcow2Compression.Decompress(input, available, output))
        {
            throw new CorruptImageException(Path, Qcow2Header.FormatName, host, "compressed cluster", "the deflate stream is malformed or does not produce a whole cluster", "Qcow2CompressedClusterCorrupt");
        }
    }

    private void RequireWritable()
    {
        if (!CanWrite)
        {
            throw new InvalidOperationException($"'{Path}' is open read-only.");
        }
    }

    private void Barrier()
    {
        if (DurableOrdering)
        {
            Storage.Flush(durable: true);
        }
    }

    /// <summary>The L2 table for <paramref name="l1Index"/>, allocated or copied (if shared with a snapshot) so it can be written.</summary>
    private (long Offset, ulong[] Table) PrepareL2(long l1Index)
    {
        var l1Entry = _l1[l1Index];
        var current = (long)(l1Entry & Qcow2Layout.OffsetMask);
        if (current != 0 && (l1Entry & Qcow2Layout.FlagCopied) != 0)
        {
            return (current, L2Table(current, l1Index));
        }

        var source = current == 0 ? null : L2Table(current, l1Index);
        var fresh = _refcounts!.Allocate(1);
        Barrier();
        var table = source is null ? new ulong[_layout.ClusterSize / 8] : (ulong[])source.Clone();
        var bytes = new byte[_layout.ClusterSize];
        Qcow2Tables.Encode(table, bytes);
        Storage.WriteAt(fresh, bytes);
        Barrier();
        _l2Cache.Put(fresh, table);
        _l1[l1Index] = (ulong)fresh | Qcow2Layout.FlagCopied;
        Qcow2Tables.WriteEntry(Storage, _header.L1TableOffset, l1Index, _l1[l1Index]);
        if (current != 0)
        {
            // Copy-on-write of a table shared with a snapshot: the old copy loses one reference.
            Barrier();
            _refcounts.Release(current, _layout.ClusterSize);
        }

        return (fresh, table);
    }

    private void AllocateAndWrite(long position, long l2Offset, ulong[] table, int l2Index, int count, ReadOnlySpan<byte> data)
    {
        var clusterStart = position & ~(long)(_layout.ClusterSize - 1);
        var inCluster = (int)(position - clusterStart);
        var bytes = (long)count * _layout.ClusterSize;
        var fresh = _refcounts!.Allocate(count);
        Barrier();
        if (inCluster == 0 && data.Length == bytes)
        {
            Storage.WriteAt(fresh, data);
        }
        else
        {
            // Partial clusters at either end keep what they held: read through this layer (old data,
            // zeros or the backing file) and overlay the new bytes.
            var buffer = new byte[bytes];
            var headEnd = Math.Min(bytes, _layout.ClusterSize);
            if (inCluster != 0 || data.Length < headEnd)
            {
                ReadCore(clusterStart, buffer.AsSpan(0, (int)headEnd));
            }

            var tailStart = bytes - _layout.ClusterSize;
            if (count > 1 && inCluster + data.Length < bytes)
            {
                ReadCore(clusterStart + tailStart, buffer.AsSpan((int)tailStart, _layout.ClusterSize));
            }

            data.CopyTo(buffer.AsSpan(inCluster));
            Storage.WriteAt(fresh, buffer);
        }

        var old = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            old[i] = table[l2Index + i];
            table[l2Index + i] = (ulong)(fresh + ((long)i * _layout.ClusterSize)) | Qcow2Layout.FlagCopied;
        }

        Qcow2Tables.WriteEntries(Storage, l2Offset, table, l2Index, count);
        ReleaseAll(old);
    }

    private void ReleaseAll(ulong[] oldEntries)
    {
        var barrierDone = false;
        foreach (var old in oldEntries)
        {
            var type = _layout.TypeOf(old);
            if (type == Qcow2ClusterType.Unallocated || type == Qcow2ClusterType.ZeroPlain)
            {
                continue;
            }

            if (!barrierDone)
            {
                Barrier();
                barrierDone = true;
            }

            if (type == Qcow2ClusterType.Compressed)
            {
                _layout.ParseCompressed(old, out var host, out var length);
                _refcounts!.Release(host & ~511L, (host & 511) + length);
            }
            else
            {
                _refcounts!.Release((long)(old & Qcow2Layout.OffsetMask), _layout.ClusterSize);
            }
        }
    }

    /// <summary>Makes a whole cluster read as zeros through metadata alone; false when the caller must write zeros.</summary>
    private bool ZeroCluster(long vcluster)
    {
        var l1Index = vcluster >> _layout.L2Bits;
        var l2Index = (int)(vcluster & (_layout.L2Entries - 1));
        var l2Present = (_l1[l1Index] & Qcow2Layout.OffsetMask) != 0;
        ulong entry = 0;
        if (l2Present)
        {
            entry = L2Table((long)(_l1[l1Index] & Qcow2Layout.OffsetMask), l1Index)[l2Index];
        }

        var type = _layout.TypeOf(entry);
        if (type == Qcow2ClusterType.Unallocated && Parent is null)
        {
            return true;
        }

        if (type == Qcow2ClusterType.ZeroPlain || type == Qcow2ClusterType.ZeroAllocated)
        {
            return true;
        }

        if (_header.Version < 3)
        {
            return false;
        }

        var (l2Offset, table) = PrepareL2(l1Index);
        entry = table[l2Index];
        type = _layout.TypeOf(entry);
        if (type == Qcow2ClusterType.Normal && (entry & Qcow2Layout.FlagCopied) != 0)
        {
            // Keep the host cluster as a preallocated zero cluster, as qemu does for write-zeroes.
            table[l2Index] = entry | Qcow2Layout.FlagZero;
            Qcow2Tables.WriteEntry(Storage, l2Offset, l2Index, table[l2Index]);
            return true;
        }

        table[l2Index] = Qcow2Layout.FlagZero;
        Qcow2Tables.WriteEntry(Storage, l2Offset, l2Index, table[l2Index]);
        ReleaseAll(new[] { entry });
        return true;
    }

    private void WriteZerosPiece(long position, int length)
    {
        var zeros = new byte[length];
        WriteCore(position, zeros);
    }

    private void GrowL1(int entries)
    {
        var bytes = (long)entries * 8;
        var clusters = (int)((bytes + _layout.ClusterSize - 1) >> _layout.ClusterBits);
        var fresh = _refcounts!.Allocate(clusters);
        Barrier();
        var table = new ulong[entries];
        Array.Copy(_l1, table, _l1.Length);
        var encoded = new byte[(long)clusters << _layout.ClusterBits];
        Qcow2Tables.Encode(table, encoded);
        Storage.WriteAt(fresh, encoded);
        Barrier();

        // l1_size and l1_table_offset are adjacent (bytes 36-47): one write switches both.
        var fields = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(fields, (uint)entries);
        BinaryPrimitives.WriteUInt64BigEndian(fields.AsSpan(4), (ulong)fresh);
        Storage.WriteAt(Qcow2Header.OffsetL1Size, fields);
        Barrier();
        var oldOffset = _header.L1TableOffset;
        var oldBytes = (long)_header.L1Size * 8;
        _header.L1Size = entries;
        _header.L1TableOffset = fresh;
        _l1 = table;
        if (oldBytes > 0)
        {
            _refcounts.Release(oldOffset, oldBytes);
        }
    }

    private void WriteSize(long size)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)size);
        Storage.WriteAt(Qcow2Header.OffsetSize, bytes);
        Barrier();
        _header.Size = size;
        _capacity = size;
    }

    private long AlignUp(long value) => (value + _layout.ClusterSize - 1) & ~(long)(_layout.ClusterSize - 1);

    private enum RunKind
    {
        Unallocated,
        Zero,
        Data,
        Compressed,
    }

    private readonly struct Run
    {
        public Run(RunKind kind, long host, ulong entry, int length)
        {
            Kind = kind;
            Host = host;
            Entry = entry;
            Length = length;
        }

        public RunKind Kind { get; }

        public long Host { get; }

        public ulong Entry { get; }

        public int Length { get; }
    }

    private sealed class DecompressedCluster
    {
        public object? Owner;
        public ulong Entry;
        public byte[] Data = Array.Empty<byte>();
        public byte[] Input = Array.Empty<byte>();
    }

    /// <summary>The parent disk's storage, seen by a snapshot view without owning it.</summary>
    private sealed class BorrowedStorage : IBlockStorage
    {
        private readonly IBlockStorage _inner;

        public BorrowedStorage(IBlockStorage inner) => _inner = inner;

        public string Name => _inner.Name;

        public long Length => _inner.Length;

        public bool CanWrite => false;

        public int ReadAt(long offset, Span<byte> buffer) => _inner.ReadAt(offset, buffer);

        public void WriteAt(long offset, ReadOnlySpan<byte> data) => throw new InvalidOperationException("A snapshot view is read-only.");

        public void SetLength(long length) => throw new InvalidOperationException("A snapshot view is read-only.");

        public void Flush(bool durable)
        {
        }

        public void Dispose()
        {
        }
    }
}
