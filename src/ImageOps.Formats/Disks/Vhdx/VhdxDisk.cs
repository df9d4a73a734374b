using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// A VHDX disk (MS-VHDX): fixed, dynamic or differencing, read through the BAT and, for differencing
/// disks, the sector bitmaps. A read-only open of a file whose log still needs replay reads through an
/// in-memory replay of the log and leaves the file untouched; a writable open replays the log in place
/// first. Writes follow <see cref="VhdxSession"/>'s crash protocol: new blocks are written and flushed
/// before the log entry that points the BAT at them.
/// </summary>
internal sealed partial class VhdxDisk : VirtualDisk
{
    private const int LogSector = VhdxLogEntryHeader.SectorSize;

    /// <summary>Pending log sectors are committed before they could exceed an entry (a block adds at most this many).</summary>
    private const int SectorsPerBlockChange = 24;

    private readonly IBlockStorage _view;
    private readonly VhdxFile _file;
    private readonly VhdxSession? _session;
    private readonly ConcurrentDictionary<long, byte[]> _blockBitmaps = new();
    private VhdxGeometry _geometry;
    private ulong[] _bat;
    private long _allocationEnd;
    private bool _ownsParent = true;

    private VhdxDisk(IBlockStorage storage, IBlockStorage view, VhdxFile file, VhdxSession? session, LogReplay replay)
        : base(storage)
    {
        _view = view;
        _file = file;
        _session = session;
        _geometry = file.Geometry;
        _bat = file.Bat;
        Replay = replay;
        _allocationEnd = file.AllocationStart();
    }

    /// <summary>What happened to a log that needed replay when the disk was opened.</summary>
    internal enum LogReplay
    {
        /// <summary>The log was empty.</summary>
        None,

        /// <summary>Replayed into memory for a read-only open; the file is unchanged.</summary>
        InMemory,

        /// <summary>Replayed into the file for a writable open.</summary>
        InPlace,
    }

    public override DiskFormat Format => DiskFormat.Vhdx;

    public override DiskVariant Variant
        => _file.Metadata.HasParent ? DiskVariant.Differencing : _file.Metadata.LeaveBlockAllocated ? DiskVariant.Fixed : DiskVariant.Dynamic;

    public override long Capacity => _geometry.Capacity;

    public override int LogicalSectorSize => _geometry.LogicalSectorSize;

    public override int PhysicalSectorSize => _file.Metadata.PhysicalSectorSize;

    public override int ClusterSize => _geometry.BlockSize;

    public override bool CanWrite => _session is not null;

    /// <summary>The DataWriteGuid, which differencing children record as their parent linkage.</summary>
    public override string? Identity => FormatLinkage(Header.DataWriteGuid);

    internal LogReplay Replay { get; }

    internal VhdxHeader Header => _session?.Header ?? _file.Header;

    internal VhdxFile File => _file;

    internal Guid VirtualDiskId => _file.Metadata.VirtualDiskId;

    internal string Creator { get; private set; } = string.Empty;

    /// <summary>Opens <paramref name="storage"/> (HOSTILE.md: every structure is checked before use).</summary>
    public static VhdxDisk Open(IBlockStorage storage, DiskOpenContext context)
    {
        var path = storage.Name;
        var identifier = new byte[VhdxFileIdentifier.Size];
        if (storage.Length < identifier.Length)
        {
            throw new CorruptImageException(path, VhdxConstants.FormatName, 0, "file identifier", string.Format(CultureInfo.InvariantCulture, "the file has {0} bytes, too few for a VHDX", storage.Length), "ImageTruncated");
        }

        storage.ReadExactly(0, identifier, VhdxConstants.FormatName, "file identifier");
        if (!VhdxFileIdentifier.HasSignature(identifier))
        {
            throw new CorruptImageException(path, VhdxConstants.FormatName, 0, "file identifier", "the signature 'vhdxfile' is missing", "ImageCorrupt");
        }

        var (header, slot, _, _) = VhdxFile.ReadHeaders(storage, path);
        VhdxSession? session = null;
        if (context.Writable)
        {
            if (!storage.CanWrite)
            {
                throw new InvalidOperationException($"'{path}' was opened for writing on read-only storage.");
            }

            if (header.LogLength == 0)
            {
                throw new UnsupportedFeatureException("VHDX without a log", $"'{path}' has no log, so ImageOps cannot update its metadata safely; it can only be opened read-only.", path, "VhdxLogMissing");
            }

            session = new VhdxSession(storage, header, slot, freshlyCreated: false);
        }

        IBlockStorage view = storage;
        var replay = LogReplay.None;
        if (header.LogGuid != Guid.Empty)
        {
            var sequence = new VhdxLogReader(storage, path, header).FindActiveSequence();
            if (session is not null)
            {
                // MS-VHDX 2.2.2: FileWriteGuid changes before any modification, log playback included.
                session.BeginWrite(userVisible: false, startLog: false);
                if (sequence is not null)
                {
                    ReplayInPlace(storage, sequence);
                    replay = LogReplay.InPlace;
                }

                session.EndLog();
                header = session.Header;
            }
            else if (sequence is not null)
            {
                view = VhdxReplayStorage.Create(storage, sequence, path);
                replay = LogReplay.InMemory;
            }
        }

        var file = VhdxFile.Load(view, path, header);
        var problems = file.FindBatProblems();
        if (problems.Count > 0)
        {
            var more = problems.Count > 1 ? string.Format(CultureInfo.InvariantCulture, " (and {0} more problems; check the image for the full list)", problems.Count - 1) : string.Empty;
            throw new CorruptImageException(path, VhdxConstants.FormatName, problems[0].Offset, "block allocation table", problems[0].Message + more, "VhdxBatCorrupt");
        }

        var disk = new VhdxDisk(storage, view, file, session, replay) { Creator = VhdxFileIdentifier.Parse(identifier).Creator };
        try
        {
            if (file.Metadata.HasParent)
            {
                disk.OpenParent(context);
            }
        }
        catch
        {
            // The caller disposes the storage; the disk must not (it would flush a half-open session).
            disk.Parent?.Dispose();
            throw;
        }

        return disk;
    }

    /// <summary>Wraps a file just written by <see cref="VhdxCreator"/> as a writable disk.</summary>
    internal static VhdxDisk OpenCreated(IBlockStorage storage, VirtualDisk? parent, ParentLink? link)
    {
        var (header, slot, _, _) = VhdxFile.ReadHeaders(storage, storage.Name);
        var session = new VhdxSession(storage, header, slot, freshlyCreated: true);
        var file = VhdxFile.Load(storage, storage.Name, header);
        // The caller opened the parent and keeps it: the new child reads through it but does not close it.
        return new VhdxDisk(storage, storage, file, session, LogReplay.None) { Parent = parent, ParentLink = link, Creator = VhdxConstants.Creator, _ownsParent = false };
    }

    internal static string FormatLinkage(Guid guid) => guid.ToString("B");

    internal static string NormalizeLinkage(string linkage)
        => Guid.TryParse(linkage.Trim(), out var guid) ? FormatLinkage(guid) : linkage.Trim();

    /// <summary>Applies a log sequence to the file (writable opens and repairs).</summary>
    internal static void ReplayInPlace(IBlockStorage storage, VhdxLogSequence sequence)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(2 * LogSector);
        var zeros = new byte[64 * 1024];
        try
        {
            sequence.Replay(operation =>
            {
                if (operation.IsZero)
                {
                    // Past the end of the file reads as zeros already; only zero what exists.
                    var end = Math.Min(operation.Target + operation.Length, storage.Length);
                    for (var at = operation.Target; at < end; at += zeros.Length)
                    {
                        storage.WriteAt(at, zeros.AsSpan(0, (int)Math.Min(zeros.Length, end - at)));
                    }

                    return;
                }

                var raw = buffer.AsSpan(0, LogSector);
                var content = buffer.AsSpan(LogSector, LogSector);
                storage.ReadExactly(operation.LogSectorOffset, raw, VhdxConstants.FormatName, "log data sector");
                VhdxLogDataSector.Decode(raw, operation.LeadingBytes, operation.TrailingBytes, content);
                storage.WriteAt(operation.Target, content);
            });

            if (storage.Length < sequence.LastFileOffset)
            {
                storage.SetLength(sequence.LastFileOffset);
            }

            storage.Flush(durable: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override void Flush()
    {
        // No disposed check: VirtualDisk.Dispose flushes after marking the disk closed.
        if (_session is null)
        {
            return;
        }

        Storage.Flush(durable: true);
        _session.EndLog();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_ownsParent)
        {
            // Flushing needs no parent; the caller closes the parent it opened.
            Parent = null;
        }

        base.Dispose(disposing);
    }

    protected override void ReadCore(long offset, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var position = offset + done;
            var block = position / _geometry.BlockSize;
            var inBlock = position - (block * _geometry.BlockSize);
            var n = (int)Math.Min(buffer.Length - done, _geometry.BlockSize - inBlock);
            var span = buffer.Slice(done, n);
            var entry = _bat[_geometry.PayloadEntryIndex(block)];
            switch ((VhdxPayloadState)VhdxBatEntry.State(entry))
            {
                case VhdxPayloadState.FullyPresent:
                    _view.ReadExactly(VhdxBatEntry.FileOffset(entry) + inBlock, span, VhdxConstants.FormatName, "payload block");
                    break;
                case VhdxPayloadState.PartiallyPresent:
                    ReadPartial(block, VhdxBatEntry.FileOffset(entry), position, inBlock, span);
                    break;
                case VhdxPayloadState.Zero:
                    span.Clear();
                    break;
                default:
                    // Not present, undefined or unmapped: the parent's data, or zeros without one.
                    ReadFromParent(position, span);
                    break;
            }

            done += n;
        }
    }

    protected override IEnumerable<AllocationRange> GetAllocationCore(long offset, long length)
    {
        var end = offset + length;
        for (var position = offset; position < end;)
        {
            var block = position / _geometry.BlockSize;
            var inBlock = position - (block * _geometry.BlockSize);
            var n = Math.Min(end - position, _geometry.BlockSize - inBlock);
            var entry = _bat[_geometry.PayloadEntryIndex(block)];
            switch ((VhdxPayloadState)VhdxBatEntry.State(entry))
            {
                case VhdxPayloadState.FullyPresent:
                    foreach (var range in StoredRanges(VhdxBatEntry.FileOffset(entry) + inBlock, position, n))
                    {
                        yield return range;
                    }

                    break;
                case VhdxPayloadState.PartiallyPresent:
                    foreach (var range in BitmapRanges(block, position, n))
                    {
                        if (range.Kind != AllocationKind.Data)
                        {
                            yield return range;
                            continue;
                        }

                        foreach (var stored in StoredRanges(VhdxBatEntry.FileOffset(entry) + (range.Offset - (block * _geometry.BlockSize)), range.Offset, range.Length))
                        {
                            yield return stored;
                        }
                    }

                    break;
                case VhdxPayloadState.Zero:
                    yield return new AllocationRange(position, n, AllocationKind.Zero);
                    break;
                default:
                    yield return new AllocationRange(position, n, AllocationKind.Unallocated);
                    break;
            }

            position += n;
        }
    }

    private void OpenParent(DiskOpenContext context)
    {
        var locator = _file.Metadata.ParentLocator!;
        var locatorOffset = _file.MetadataRegion.FileOffset;
        if (locator.LocatorType != VhdxGuids.VhdxParentLocatorType)
        {
            throw new UnsupportedFeatureException($"VHDX parent locator type {locator.LocatorType}", $"'{Path}' names its parent with a locator of type {locator.LocatorType}; MS-VHDX defines only the VHDX type ({VhdxGuids.VhdxParentLocatorType}).", Path, "VhdxParentLocatorNotSupported");
        }

        var linkage = locator[VhdxParentLocator.ParentLinkageKey]
                      ?? throw new CorruptImageException(Path, VhdxConstants.FormatName, locatorOffset, "parent locator", "it has no parent_linkage", "VhdxParentLocatorCorrupt");
        var linkage2 = locator[VhdxParentLocator.ParentLinkage2Key];

        // MS-VHDX 2.6.2.6.1: try the relative path first. volume_path names a Windows volume GUID path,
        // which is never a file inside the allowed roots, so it is not tried.
        var references = new List<string>();
        foreach (var key in new[] { VhdxParentLocator.RelativePathKey, VhdxParentLocator.AbsoluteWin32PathKey })
        {
            if (locator[key] is { } value && !references.Contains(value))
            {
                references.Add(value);
            }
        }

        if (references.Count == 0)
        {
            throw new CorruptImageException(Path, VhdxConstants.FormatName, locatorOffset, "parent locator", "it names no relative_path or absolute_win32_path for the parent", "VhdxParentLocatorCorrupt");
        }

        var expected = new List<string> { NormalizeLinkage(linkage) };
        if (linkage2 is not null)
        {
            expected.Add(NormalizeLinkage(linkage2));
        }

        ImageOpsException? first = null;
        ImageOpsException? mismatch = null;
        foreach (var reference in references)
        {
            foreach (var identity in expected)
            {
                var link = new ParentLink(reference, identity);
                try
                {
                    Parent = context.OpenParent(Storage, link, DiskFormat.Vhdx);
                    ParentLink = link;
                    return;
                }
                catch (ImageOpsException ex) when (ex.ErrorId is "ParentNotFound" or "ParentReferenceRefused" or "ParentIdentityMismatch")
                {
                    first ??= ex;
                    if (ex.ErrorId == "ParentIdentityMismatch")
                    {
                        mismatch ??= ex;
                        continue;
                    }

                    break;
                }
            }
        }

        throw mismatch ?? first!;
    }

    private void ReadPartial(long block, long fileOffset, long position, long inBlock, Span<byte> span)
    {
        var bitmap = BlockBitmap(block);
        var sector = _geometry.LogicalSectorSize;
        var done = 0;
        while (done < span.Length)
        {
            var at = inBlock + done;
            var index = (int)(at / sector);
            var present = (bitmap[index >> 3] & (1 << (index & 7))) != 0;
            var run = (int)Math.Min(span.Length - done, ((index + 1) * (long)sector) - at);
            while (done + run < span.Length)
            {
                var next = (int)((at + run) / sector);
                if (((bitmap[next >> 3] & (1 << (next & 7))) != 0) != present)
                {
                    break;
                }

                run = (int)Math.Min(span.Length - done, run + sector);
            }

            var part = span.Slice(done, run);
            if (present)
            {
                _view.ReadExactly(fileOffset + at, part, VhdxConstants.FormatName, "payload block");
            }
            else
            {
                ReadFromParent(position + done, part);
            }

            done += run;
        }
    }

    /// <summary>The bytes of sector bitmap that describe <paramref name="block"/>, cached (MS-VHDX 2.5.1.2: bit n is sector n, least significant bit first).</summary>
    private byte[] BlockBitmap(long block)
    {
        if (_blockBitmaps.TryGetValue(block, out var cached))
        {
            return cached;
        }

        var chunk = block / _geometry.ChunkRatio;
        var entry = _bat[_geometry.BitmapEntryIndex(chunk)];
        var bitmap = new byte[_geometry.BitmapBytesPerBlock];
        var at = VhdxBatEntry.FileOffset(entry) + ((block % _geometry.ChunkRatio) * _geometry.BitmapBytesPerBlock);
        _view.ReadExactly(at, bitmap, VhdxConstants.FormatName, "sector bitmap");
        return _blockBitmaps.GetOrAdd(block, bitmap);
    }

    private IEnumerable<AllocationRange> BitmapRanges(long block, long position, long length)
    {
        var bitmap = BlockBitmap(block);
        var sector = _geometry.LogicalSectorSize;
        var inBlock = position - (block * _geometry.BlockSize);
        var end = inBlock + length;
        var start = inBlock;
        var kind = Bit(bitmap, start / sector) ? AllocationKind.Data : AllocationKind.Unallocated;
        for (var at = ((start / sector) + 1) * sector; at < end; at += sector)
        {
            var next = Bit(bitmap, at / sector) ? AllocationKind.Data : AllocationKind.Unallocated;
            if (next != kind)
            {
                yield return new AllocationRange(position + (start - inBlock), at - start, kind);
                start = at;
                kind = next;
            }
        }

        yield return new AllocationRange(position + (start - inBlock), end - start, kind);
    }

    /// <summary>Data ranges of a stored block; holes of a sparse file read as zeros, so they are reported as such.</summary>
    private IEnumerable<AllocationRange> StoredRanges(long fileOffset, long position, long length)
    {
        if (_view is not ISparseStorage sparse)
        {
            yield return new AllocationRange(position, length, AllocationKind.Data);
            yield break;
        }

        var done = 0L;
        foreach (var range in sparse.MapData(fileOffset, length))
        {
            var n = Math.Min(range.Length, length - done);
            if (n <= 0)
            {
                break;
            }

            yield return new AllocationRange(position + done, n, range.Kind == AllocationKind.Data ? AllocationKind.Data : AllocationKind.Zero);
            done += n;
        }

        if (done < length)
        {
            yield return new AllocationRange(position + done, length - done, AllocationKind.Data);
        }
    }

    private static bool Bit(byte[] bitmap, long index) => (bitmap[index >> 3] & (1 << (int)(index & 7))) != 0;
}
