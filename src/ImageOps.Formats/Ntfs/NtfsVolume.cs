using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Partitions;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// A read-only NTFS volume in a window of a virtual disk (a partition): pure managed, so it works on any
/// host, for every disk format and differencing chain. Paths are case-insensitive by the volume's own
/// $UpCase table and accept <c>\</c> or <c>/</c>.
/// </summary>
/// <remarks>
/// Reads may run on several threads at once (the disk's reads are thread-safe and the volume keeps no
/// position). Damaged or hostile structures end in <see cref="CorruptImageException"/> naming the disk
/// offset and structure; the bounds are in <see cref="NtfsLimits"/>.
/// </remarks>
public sealed class NtfsVolume : IDisposable
{
    /// <summary>MFT record numbers of the metadata files (libfsntfs, "The metadata files").</summary>
    internal const long MftRecord = 0;
    internal const long VolumeRecord = 3;
    internal const long RootRecord = 5;
    internal const long BitmapRecord = 6;
    internal const long UpcaseRecord = 10;

    /// <summary>Records below this number are metadata files (and reserved ones).</summary>
    internal const long FirstUserRecord = 16;

    private const string I30 = "$I30";

    private readonly NtfsSource _source;
    private readonly NtfsAttributeData _mft;
    private readonly long _mftRecordCount;
    private readonly NtfsUpcaseTable _upcase;
    private readonly Lazy<NtfsClusterBitmap> _bitmap;
    private readonly IDisposable? _owned;

    private NtfsVolume(NtfsSource source, IDisposable? owned)
    {
        _source = source;
        _owned = owned;
        var sector = new byte[NtfsBootSector.Size];
        if (source.Length < NtfsBootSector.Size)
        {
            throw source.Corrupt(0, "boot sector", $"the volume of {source.Length} bytes is too small to hold one", "NtfsNotRecognized");
        }

        source.Read(0, sector, "boot sector");
        BootSector = NtfsBootSector.Parse(sector, source.Length, source);
        _mft = BootstrapMft(out _mftRecordCount);

        var volume = LoadFile(VolumeRecord);
        var name = volume.Attributes.FirstOrDefault(a => a.Type == NtfsAttributeType.VolumeName && !a.NonResident);
        Label = name is null ? string.Empty : NtfsText.Utf16(name.Value);
        var info = volume.Attributes.Where(a => a.Type == NtfsAttributeType.VolumeInformation && !a.NonResident)
            .Select(a => NtfsVolumeInformation.TryParse(a.Value)).FirstOrDefault(i => i is not null);
        Version = info is null ? new Version(0, 0) : new Version(info.Major, info.Minor);
        VolumeFlags = info?.Flags ?? 0;

        var upcase = LoadFile(UpcaseRecord).Data(NtfsAttributeType.Data, string.Empty, this)
            ?? throw source.Corrupt(-1, "$UpCase", "the upcase table has no data", "NtfsMetadataInvalid");
        var table = new byte[(int)Math.Min(upcase.DataSize, NtfsUpcaseTable.Size)];
        ReadFully(upcase, 0, table);
        _upcase = NtfsUpcaseTable.FromBytes(table);

        var root = LoadFile(RootRecord);
        if (!root.IsDirectory)
        {
            throw source.Corrupt(-1, "root directory", "MFT record 5 is not a directory", "NtfsMetadataInvalid");
        }

        Root = new NtfsEntry(this, root, string.Empty, null, "\\");
        _bitmap = new Lazy<NtfsClusterBitmap>(LoadBitmap);
    }

    /// <summary>The parsed boot sector.</summary>
    public NtfsBootSector BootSector { get; }

    /// <summary>Bytes per cluster.</summary>
    public int ClusterSize => BootSector.ClusterSize;

    /// <summary>Clusters in the volume.</summary>
    public long ClusterCount => BootSector.ClusterCount;

    /// <summary>Bytes of the volume (its partition or window).</summary>
    public long Length => _source.Length;

    /// <summary>Byte offset of the volume on its disk.</summary>
    public long DiskOffset => _source.DiskOffset;

    /// <summary>The volume label ($Volume's $VOLUME_NAME), empty if none.</summary>
    public string Label { get; }

    /// <summary>The volume serial number from the boot sector.</summary>
    public ulong SerialNumber => BootSector.SerialNumber;

    /// <summary>The NTFS version (3.1 for every Windows since XP).</summary>
    public Version Version { get; }

    /// <summary>$VOLUME_INFORMATION flags (0x0001: dirty, chkdsk pending).</summary>
    public ushort VolumeFlags { get; }

    /// <summary>True if the volume is marked dirty (Windows was not shut down cleanly, or chkdsk is due).</summary>
    public bool IsDirty => (VolumeFlags & 0x0001) != 0;

    /// <summary>Bytes per MFT record.</summary>
    public int MftRecordSize => BootSector.MftRecordSize;

    /// <summary>Records the $MFT holds (in use or not).</summary>
    public long MftRecordCount => _mftRecordCount;

    /// <summary>The root directory.</summary>
    public NtfsEntry Root { get; }

    /// <summary>True if the bytes at <paramref name="offset"/> of <paramref name="disk"/> start an NTFS boot sector.</summary>
    public static bool IsNtfs(VirtualDisk disk, long offset)
    {
        if (offset < 0 || offset > disk.Capacity - NtfsBootSector.Size)
        {
            return false;
        }

        var sector = new byte[NtfsBootSector.Size];
        disk.Read(offset, sector);
        return NtfsBootSector.HasOemId(sector);
    }

    /// <summary>Opens the NTFS volume in <paramref name="partition"/> of <paramref name="disk"/> (which stays the caller's).</summary>
    public static NtfsVolume Open(VirtualDisk disk, Partition partition)
        => Open(disk, partition.Offset, partition.Length);

    /// <summary>Opens the NTFS volume of <paramref name="length"/> bytes at <paramref name="offset"/> of <paramref name="disk"/> (which stays the caller's).</summary>
    public static NtfsVolume Open(VirtualDisk disk, long offset, long length)
    {
        if (disk is null)
        {
            throw new ArgumentNullException(nameof(disk));
        }

        if (offset < 0 || length < 0 || offset > disk.Capacity - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"The volume [{offset}, {offset}+{length}) is not inside the disk of {disk.Capacity} bytes.");
        }

        return new NtfsVolume(new NtfsSource(disk.Path, offset, length, (o, b) => disk.Read(offset + o, b)), null);
    }

    /// <summary>Opens the NTFS volume that fills <paramref name="storage"/>; with <paramref name="ownsStorage"/>, disposing the volume disposes it.</summary>
    public static NtfsVolume Open(IBlockStorage storage, bool ownsStorage = false)
    {
        if (storage is null)
        {
            throw new ArgumentNullException(nameof(storage));
        }

        return new NtfsVolume(new NtfsSource(storage.Name, 0, storage.Length, (o, b) => storage.ReadExactly(o, b, NtfsSource.Format, "volume data")), ownsStorage ? storage : null);
    }

    /// <summary>The entry at <paramref name="path"/>; throws <see cref="ImageOpsException"/> (<c>NtfsPathNotFound</c>) if there is none.</summary>
    public NtfsEntry GetEntry(string path)
        => TryGetEntry(path) ?? throw new ImageOpsException("NtfsPathNotFound", ErrorKind.ObjectNotFound, $"'{path}' does not exist on the NTFS volume in '{_source.Name}'.", path);

    /// <summary>The entry at <paramref name="path"/>, or null.</summary>
    public NtfsEntry? TryGetEntry(string path)
    {
        var parts = SplitPath(path);
        var current = Root;
        foreach (var part in parts)
        {
            if (!current.IsDirectory)
            {
                return null;
            }

            var found = Lookup(current, part);
            if (found is null)
            {
                return null;
            }

            current = found;
        }

        return current;
    }

    /// <summary>True if a file or directory exists at <paramref name="path"/>.</summary>
    public bool Exists(string path) => TryGetEntry(path) is not null;

    /// <summary>The entries of the directory at <paramref name="path"/>, in the index's (collation) order.</summary>
    public IReadOnlyList<NtfsEntry> ListDirectory(string path) => ListDirectory(GetEntry(path));

    /// <summary>The entries of <paramref name="directory"/>: one per long (Win32 or POSIX) name, hard links once per name.</summary>
    public IReadOnlyList<NtfsEntry> ListDirectory(NtfsEntry directory)
    {
        if (directory is null)
        {
            throw new ArgumentNullException(nameof(directory));
        }

        if (!directory.IsDirectory)
        {
            throw new ImageOpsException("NtfsNotADirectory", ErrorKind.InvalidArgument, $"'{directory.FullPath}' is not a directory.", directory.FullPath);
        }

        var result = new List<NtfsEntry>();
        foreach (var entry in Index(directory.File).Enumerate())
        {
            var key = entry.Key!;

            // The root indexes itself as "." (libfsntfs, "The metadata files": entry 5 is "."): not a child, and following it would loop.
            if (key.IsDosOnly || NtfsFileRecord.RecordOf(entry.Reference) == directory.RecordNumber)
            {
                continue;
            }

            var file = LoadReferenced(entry.Reference, directory.FullPath + "\\" + key.Name);
            result.Add(new NtfsEntry(this, file, key.Name, ShortNameOf(file, directory.File.RecordNumber, key), Combine(directory.FullPath, key.Name)));
        }

        return result;
    }

    /// <summary>The whole unnamed stream (or the named stream <paramref name="streamName"/>) of the file at <paramref name="path"/>.</summary>
    public byte[] ReadAllBytes(string path, string? streamName = null) => ReadAllBytes(GetEntry(path), streamName);

    /// <summary>The whole content of a stream of <paramref name="file"/>.</summary>
    public byte[] ReadAllBytes(NtfsEntry file, string? streamName = null)
    {
        var data = StreamOf(file, streamName);
        if (data.DataSize > NtfsLimits.MaxReadAllBytes)
        {
            throw new ImageOpsException("NtfsFileTooLarge", ErrorKind.LimitsExceeded, $"'{file.FullPath}' holds {data.DataSize} bytes, too many for one array; read it as a stream.", file.FullPath);
        }

        var bytes = new byte[data.DataSize];
        ReadFully(data, 0, bytes);
        return bytes;
    }

    /// <summary>Reads up to <c>buffer.Length</c> bytes of a stream of <paramref name="file"/> at <paramref name="position"/>; returns the count, 0 at the end.</summary>
    public int Read(NtfsEntry file, long position, Span<byte> buffer, string? streamName = null)
        => StreamOf(file, streamName).Read(position, buffer);

    /// <summary>A read-only, seekable stream over a stream of the file at <paramref name="path"/>.</summary>
    public Stream OpenRead(string path, string? streamName = null) => OpenRead(GetEntry(path), streamName);

    /// <summary>A read-only, seekable stream over a stream of <paramref name="file"/>.</summary>
    public Stream OpenRead(NtfsEntry file, string? streamName = null) => new NtfsDataStream(StreamOf(file, streamName));

    /// <summary>The volume's cluster allocation bitmap ($Bitmap), read once.</summary>
    public NtfsClusterBitmap GetClusterBitmap() => _bitmap.Value;

    /// <summary>
    /// The volume's bytes as allocation ranges (volume-relative): clusters in use per $Bitmap as
    /// <see cref="AllocationKind.Data"/>, free ones as <see cref="AllocationKind.Unallocated"/>, and the
    /// bytes past the last cluster (where the backup boot sector lives) as data.
    /// </summary>
    public IEnumerable<AllocationRange> GetAllocation()
    {
        var bitmap = GetClusterBitmap();
        var position = 0L;
        foreach (var range in bitmap.GetAllocatedRanges())
        {
            var start = range.FirstCluster * ClusterSize;
            if (start > position)
            {
                yield return new AllocationRange(position, start - position, AllocationKind.Unallocated);
            }

            yield return new AllocationRange(start, range.ClusterCount * ClusterSize, AllocationKind.Data);
            position = start + (range.ClusterCount * ClusterSize);
        }

        var clustersEnd = ClusterCount * ClusterSize;
        if (clustersEnd > position)
        {
            yield return new AllocationRange(position, clustersEnd - position, AllocationKind.Unallocated);
            position = clustersEnd;
        }

        if (Length > position)
        {
            yield return new AllocationRange(position, Length - position, AllocationKind.Data);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _owned?.Dispose();

    /// <summary>Levels of a directory's $I30 B+ tree (1: all entries in the index root).</summary>
    internal int IndexLevels(NtfsEntry directory)
    {
        var index = Index(directory.File);
        index.Enumerate();
        return index.Levels;
    }

    internal NtfsAttributeData CreateData(NtfsFile file, List<NtfsAttributeRecord> extents, NtfsAttributeType type, string name)
    {
        var structure = $"{type} attribute{(name.Length > 0 ? " '" + name + "'" : string.Empty)} of MFT record {file.RecordNumber}";
        var forbidden = file.RecordNumber >= FirstUserRecord ? _mft.Runs : null;
        return NtfsAttributeData.Create(_source, ClusterSize, ClusterCount, extents, structure, forbidden);
    }

    internal NtfsAttributeData StreamOf(NtfsEntry file, string? streamName)
    {
        if (file is null)
        {
            throw new ArgumentNullException(nameof(file));
        }

        var name = streamName ?? string.Empty;
        if (file.IsDirectory && name.Length == 0)
        {
            throw new ImageOpsException("NtfsNotAFile", ErrorKind.InvalidArgument, $"'{file.FullPath}' is a directory.", file.FullPath);
        }

        return file.File.Data(NtfsAttributeType.Data, name, this)
            ?? throw new ImageOpsException("NtfsStreamNotFound", ErrorKind.ObjectNotFound, $"'{file.FullPath}' has no {(name.Length == 0 ? "unnamed data stream" : "stream '" + name + "'")}.", file.FullPath);
    }

    /// <summary>Reads and parses MFT record <paramref name="number"/> (fix-ups applied).</summary>
    internal NtfsFileRecord ReadRecord(long number) => ReadRecord(number, _mft);

    /// <summary>Loads a base record and the extension records its attribute list names.</summary>
    internal NtfsFile LoadFile(long number)
    {
        var record = ReadRecord(number);
        var structure = $"MFT record {number}";
        if (!record.InUse)
        {
            throw _source.Corrupt(-1, structure, "the record is referenced but not in use", "NtfsRecordInvalid");
        }

        if (record.BaseReference != 0)
        {
            throw _source.Corrupt(-1, structure, $"the record is an extension of record {NtfsFileRecord.RecordOf(record.BaseReference)}, not a file", "NtfsRecordInvalid");
        }

        var attributes = new List<NtfsAttributeRecord>(record.Attributes);
        var list = record.Attributes.FirstOrDefault(a => a.Type == NtfsAttributeType.AttributeList);
        if (list is null)
        {
            return new NtfsFile(record, attributes);
        }

        // The attribute list itself lives in the base record (a non-resident list's runs are there too).
        var listFile = new NtfsFile(record, new List<NtfsAttributeRecord> { list });
        var listData = listFile.Data(NtfsAttributeType.AttributeList, list.Name, this)!;
        if (listData.DataSize > NtfsLimits.MaxAttributeListBytes)
        {
            throw _source.Corrupt(list.VolumeOffset, $"attribute list of {structure}", $"the list claims {listData.DataSize} bytes, more than the {NtfsLimits.MaxAttributeListBytes} allowed", "NtfsAttributeListInvalid");
        }

        var bytes = new byte[listData.DataSize];
        ReadFully(listData, 0, bytes);
        var entries = NtfsAttributeListEntry.ParseAll(bytes, _source, list.VolumeOffset, $"attribute list of {structure}");
        var loaded = new HashSet<long> { number };
        foreach (var entry in entries)
        {
            var extension = NtfsFileRecord.RecordOf(entry.Reference);
            if (!loaded.Add(extension))
            {
                continue;
            }

            if (loaded.Count > NtfsLimits.MaxExtensionRecords)
            {
                throw _source.Corrupt(list.VolumeOffset, $"attribute list of {structure}", "it names more extension records than allowed", "NtfsAttributeListInvalid");
            }

            var other = ReadRecord(extension);
            if (!other.InUse || NtfsFileRecord.RecordOf(other.BaseReference) != number || other.BaseReference == 0)
            {
                throw _source.Corrupt(list.VolumeOffset, $"attribute list of {structure}", $"it names record {extension}, which is not an extension record of this file", "NtfsAttributeListInvalid");
            }

            // Extension records never carry their own attribute list: following one could loop.
            attributes.AddRange(other.Attributes.Where(a => a.Type != NtfsAttributeType.AttributeList));
        }

        return new NtfsFile(record, attributes);
    }

    private static IReadOnlyList<string> SplitPath(string path)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        var parts = new List<string>();
        foreach (var part in path.Split('\\', '/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                throw new ImageOpsException("NtfsPathInvalid", ErrorKind.InvalidArgument, $"'{path}' contains '..'; give paths from the volume's root.", path);
            }

            parts.Add(part);
            if (parts.Count > NtfsLimits.MaxPathComponents)
            {
                throw new ImageOpsException("NtfsPathInvalid", ErrorKind.LimitsExceeded, $"'{path.Substring(0, 64)}…' has more than {NtfsLimits.MaxPathComponents} components.", path);
            }
        }

        return parts;
    }

    private static string Combine(string parent, string name) => parent == "\\" ? "\\" + name : parent + "\\" + name;

    private static void ReadFully(NtfsAttributeData data, long position, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = data.Read(position + done, buffer.Slice(done));
            if (n <= 0)
            {
                buffer.Slice(done).Clear();
                return;
            }

            done += n;
        }
    }

    private static string? ShortNameOf(NtfsFile file, long parentRecord, NtfsFileName key)
    {
        if (key.NameSpace == NtfsNameSpace.Win32AndDos)
        {
            return key.Name;
        }

        return file.FileNames.FirstOrDefault(n => n.IsDosOnly && NtfsFileRecord.RecordOf(n.ParentReference) == parentRecord)?.Name;
    }

    private NtfsEntry? Lookup(NtfsEntry directory, string name)
    {
        var index = Index(directory.File);
        var entry = index.Find(name, exactCase: true) ?? index.Find(name, exactCase: false);
        if (entry is null)
        {
            return null;
        }

        var file = LoadReferenced(entry.Reference, Combine(directory.FullPath, name));

        // A DOS alias resolves to the file; the entry is named by its long name in the same directory.
        var key = entry.Key!;
        if (key.IsDosOnly)
        {
            var parent = directory.File.RecordNumber;
            key = file.FileNames.FirstOrDefault(n => !n.IsDosOnly && NtfsFileRecord.RecordOf(n.ParentReference) == parent) ?? key;
        }

        return new NtfsEntry(this, file, key.Name, ShortNameOf(file, directory.File.RecordNumber, key), Combine(directory.FullPath, key.Name));
    }

    private NtfsFile LoadReferenced(ulong reference, string path)
    {
        var number = NtfsFileRecord.RecordOf(reference);
        var file = LoadFile(number);
        var sequence = NtfsFileRecord.SequenceOf(reference);
        if (sequence != 0 && file.BaseRecord.SequenceNumber != sequence)
        {
            throw _source.Corrupt(-1, $"index entry for '{path}'", $"it references record {number} with sequence {sequence}, but the record has sequence {file.BaseRecord.SequenceNumber} (a stale entry)", "NtfsIndexInvalid");
        }

        return file;
    }

    private NtfsDirectoryIndex Index(NtfsFile directory)
    {
        var structure = $"$I30 index of MFT record {directory.RecordNumber}";
        var rootAttribute = directory.Attributes.FirstOrDefault(a => a.Type == NtfsAttributeType.IndexRoot && a.Name == I30 && !a.NonResident)
            ?? throw _source.Corrupt(-1, structure, "the directory has no resident $INDEX_ROOT", "NtfsIndexInvalid");
        var allocation = directory.Has(NtfsAttributeType.IndexAllocation, I30) ? directory.Data(NtfsAttributeType.IndexAllocation, I30, this) : null;
        var bitmap = directory.Has(NtfsAttributeType.Bitmap, I30) ? directory.Data(NtfsAttributeType.Bitmap, I30, this) : null;
        byte[]? bitmapBytes = null;
        if (bitmap is not null && allocation is not null)
        {
            // One bit per index record: bounded by the allocation's own size.
            var needed = (allocation.DataSize / NtfsUpdateSequence.StrideSize / 8) + 1;
            bitmapBytes = new byte[(int)Math.Min(Math.Min(bitmap.DataSize, needed), NtfsLimits.MaxIndexBitmapBytes)];
            ReadFully(bitmap, 0, bitmapBytes);
        }

        return new NtfsDirectoryIndex(_source, _upcase, rootAttribute, allocation, bitmapBytes, ClusterSize, structure);
    }

    private NtfsFileRecord ReadRecord(long number, NtfsAttributeData mft)
    {
        var size = BootSector.MftRecordSize;
        if (number < 0 || number >= mft.DataSize / size)
        {
            throw _source.Corrupt(-1, $"MFT record {number}", $"the number is past the MFT's {mft.DataSize / size} records", "NtfsRecordInvalid");
        }

        var raw = new byte[size];
        if (mft.Read(number * size, raw) != size)
        {
            throw _source.Corrupt(-1, $"MFT record {number}", "the MFT ends inside the record", "NtfsRecordInvalid");
        }

        return NtfsFileRecord.Parse(raw, number, mft.VolumeOffsetOf(number * size), _source);
    }

    /// <summary>
    /// Finds the $MFT's own $DATA (libfsntfs, "The Master File Table (MFT)": the MFT can consist of several data runs): record 0 sits at the boot sector's MFT cluster, and
    /// its runs map the rest. A fragmented MFT may keep later extents in extension records named by its
    /// attribute list; those must lie in the part already mapped.
    /// </summary>
    private NtfsAttributeData BootstrapMft(out long recordCount)
    {
        var size = BootSector.MftRecordSize;
        var offset = BootSector.MftCluster * (long)ClusterSize;
        var raw = new byte[size];
        _source.Read(offset, raw, "MFT record 0");
        var record0 = NtfsFileRecord.Parse(raw, MftRecord, offset, _source);
        var extents = record0.Attributes.Where(a => a.Type == NtfsAttributeType.Data && a.Name.Length == 0).ToList();
        if (extents.Count == 0 || !extents[0].NonResident)
        {
            throw _source.Corrupt(offset, "MFT record 0", "$MFT has no non-resident $DATA attribute", "NtfsMetadataInvalid");
        }

        var list = record0.Attributes.FirstOrDefault(a => a.Type == NtfsAttributeType.AttributeList);
        var mft = NtfsAttributeData.Create(_source, ClusterSize, ClusterCount, new List<NtfsAttributeRecord>(extents), "$MFT data", null, partial: list is not null);
        if (mft.Runs.Count > 0 && !mft.Runs[0].IsSparse && mft.Runs[0].Lcn != BootSector.MftCluster)
        {
            throw _source.Corrupt(offset, "MFT record 0", $"$MFT's data starts at cluster {mft.Runs[0].Lcn}, not at the boot sector's MFT cluster {BootSector.MftCluster}", "NtfsMetadataInvalid");
        }

        if (list is not null)
        {
            var listData = NtfsAttributeData.Create(_source, ClusterSize, ClusterCount, new List<NtfsAttributeRecord> { list }, "$MFT attribute list", null);
            if (listData.DataSize > NtfsLimits.MaxAttributeListBytes)
            {
                throw _source.Corrupt(offset, "$MFT attribute list", "the list is larger than allowed", "NtfsAttributeListInvalid");
            }

            var bytes = new byte[listData.DataSize];
            ReadFully(listData, 0, bytes);
            var entries = NtfsAttributeListEntry.ParseAll(bytes, _source, list.VolumeOffset, "$MFT attribute list");
            var seen = new HashSet<long> { MftRecord };
            foreach (var entry in entries.Where(e => e.Type == NtfsAttributeType.Data && e.Name.Length == 0).OrderBy(e => e.StartingVcn))
            {
                var number = NtfsFileRecord.RecordOf(entry.Reference);
                if (!seen.Add(number))
                {
                    continue;
                }

                if (seen.Count > NtfsLimits.MaxMftExtents)
                {
                    throw _source.Corrupt(offset, "$MFT attribute list", "it names too many extension records", "NtfsAttributeListInvalid");
                }

                // Read with what is mapped so far: an extent describing itself cannot be reached.
                var extension = ReadRecord(number, mft);
                if (NtfsFileRecord.RecordOf(extension.BaseReference) != MftRecord || extension.BaseReference == 0)
                {
                    throw _source.Corrupt(offset, "$MFT attribute list", $"record {number} is not an extension of $MFT", "NtfsAttributeListInvalid");
                }

                extents.AddRange(extension.Attributes.Where(a => a.Type == NtfsAttributeType.Data && a.Name.Length == 0));
                mft = NtfsAttributeData.Create(_source, ClusterSize, ClusterCount, new List<NtfsAttributeRecord>(extents), "$MFT data", null, partial: true);
            }

            // Every extent found: now the runs must cover the whole $MFT.
            mft = NtfsAttributeData.Create(_source, ClusterSize, ClusterCount, new List<NtfsAttributeRecord>(extents), "$MFT data", null);
        }

        foreach (var run in mft.Runs)
        {
            if (!run.IsSparse && run.Lcn == 0)
            {
                throw _source.Corrupt(offset, "$MFT data", "a run covers cluster 0, the boot sector", "NtfsRunListInvalid");
            }
        }

        recordCount = mft.DataSize / size;
        if (recordCount < FirstUserRecord)
        {
            throw _source.Corrupt(offset, "$MFT data", $"the MFT holds {recordCount} records, fewer than the {FirstUserRecord} metadata files", "NtfsMetadataInvalid");
        }

        return mft;
    }

    private NtfsClusterBitmap LoadBitmap()
    {
        var data = LoadFile(BitmapRecord).Data(NtfsAttributeType.Data, string.Empty, this)
            ?? throw _source.Corrupt(-1, "$Bitmap", "the cluster bitmap has no data", "NtfsMetadataInvalid");
        var needed = (ClusterCount + 7) / 8;
        if (data.DataSize < needed)
        {
            throw _source.Corrupt(-1, "$Bitmap", $"the bitmap holds {data.DataSize} bytes but {ClusterCount} clusters need {needed}", "NtfsMetadataInvalid");
        }

        return new NtfsClusterBitmap(data, ClusterCount, ClusterSize);
    }
}
