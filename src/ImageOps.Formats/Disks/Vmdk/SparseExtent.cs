using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Threading;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// A hosted sparse extent ("KDMV"): monolithicSparse, streamOptimized, or one extent of a
/// twoGbMaxExtentSparse disk. Maps the virtual disk through the grain directory (GD) and grain tables
/// (GT) to grains (VMware "Virtual Disk Format 5.0", "Grain Directories and Grain Tables"; qemu
/// <c>get_cluster_offset</c>).
/// </summary>
/// <remarks>
/// Reads are thread-safe: the GD is loaded at open, each GT is loaded once on first use and published
/// with an interlocked exchange, and decompressed grains go through a small locked cache.
/// Writes (exclusive by the <see cref="VirtualDisk"/> contract) follow a crash order that can only
/// leak space: new grains are written and flushed before any grain table refers to them, and new
/// grain tables are flushed before the directory refers to them.
/// </remarks>
internal sealed class SparseExtent : IVmdkExtent
{
    private const string Format = "VMDK";

    /// <summary>Dirty grain tables kept in memory before they are written out on their own.</summary>
    private const int MaxDirtyTables = 64;

    private const int CacheSlots = 4;

    private readonly bool _ownsStorage;
    private readonly uint[] _gd;
    private readonly uint[]? _rgd;
    private readonly uint[]?[] _gts;

    /// <summary>Stands for every loaded table whose entries are all 0, so a large empty disk costs no table memory. Never written to.</summary>
    private readonly uint[] _emptyTable;
    private readonly object _cacheGate = new();
    private readonly long[] _cacheGrains = new long[CacheSlots];
    private readonly uint[] _cacheEntries = new uint[CacheSlots];
    private readonly byte[]?[] _cacheData = new byte[CacheSlots][];
    private int _cacheNext;

    // Writing state.
    private readonly HashSet<int> _dirtyTables = new();
    private bool _directoryDirty;
    private long _allocationSector;
    private long _pendingGrain = -1;
    private byte[]? _pendingBuffer;
    private bool _streamTailStale;

    private SparseExtent(IBlockStorage storage, SparseHeaderReader headers, bool ownsStorage, uint[] gd, uint[]? rgd)
    {
        Storage = storage;
        Headers = headers;
        _ownsStorage = ownsStorage;
        _gd = gd;
        _rgd = rgd;
        _gts = new uint[]?[gd.Length];
        _emptyTable = new uint[headers.GtesPerGt];
        GrainBytes = (int)(headers.GrainSectors * SparseExtentHeader.SectorSize);
        Length = headers.CapacitySectors * SparseExtentHeader.SectorSize;
        for (var i = 0; i < CacheSlots; i++)
        {
            _cacheGrains[i] = -1;
        }
    }

    public IBlockStorage Storage { get; }

    IBlockStorage? IVmdkExtent.Storage => Storage;

    public SparseHeaderReader Headers { get; }

    public SparseExtentHeader Header => Headers.Effective;

    public long Length { get; }

    public int GrainBytes { get; }

    public bool Compressed => Headers.Compressed;

    /// <summary>The embedded descriptor, or null when the extent has none (or an empty one).</summary>
    public VmdkDescriptor? Descriptor { get; private set; }

    /// <summary>Byte offset and size of the embedded descriptor area (0 when there is none).</summary>
    public long DescriptorOffset => (long)Headers.Primary.DescriptorOffset * SparseExtentHeader.SectorSize;

    public int DescriptorAreaBytes => (int)Headers.Primary.DescriptorSize * SparseExtentHeader.SectorSize;

    /// <summary>True once opened for writing (a new stream-optimized extent, or a hosted extent).</summary>
    public bool Writable { get; private set; }

    /// <summary>True for a stream-optimized extent being written: grains are appended compressed and the metadata rewritten at the end on flush.</summary>
    public bool StreamWriting { get; private set; }

    private long OverheadSectors => (long)Header.OverHead;

    /// <summary>Opens an extent and validates its header, directory and descriptor.</summary>
    public static SparseExtent Open(IBlockStorage storage, bool ownsStorage)
    {
        var headers = SparseHeaderReader.Read(storage);
        var gd = ReadDirectory(storage, headers, (long)headers.Effective.GdOffset, "grain directory");
        var rgd = headers.HasRedundantDirectory ? ReadDirectory(storage, headers, (long)headers.Effective.RgdOffset, "redundant grain directory") : null;
        var extent = new SparseExtent(storage, headers, ownsStorage, gd, rgd);
        extent.Descriptor = ReadDescriptor(storage, headers.Primary);
        return extent;
    }

    /// <summary>Reads a grain directory; every entry must be 0 or place a whole grain table inside the file.</summary>
    internal static uint[] ReadDirectory(IBlockStorage storage, SparseHeaderReader headers, long sector, string structure, bool validate = true)
    {
        var count = (int)headers.GdEntries;
        var bytes = new byte[count * GrainTable.EntrySize];
        var offset = sector * SparseExtentHeader.SectorSize;
        storage.ReadExactly(offset, bytes, Format, structure);
        var entries = new uint[count];
        GrainTable.Decode(bytes, entries);
        var lastValid = (storage.Length - headers.GtBytes) / SparseExtentHeader.SectorSize;
        for (var i = 0; i < count; i++)
        {
            if (validate && entries[i] != 0 && entries[i] > lastValid)
            {
                throw new CorruptImageException(storage.Name, Format, offset + i * GrainTable.EntrySize, structure, $"entry {i} places a grain table at sector {entries[i]}, beyond the end of the file ({storage.Length} bytes)", "VmdkGrainDirectoryInvalid");
            }
        }

        return entries;
    }

    private static VmdkDescriptor? ReadDescriptor(IBlockStorage storage, SparseExtentHeader primary)
    {
        if (primary.DescriptorOffset == 0)
        {
            return null;
        }

        var offset = (long)primary.DescriptorOffset * SparseExtentHeader.SectorSize;
        var area = new byte[(int)primary.DescriptorSize * SparseExtentHeader.SectorSize];
        storage.ReadExactly(offset, area, Format, "embedded descriptor");
        if (ZeroDetector.IsAllZero(area))
        {
            return null;
        }

        return VmdkDescriptor.Parse(area, storage.Name, offset, embedded: true);
    }

    /// <summary>Prepares a hosted (uncompressed) extent for writing: new grains go after the end of the file.</summary>
    public void EnableHostedWrites()
    {
        Writable = true;

        // qemu starts allocating at the file size rounded up to a grain; so do we.
        _allocationSector = Alignment.RoundUp(Storage.Length, GrainBytes) / SparseExtentHeader.SectorSize;
    }

    /// <summary>Prepares a new, empty stream-optimized extent for writing: grains from the grain offset, metadata rewritten at each flush.</summary>
    public void EnableStreamWrites()
    {
        Writable = true;
        StreamWriting = true;
        _allocationSector = OverheadSectors;
        for (var i = 0; i < _gts.Length; i++)
        {
            _gts[i] = null;
            _gd[i] = 0;
        }

        _streamTailStale = true;
    }

    // ---------------------------------------------------------------- reading

    /// <summary>The grain table entry of <paramref name="grain"/> (0: unallocated).</summary>
    public uint GetEntry(long grain)
    {
        var table = LoadTable((int)(grain / Headers.GtesPerGt));
        return table is null ? 0 : table[grain % Headers.GtesPerGt];
    }

    private uint[]? LoadTable(int index)
    {
        var table = Volatile.Read(ref _gts[index]);
        if (table is not null || _gd[index] == 0 || StreamWriting)
        {
            return table;
        }

        var offset = (long)_gd[index] * SparseExtentHeader.SectorSize;
        var bytes = ArrayPool<byte>.Shared.Rent(Headers.GtBytes);
        try
        {
            Storage.ReadExactly(offset, bytes.AsSpan(0, Headers.GtBytes), Format, "grain table");
            if (ZeroDetector.IsAllZero(bytes.AsSpan(0, Headers.GtBytes)))
            {
                return Interlocked.CompareExchange(ref _gts[index], _emptyTable, null) ?? _emptyTable;
            }

            var loaded = new uint[Headers.GtesPerGt];
            GrainTable.Decode(bytes, loaded);
            for (var i = 0; i < loaded.Length; i++)
            {
                ValidateEntry(loaded[i], (long)index * Headers.GtesPerGt + i, offset + i * GrainTable.EntrySize);
            }

            return Interlocked.CompareExchange(ref _gts[index], loaded, null) ?? loaded;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>A grain table entry must be 0, the zeroed-grain value where enabled, or a grain after the metadata and inside the file.</summary>
    private void ValidateEntry(uint entry, long grain, long at)
    {
        if (entry == 0 || (entry == GrainTable.ZeroedGrain && Headers.HasZeroedGrains))
        {
            return;
        }

        var grainStart = grain * GrainBytes;
        if (grainStart >= Length)
        {
            // Entries past the capacity (the tail of the last table) are never read.
            return;
        }

        long needed = Compressed ? (Headers.HasMarkers ? StreamMarker.GrainHeaderSize : 1) : Math.Min(GrainBytes, Length - grainStart);
        var position = (long)entry * SparseExtentHeader.SectorSize;
        if (entry < OverheadSectors || position > Storage.Length - needed)
        {
            throw new CorruptImageException(Storage.Name, Format, at, "grain table", entry < OverheadSectors
                ? $"the entry of grain {grain} points at sector {entry}, inside the metadata before the first grain (sector {OverheadSectors})"
                : $"the entry of grain {grain} points at sector {entry}, past the end of the file ({Storage.Length} bytes)", "VmdkGrainTableInvalid");
        }
    }

    public void Read(long offset, Span<byte> buffer, long diskBase, UnallocatedReader unallocated)
    {
        while (buffer.Length > 0)
        {
            var grain = offset / GrainBytes;
            var inGrain = (int)(offset % GrainBytes);
            var n = Math.Min(buffer.Length, GrainBytes - inGrain);
            var part = buffer.Slice(0, n);
            if (grain == _pendingGrain)
            {
                _pendingBuffer.AsSpan(inGrain, n).CopyTo(part);
            }
            else
            {
                var entry = GetEntry(grain);
                if (entry == 0)
                {
                    unallocated(diskBase + offset, part);
                }
                else if (entry == GrainTable.ZeroedGrain && Headers.HasZeroedGrains)
                {
                    part.Clear();
                }
                else if (!Compressed)
                {
                    Storage.ReadExactly((long)entry * SparseExtentHeader.SectorSize + inGrain, part, Format, "grain");
                }
                else
                {
                    ReadCompressed(grain, entry, inGrain, part);
                }
            }

            offset += n;
            buffer = buffer.Slice(n);
        }
    }

    /// <summary>
    /// Serves reads of a compressed grain from the last few inflated ones, so reading a grain in small
    /// pieces inflates it once. Keyed by grain and location: a rewritten grain has a new location.
    /// </summary>
    private void ReadCompressed(long grain, uint entry, int inGrain, Span<byte> destination)
    {
        lock (_cacheGate)
        {
            for (var i = 0; i < CacheSlots; i++)
            {
                if (_cacheGrains[i] == grain && _cacheEntries[i] == entry)
                {
                    _cacheData[i].AsSpan(inGrain, destination.Length).CopyTo(destination);
                    return;
                }
            }
        }

        // Pooled buffers: cached grains are only read under the lock, so an evicted one can go back at once.
        var data = ArrayPool<byte>.Shared.Rent(GrainBytes);
        try
        {
            Decompress(grain, entry, data);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(data);
            throw;
        }

        data.AsSpan(inGrain, destination.Length).CopyTo(destination);
        byte[]? evicted;
        lock (_cacheGate)
        {
            var slot = _cacheNext;
            _cacheNext = (_cacheNext + 1) % CacheSlots;
            evicted = _cacheData[slot];
            _cacheGrains[slot] = grain;
            _cacheEntries[slot] = entry;
            _cacheData[slot] = data;
        }

        if (evicted is not null)
        {
            ArrayPool<byte>.Shared.Return(evicted);
        }
    }

    /// <summary>Inflates the grain at sector <paramref name="entry"/> into <paramref name="grainBuffer"/> (a short last grain is zero-padded).</summary>
    internal void Decompress(long grain, uint entry, Span<byte> grainBuffer)
    {
        var position = (long)entry * SparseExtentHeader.SectorSize;
        var available = Storage.Length - position;

        // qemu reads at most two grains for one compressed grain (vmdk_read_extent); larger is corrupt.
        var maxCompressed = 2 * GrainBytes;
        int dataOffset, dataLength;
        var exact = Headers.HasMarkers;
        if (Headers.HasMarkers)
        {
            Span<byte> marker = stackalloc byte[StreamMarker.GrainHeaderSize];
            Storage.ReadExactly(position, marker, Format, "grain marker");
            StreamMarker.ReadGrainHeader(marker, out var lba, out var size);
            var expectedLba = (ulong)(grain * Headers.GrainSectors);
            if (lba != expectedLba)
            {
                throw new CorruptImageException(Storage.Name, Format, position, "grain marker", $"the grain table sends grain {grain} (sector {expectedLba}) to a marker for sector {lba}", "VmdkGrainMarkerInvalid");
            }

            if (size == 0 || size > maxCompressed || size > available - StreamMarker.GrainHeaderSize)
            {
                throw new CorruptImageException(Storage.Name, Format, position, "grain marker", $"the compressed size {size} is zero, larger than {maxCompressed}, or runs past the end of the file", "VmdkGrainMarkerInvalid");
            }

            dataOffset = StreamMarker.GrainHeaderSize;
            dataLength = (int)size;
        }
        else
        {
            dataOffset = 0;
            dataLength = (int)Math.Min(maxCompressed, available);
        }

        var compressed = ArrayPool<byte>.Shared.Rent(dataLength);
        try
        {
            Storage.ReadExactly(position + dataOffset, compressed.AsSpan(0, dataLength), Format, "compressed grain");
            int produced;
            try
            {
                produced = ZlibCodec.Decompress(compressed, 0, dataLength, grainBuffer.Slice(0, GrainBytes), exact);
            }
            catch (InvalidDataException ex)
            {
                throw new CorruptImageException(Storage.Name, Format, position, "compressed grain", $"grain {grain} does not decompress: {ex.Message}", "VmdkCompressedGrainInvalid", ex);
            }

            // The last grain of a disk whose size is not a multiple of the grain may be short (qemu and open-vmdk write it so).
            var needed = (int)Math.Min(GrainBytes, Length - grain * GrainBytes);
            if (produced < needed)
            {
                throw new CorruptImageException(Storage.Name, Format, position, "compressed grain", $"grain {grain} decompresses to {produced} bytes, fewer than the {needed} it must hold", "VmdkCompressedGrainInvalid");
            }

            grainBuffer.Slice(produced, GrainBytes - produced).Clear();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    public IEnumerable<AllocationRange> Map(long offset, long length)
    {
        var end = offset + length;
        var tableSpan = (long)GrainBytes * Headers.GtesPerGt;
        while (offset < end)
        {
            var grain = offset / GrainBytes;
            var table = (int)(grain / Headers.GtesPerGt);
            var gt = LoadTable(table);
            if ((gt is null || gt == _emptyTable) && grain != _pendingGrain && (_pendingGrain < 0 || _pendingGrain / Headers.GtesPerGt != table))
            {
                var tableEnd = Math.Min(end, (table + 1) * tableSpan);
                yield return new AllocationRange(offset, tableEnd - offset, AllocationKind.Unallocated);
                offset = tableEnd;
                continue;
            }

            var grainEnd = Math.Min(end, (grain + 1) * GrainBytes);
            var entry = gt is null ? 0 : gt[grain % Headers.GtesPerGt];
            var kind = grain == _pendingGrain ? AllocationKind.Data
                : entry == 0 ? AllocationKind.Unallocated
                : entry == GrainTable.ZeroedGrain && Headers.HasZeroedGrains ? AllocationKind.Zero
                : AllocationKind.Data;
            yield return new AllocationRange(offset, grainEnd - offset, kind);
            offset = grainEnd;
        }
    }

    // ---------------------------------------------------------------- writing

    /// <summary>Writes extent-relative data; unallocated grains are filled from <paramref name="unallocated"/> first (copy-on-write).</summary>
    public void Write(long offset, ReadOnlySpan<byte> data, long diskBase, UnallocatedReader unallocated)
    {
        while (data.Length > 0)
        {
            var grain = offset / GrainBytes;
            var inGrain = (int)(offset % GrainBytes);
            var n = Math.Min(data.Length, GrainBytes - inGrain);
            if (StreamWriting)
            {
                WriteStreamGrain(grain, inGrain, data.Slice(0, n));
            }
            else
            {
                WriteHostedGrain(grain, inGrain, data.Slice(0, n), diskBase, unallocated);
            }

            offset += n;
            data = data.Slice(n);
        }

        if (_dirtyTables.Count >= MaxDirtyTables)
        {
            FlushMetadata();
        }
    }

    /// <summary>Marks whole grains as reading zeros: the zeroed-grain entry where enabled, else unallocated when nothing shows through.</summary>
    public bool TryZeroGrain(long grain, bool hasParent)
    {
        if (!Headers.HasZeroedGrains && hasParent)
        {
            return false;
        }

        if (StreamWriting && grain == _pendingGrain)
        {
            _pendingGrain = -1;
        }

        var table = EnsureTable((int)(grain / Headers.GtesPerGt));
        var value = Headers.HasZeroedGrains ? GrainTable.ZeroedGrain : 0u;
        var index = (int)(grain % Headers.GtesPerGt);
        if (table[index] != value)
        {
            table[index] = value;
            MarkDirty((int)(grain / Headers.GtesPerGt));
        }

        return true;
    }

    private void WriteHostedGrain(long grain, int inGrain, ReadOnlySpan<byte> data, long diskBase, UnallocatedReader unallocated)
    {
        var tableIndex = (int)(grain / Headers.GtesPerGt);
        var table = EnsureTable(tableIndex);
        var entry = table[grain % Headers.GtesPerGt];
        if (entry != 0 && !(entry == GrainTable.ZeroedGrain && Headers.HasZeroedGrains))
        {
            Storage.WriteAt((long)entry * SparseExtentHeader.SectorSize + inGrain, data);
            return;
        }

        // A new grain is written whole: what the request does not cover comes from the parent
        // (unallocated) or is zero (zeroed grain), as qemu's get_whole_cluster does.
        var buffer = ArrayPool<byte>.Shared.Rent(GrainBytes);
        try
        {
            var grainData = buffer.AsSpan(0, GrainBytes);
            var grainStart = grain * GrainBytes;
            var inDisk = (int)Math.Min(GrainBytes, Length - grainStart);
            if (inGrain > 0 || data.Length < inDisk)
            {
                if (entry == 0)
                {
                    unallocated(diskBase + grainStart, grainData.Slice(0, inDisk));
                    grainData.Slice(inDisk).Clear();
                }
                else
                {
                    grainData.Clear();
                }
            }
            else
            {
                grainData.Slice(inDisk).Clear();
            }

            data.CopyTo(grainData.Slice(inGrain));
            var sector = _allocationSector;
            Storage.WriteAt(sector * SparseExtentHeader.SectorSize, grainData);
            _allocationSector += Headers.GrainSectors;
            table[grain % Headers.GtesPerGt] = StreamTail.ToEntry(sector, Storage.Name);
            MarkDirty(tableIndex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteStreamGrain(long grain, int inGrain, ReadOnlySpan<byte> data)
    {
        if (grain != _pendingGrain)
        {
            FlushPendingGrain();
            _pendingBuffer ??= new byte[GrainBytes];
            var entry = GetEntry(grain);
            if (entry != 0 && !(entry == GrainTable.ZeroedGrain && Headers.HasZeroedGrains))
            {
                // Rewriting a grain: the new copy is appended and the old one becomes a leak.
                Decompress(grain, entry, _pendingBuffer);
            }
            else
            {
                Array.Clear(_pendingBuffer, 0, _pendingBuffer.Length);
            }

            _pendingGrain = grain;
        }

        data.CopyTo(_pendingBuffer.AsSpan(inGrain));
        var inDisk = Math.Min(GrainBytes, Length - grain * GrainBytes);
        if (inGrain == 0 && data.Length >= inDisk)
        {
            FlushPendingGrain();
        }
    }

    private void FlushPendingGrain()
    {
        if (_pendingGrain < 0)
        {
            return;
        }

        var grain = _pendingGrain;
        _pendingGrain = -1;
        var inDisk = (int)Math.Min(GrainBytes, Length - grain * GrainBytes);
        var tableIndex = (int)(grain / Headers.GtesPerGt);
        var table = EnsureTable(tableIndex);
        var content = _pendingBuffer.AsSpan(0, inDisk);
        if (ZeroDetector.IsAllZero(content))
        {
            // Nothing shows through a stream-optimized extent (it has no parent): zeros need no grain.
            table[grain % Headers.GtesPerGt] = 0;
            _streamTailStale = true;
            return;
        }

        var record = ArrayPool<byte>.Shared.Rent(StreamGrainCodec.MaxRecordLength(GrainBytes));
        try
        {
            var length = StreamGrainCodec.Encode(grain * Headers.GrainSectors, content, record, CompressionLevel.Optimal);
            Storage.WriteAt(_allocationSector * SparseExtentHeader.SectorSize, record.AsSpan(0, length));
            table[grain % Headers.GtesPerGt] = StreamTail.ToEntry(_allocationSector, Storage.Name);
            _allocationSector += length / SparseExtentHeader.SectorSize;
            _streamTailStale = true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }
    }

    private uint[] EnsureTable(int index)
    {
        var table = LoadTable(index);
        if (table == _emptyTable)
        {
            // The table exists on disk; it gets its own array before its first entry changes.
            table = new uint[Headers.GtesPerGt];
            _gts[index] = table;
            return table;
        }

        if (table is not null)
        {
            return table;
        }

        table = new uint[Headers.GtesPerGt];
        _gts[index] = table;
        if (!StreamWriting)
        {
            // A hosted extent whose directory has no table here (qemu never writes one; other tools may):
            // give it one at the end of the file, plus its redundant copy.
            _gd[index] = StreamTail.ToEntry(_allocationSector, Storage.Name);
            _allocationSector += Headers.GtBytes / SparseExtentHeader.SectorSize;
            if (_rgd is not null)
            {
                _rgd[index] = StreamTail.ToEntry(_allocationSector, Storage.Name);
                _allocationSector += Headers.GtBytes / SparseExtentHeader.SectorSize;
            }

            _directoryDirty = true;
            MarkDirty(index);
        }

        return table;
    }

    private void MarkDirty(int table)
    {
        if (StreamWriting)
        {
            _streamTailStale = true;
        }
        else
        {
            _dirtyTables.Add(table);
        }
    }

    /// <summary>
    /// Makes the metadata on disk describe what was written. Hosted: data durable first, then grain
    /// tables (primary and redundant), then the directories, each step flushed — a crash in between
    /// only leaks grains. Stream: the pending grain, then grain tables, directory, footer and
    /// end-of-stream marker after the last grain.
    /// </summary>
    public void FlushMetadata()
    {
        if (!Writable)
        {
            return;
        }

        if (StreamWriting)
        {
            FlushPendingGrain();
            if (_streamTailStale)
            {
                WriteStreamTail();
                _streamTailStale = false;
            }

            return;
        }

        if (_dirtyTables.Count == 0 && !_directoryDirty)
        {
            return;
        }

        Storage.Flush(durable: true);
        var bytes = new byte[Headers.GtBytes];
        foreach (var index in _dirtyTables)
        {
            GrainTable.Encode(_gts[index]!, bytes);
            Storage.WriteAt((long)_gd[index] * SparseExtentHeader.SectorSize, bytes);
            if (_rgd is not null && _rgd[index] != 0)
            {
                Storage.WriteAt((long)_rgd[index] * SparseExtentHeader.SectorSize, bytes);
            }
        }

        _dirtyTables.Clear();
        Storage.Flush(durable: true);
        if (_directoryDirty)
        {
            WriteDirectory(_gd, (long)Header.GdOffset);
            if (_rgd is not null)
            {
                WriteDirectory(_rgd, (long)Header.RgdOffset);
            }

            _directoryDirty = false;
            Storage.Flush(durable: true);
        }
    }

    private void WriteDirectory(uint[] directory, long sector)
    {
        var bytes = new byte[directory.Length * GrainTable.EntrySize];
        GrainTable.Encode(directory, bytes);
        Storage.WriteAt(sector * SparseExtentHeader.SectorSize, bytes);
    }

    private void WriteStreamTail()
    {
        var sector = _allocationSector;
        for (var i = 0; i < _gts.Length; i++)
        {
            _gd[i] = _gts[i] is { } table && Array.Exists(table, e => e != 0) ? StreamTail.WriteGrainTable(Storage, ref sector, table) : 0;
        }

        StreamTail.WriteEnd(Storage, ref sector, _gd, Header);
        Storage.SetLength(sector * SparseExtentHeader.SectorSize);
        Storage.Flush(durable: true);
    }

    public void Dispose()
    {
        lock (_cacheGate)
        {
            for (var i = 0; i < CacheSlots; i++)
            {
                if (_cacheData[i] is { } buffer)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    _cacheData[i] = null;
                    _cacheGrains[i] = -1;
                }
            }
        }

        if (_ownsStorage)
        {
            Storage.Dispose();
        }
    }
}
