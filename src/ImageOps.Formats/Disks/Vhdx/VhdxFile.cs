using System;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>A problem found in the BAT: the entry's file offset and what is wrong.</summary>
internal readonly struct VhdxBatProblem
{
    public VhdxBatProblem(long offset, string message)
    {
        Offset = offset;
        Message = message;
    }

    public long Offset { get; }

    public string Message { get; }
}

/// <summary>
/// The parsed structures of a VHDX file — headers, region table, metadata, BAT — read through a view
/// (the file itself, or the file with its log replayed in memory), each checked against the file size
/// and the spec's limits before anything is allocated (HOSTILE.md). Shared by the disk, which refuses
/// the first problem, and the checker, which reports them all.
/// </summary>
internal sealed class VhdxFile
{
    private const string Format = VhdxConstants.FormatName;

    private VhdxFile(IBlockStorage view, string path)
    {
        View = view;
        Path = path;
    }

    public IBlockStorage View { get; }

    public string Path { get; }

    public VhdxHeader Header { get; private set; } = null!;

    public VhdxRegionTable RegionTable { get; private set; } = null!;

    /// <summary>Why each copy of the region table did not validate (null when it did).</summary>
    public string?[] RegionTableProblems { get; } = new string?[2];

    /// <summary>True when both copies validate but differ.</summary>
    public bool RegionTablesDiffer { get; private set; }

    public VhdxRegionEntry BatRegion { get; private set; }

    public VhdxRegionEntry MetadataRegion { get; private set; }

    /// <summary>Regions this reader does not know (optional ones; their space is never reused).</summary>
    public List<VhdxRegionEntry> OtherRegions { get; } = new();

    public VhdxMetadata Metadata { get; private set; } = null!;

    public VhdxGeometry Geometry { get; private set; } = null!;

    /// <summary>The BAT, rounded up to whole 4 KiB sectors (the unit the log rewrites).</summary>
    public ulong[] Bat { get; private set; } = Array.Empty<ulong>();

    /// <summary>Reads both headers and picks the current one (MS-VHDX 2.2.2).</summary>
    public static (VhdxHeader Current, int Slot, VhdxHeader? Header1, VhdxHeader? Header2) ReadHeaders(IBlockStorage storage, string path)
    {
        if (storage.Length < VhdxConstants.RegionTable2Offset + VhdxRegionTable.Size)
        {
            throw new CorruptImageException(path, Format, storage.Length, "header section", string.Format(CultureInfo.InvariantCulture, "the file ends at {0}, inside the header section (headers and region tables need {1} bytes)", storage.Length, VhdxConstants.RegionTable2Offset + VhdxRegionTable.Size), "ImageTruncated");
        }

        var bytes = new byte[VhdxHeader.Size];
        storage.ReadExactly(VhdxConstants.Header1Offset, bytes, Format, "header 1");
        var header1 = VhdxHeader.TryParse(bytes);
        storage.ReadExactly(VhdxConstants.Header2Offset, bytes, Format, "header 2");
        var header2 = VhdxHeader.TryParse(bytes);

        VhdxHeader current;
        int slot;
        if (header1 is null && header2 is null)
        {
            throw new CorruptImageException(path, Format, VhdxConstants.Header1Offset, "header", "neither header has a valid signature and checksum", "VhdxNoValidHeader");
        }

        if (header2 is null || (header1 is not null && header1.SequenceNumber > header2.SequenceNumber))
        {
            (current, slot) = (header1!, 0);
        }
        else if (header1 is null || header2.SequenceNumber > header1.SequenceNumber)
        {
            (current, slot) = (header2, 1);
        }
        else if (header1.SameContent(header2))
        {
            // Disk2VHD writes two identical headers with the same sequence number; qemu accepts them too.
            (current, slot) = (header1, 0);
        }
        else
        {
            throw new CorruptImageException(path, Format, VhdxConstants.Header1Offset, "header", string.Format(CultureInfo.InvariantCulture, "both headers are valid with sequence number {0} but differ, so neither is current", header1.SequenceNumber), "VhdxHeadersConflict");
        }

        CheckHeader(storage, path, current, slot == 0 ? VhdxConstants.Header1Offset : VhdxConstants.Header2Offset);
        return (current, slot, header1, header2);
    }

    /// <summary>Reads the region table, metadata and BAT through <paramref name="view"/>.</summary>
    public static VhdxFile Load(IBlockStorage view, string path, VhdxHeader header)
    {
        var file = new VhdxFile(view, path) { Header = header };
        file.ReadRegionTable();
        file.Metadata = VhdxMetadata.Load(view, path, file.MetadataRegion);
        var metadata = file.Metadata;
        file.Geometry = new VhdxGeometry(metadata.VirtualDiskSize, (int)metadata.BlockSize, metadata.LogicalSectorSize, metadata.HasParent);
        file.ReadBat();
        return file;
    }

    /// <summary>
    /// Every inconsistency of the BAT: unknown states, partially present blocks without a bitmap or in a
    /// disk without a parent, blocks past the end of the file, in the header section, the log or a region,
    /// or overlapping each other (a write to one would change the other).
    /// </summary>
    public List<VhdxBatProblem> FindBatProblems()
    {
        var problems = new List<VhdxBatProblem>();
        var geometry = Geometry;
        var used = new List<(long Start, long End, long Entry)>();
        var length = View.Length;
        for (long index = 0; index < geometry.TotalEntries; index++)
        {
            var entry = Bat[index];
            var state = VhdxBatEntry.State(entry);
            var offset = VhdxBatEntry.FileOffset(entry);
            var at = BatRegion.FileOffset + (index * VhdxBatEntry.Size);
            if (geometry.IsBitmapEntry(index))
            {
                if (!geometry.HasParent)
                {
                    // Unused without a parent; qemu before 8.0 wrote garbage here (qemu issue 727), so ignore it.
                    continue;
                }

                if (state == VhdxBatEntry.BitmapPresent)
                {
                    CheckSpan(problems, used, at, index, offset, VhdxConstants.SectorBitmapBlockSize, VhdxConstants.SectorBitmapBlockSize, length, "sector bitmap block");
                }
                else if (state != VhdxBatEntry.BitmapNotPresent)
                {
                    problems.Add(new VhdxBatProblem(at, string.Format(CultureInfo.InvariantCulture, "sector bitmap entry {0} has the unknown state {1}", index, state)));
                }

                continue;
            }

            var block = geometry.BlockOfEntry(index);
            switch ((VhdxPayloadState)state)
            {
                case VhdxPayloadState.NotPresent:
                case VhdxPayloadState.Undefined:
                case VhdxPayloadState.Zero:
                case VhdxPayloadState.Unmapped:
                case VhdxPayloadState.UnmappedV095:
                    break;
                case VhdxPayloadState.PartiallyPresent when !geometry.HasParent:
                    problems.Add(new VhdxBatProblem(at, string.Format(CultureInfo.InvariantCulture, "block {0} is partially present, which only a differencing disk allows", block)));
                    break;
                case VhdxPayloadState.FullyPresent:
                case VhdxPayloadState.PartiallyPresent:
                    if (state == (int)VhdxPayloadState.PartiallyPresent
                        && VhdxBatEntry.State(Bat[geometry.BitmapEntryIndex(block / geometry.ChunkRatio)]) != VhdxBatEntry.BitmapPresent)
                    {
                        problems.Add(new VhdxBatProblem(at, string.Format(CultureInfo.InvariantCulture, "block {0} is partially present but its chunk has no sector bitmap", block)));
                    }

                    // The last block may be cut short at the end of the file (older qemu wrote such files), but
                    // every byte inside the virtual disk must be in the file.
                    CheckSpan(problems, used, at, index, offset, geometry.BlockSize, geometry.BlockLengthInDisk(block), length, "block");
                    break;
                default:
                    problems.Add(new VhdxBatProblem(at, string.Format(CultureInfo.InvariantCulture, "block {0} has the unknown state {1}", block, state)));
                    break;
            }
        }

        used.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (var i = 1; i < used.Count; i++)
        {
            if (used[i].Start < used[i - 1].End)
            {
                problems.Add(new VhdxBatProblem(BatRegion.FileOffset + (used[i].Entry * VhdxBatEntry.Size), string.Format(CultureInfo.InvariantCulture, "BAT entries {0} and {1} both use the file range at {2}", used[i - 1].Entry, used[i].Entry, used[i].Start)));
            }
        }

        return problems;
    }

    /// <summary>Where new blocks go: past everything the file holds, on a 1 MiB boundary.</summary>
    public long AllocationStart()
    {
        var end = Math.Max(View.Length, (long)Header.LogOffset + Header.LogLength);
        end = Math.Max(end, BatRegion.End);
        end = Math.Max(end, MetadataRegion.End);
        foreach (var region in OtherRegions)
        {
            end = Math.Max(end, region.End);
        }

        for (long index = 0; index < Geometry.TotalEntries; index++)
        {
            var entry = Bat[index];
            var state = VhdxBatEntry.State(entry);
            if (Geometry.IsBitmapEntry(index))
            {
                if (Geometry.HasParent && state == VhdxBatEntry.BitmapPresent)
                {
                    end = Math.Max(end, VhdxBatEntry.FileOffset(entry) + VhdxConstants.SectorBitmapBlockSize);
                }
            }
            else if (VhdxBatEntry.HasData(state) || state == (int)VhdxPayloadState.Unmapped)
            {
                // Unmapped blocks may keep their space (MS-VHDX 2.5.1.1); never hand it out again.
                end = Math.Max(end, VhdxBatEntry.FileOffset(entry) + Geometry.BlockSize);
            }
        }

        return Alignment.RoundUp(end, VhdxConstants.OneMiB);
    }

    /// <summary>Adopts a region table just committed through the log.</summary>
    public void ReplaceRegionTable(VhdxRegionTable table)
    {
        RegionTable = table;
        RegionTableProblems[0] = RegionTableProblems[1] = null;
        RegionTablesDiffer = false;
    }

    /// <summary>Adopts a BAT moved (by a resize) to <paramref name="offset"/>.</summary>
    public void MoveBatRegion(long offset, uint length, ulong[] bat)
    {
        BatRegion = new VhdxRegionEntry(VhdxGuids.BatRegion, offset, length, BatRegion.Required);
        Bat = bat;
    }

    private static void CheckHeader(IBlockStorage storage, string path, VhdxHeader header, long at)
    {
        if (header.Version != VhdxHeader.CurrentVersion)
        {
            throw new UnsupportedFeatureException($"VHDX version {header.Version}", $"'{path}' is VHDX version {header.Version}; ImageOps reads version {VhdxHeader.CurrentVersion}, the only one MS-VHDX defines.", path, "VhdxVersionNotSupported");
        }

        var logActive = header.LogGuid != Guid.Empty;
        if (logActive && header.LogVersion != VhdxHeader.CurrentLogVersion)
        {
            throw new UnsupportedFeatureException($"VHDX log version {header.LogVersion}", $"'{path}' has a log of version {header.LogVersion} to replay; ImageOps replays version {VhdxHeader.CurrentLogVersion}, the only one MS-VHDX defines.", path, "VhdxLogVersionNotSupported");
        }

        if (header.LogOffset % VhdxConstants.RegionAlignment != 0 || header.LogOffset < VhdxConstants.HeaderSectionSize || header.LogOffset > VhdxConstants.MaxFileOffset
            || header.LogLength % VhdxConstants.RegionAlignment != 0 || (logActive && header.LogLength == 0))
        {
            throw new CorruptImageException(path, Format, at + VhdxHeader.LogLengthOffset, "header", string.Format(CultureInfo.InvariantCulture, "the log at {0}+{1} is not on 1 MiB boundaries after the header section", header.LogOffset, header.LogLength), "VhdxHeaderCorrupt");
        }

        if (logActive && (long)header.LogOffset + header.LogLength > storage.Length)
        {
            throw new CorruptImageException(path, Format, (long)header.LogOffset, "log", string.Format(CultureInfo.InvariantCulture, "the log at {0}+{1} that must be replayed lies past the end of the file ({2} bytes)", header.LogOffset, header.LogLength, storage.Length), "ImageTruncated");
        }
    }

    private void ReadRegionTable()
    {
        var first = new byte[VhdxRegionTable.Size];
        var second = new byte[VhdxRegionTable.Size];
        View.ReadExactly(VhdxConstants.RegionTable1Offset, first, Format, "region table");
        View.ReadExactly(VhdxConstants.RegionTable2Offset, second, Format, "region table copy");
        RegionTableProblems[0] = VhdxRegionTable.Validate(first);
        RegionTableProblems[1] = VhdxRegionTable.Validate(second);
        if (RegionTableProblems[0] is not null && RegionTableProblems[1] is not null)
        {
            throw new CorruptImageException(Path, Format, VhdxConstants.RegionTable1Offset, "region table", $"neither copy is valid: {RegionTableProblems[0]}; the copy at 256 KiB: {RegionTableProblems[1]}", "VhdxRegionTableCorrupt");
        }

        // MS-VHDX keeps two copies so that one damaged copy does not lose the file: use the first valid one.
        var use = RegionTableProblems[0] is null ? first : second;
        var tableOffset = RegionTableProblems[0] is null ? VhdxConstants.RegionTable1Offset : VhdxConstants.RegionTable2Offset;
        RegionTablesDiffer = RegionTableProblems[0] is null && RegionTableProblems[1] is null && !first.AsSpan().SequenceEqual(second);
        RegionTable = VhdxRegionTable.Parse(use);

        var claimed = new List<(long Start, long End, string What)>
        {
            (0, VhdxConstants.HeaderSectionSize, "the header section"),
        };
        if (Header.LogLength > 0)
        {
            claimed.Add(((long)Header.LogOffset, (long)Header.LogOffset + Header.LogLength, "the log"));
        }

        VhdxRegionEntry? bat = null, metadata = null;
        for (var i = 0; i < RegionTable.Entries.Count; i++)
        {
            var entry = RegionTable.Entries[i];
            var at = tableOffset + VhdxRegionTable.HeaderSize + (i * VhdxRegionEntry.Size);
            Exception Fail(string detail) => new CorruptImageException(Path, Format, at, "region table entry", detail, "VhdxRegionTableCorrupt");

            if (entry.FileOffset % VhdxConstants.RegionAlignment != 0 || entry.FileOffset < VhdxConstants.HeaderSectionSize || entry.FileOffset > VhdxConstants.MaxFileOffset || entry.Length == 0)
            {
                throw Fail(string.Format(CultureInfo.InvariantCulture, "region {0} at {1}+{2} is empty or not on a 1 MiB boundary after the header section", entry.Guid, entry.FileOffset, entry.Length));
            }

            foreach (var (start, end, what) in claimed)
            {
                if (entry.FileOffset < end && start < entry.End)
                {
                    throw Fail(string.Format(CultureInfo.InvariantCulture, "region {0} at {1}+{2} overlaps {3}", entry.Guid, entry.FileOffset, entry.Length, what));
                }
            }

            claimed.Add((entry.FileOffset, entry.End, "region " + entry.Guid));
            if (entry.Guid == VhdxGuids.BatRegion)
            {
                bat = bat is null ? entry : throw Fail("the BAT region is listed twice");
            }
            else if (entry.Guid == VhdxGuids.MetadataRegion)
            {
                metadata = metadata is null ? entry : throw Fail("the metadata region is listed twice");
            }
            else if (entry.Required)
            {
                throw new UnsupportedFeatureException($"VHDX required region {entry.Guid}", $"'{Path}' has a region ({entry.Guid}) marked required that ImageOps does not understand; MS-VHDX forbids opening such a file.", Path, "VhdxRequiredRegionNotSupported");
            }
            else
            {
                OtherRegions.Add(entry);
            }
        }

        BatRegion = bat ?? throw new CorruptImageException(Path, Format, tableOffset, "region table", "it has no BAT region", "VhdxRegionTableCorrupt");
        MetadataRegion = metadata ?? throw new CorruptImageException(Path, Format, tableOffset, "region table", "it has no metadata region", "VhdxRegionTableCorrupt");
        if (MetadataRegion.FileOffset + VhdxMetadataTable.Size > View.Length)
        {
            throw new CorruptImageException(Path, Format, MetadataRegion.FileOffset, "metadata region", string.Format(CultureInfo.InvariantCulture, "it lies past the end of the file ({0} bytes)", View.Length), "ImageTruncated");
        }
    }

    private void ReadBat()
    {
        var geometry = Geometry;
        if (geometry.TotalEntries > BatRegion.Length / VhdxBatEntry.Size)
        {
            throw new CorruptImageException(Path, Format, BatRegion.FileOffset, "block allocation table", string.Format(CultureInfo.InvariantCulture, "the region of {0} bytes cannot hold the {1} entries a {2}-byte disk with {3}-byte blocks needs", BatRegion.Length, geometry.TotalEntries, geometry.Capacity, geometry.BlockSize), "VhdxBatCorrupt");
        }

        // Whole 4 KiB sectors, because the log rewrites the BAT a sector at a time.
        var bytes = Math.Min(BatRegion.Length, Alignment.RoundUp(geometry.TotalEntries * VhdxBatEntry.Size, VhdxLogEntryHeader.SectorSize));
        if (BatRegion.FileOffset + bytes > View.Length)
        {
            throw new CorruptImageException(Path, Format, BatRegion.FileOffset, "block allocation table", string.Format(CultureInfo.InvariantCulture, "its {0} bytes run past the end of the file ({1} bytes)", bytes, View.Length), "ImageTruncated");
        }

        var bat = new ulong[bytes / VhdxBatEntry.Size];
        var buffer = new byte[(int)Math.Min(bytes, VhdxConstants.OneMiB)];
        for (long done = 0; done < bytes; done += buffer.Length)
        {
            var chunk = buffer.AsSpan(0, (int)Math.Min(buffer.Length, bytes - done));
            View.ReadExactly(BatRegion.FileOffset + done, chunk, Format, "block allocation table");
            for (var i = 0; i < chunk.Length / VhdxBatEntry.Size; i++)
            {
                bat[(done / VhdxBatEntry.Size) + i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(chunk.Slice(i * VhdxBatEntry.Size));
            }
        }

        Bat = bat;
    }

    private void CheckSpan(List<VhdxBatProblem> problems, List<(long Start, long End, long Entry)> used, long at, long index, long offset, long size, long neededInFile, long fileLength, string what)
    {
        if (offset < VhdxConstants.HeaderSectionSize || offset > VhdxConstants.MaxFileOffset)
        {
            problems.Add(new VhdxBatProblem(at, string.Format(CultureInfo.InvariantCulture, "the {0} of entry {1} is at {2}, inside the header section or beyond any VHDX file", what, index, offset)));
            return;
        }

        if (offset + neededInFile > fileLength)
        {
            problems.Add(new VhdxBatProblem(at, string.Format(CultureInfo.InvariantCulture, "the {0} of entry {1} at {2} runs past the end of the file ({3} bytes); the file was probably truncated", what, index, offset, fileLength)));
        }

        var end = offset + size;
        if (Header.LogLength > 0 && offset < (long)Header.LogOffset + Header.LogLength && (long)Header.LogOffset < end)
        {
            problems.Add(new VhdxBatProblem(at, string.Format(CultureInfo.InvariantCulture, "the {0} of entry {1} at {2} overlaps the log", what, index, offset)));
        }

        foreach (var region in RegionTable.Entries)
        {
            if (offset < region.End && region.FileOffset < end)
            {
                problems.Add(new VhdxBatProblem(at, string.Format(CultureInfo.InvariantCulture, "the {0} of entry {1} at {2} overlaps region {3}", what, index, offset, region.Guid)));
            }
        }

        used.Add((offset, end, index));
    }
}
