using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// Checks a VMDK's metadata, separately from opening it (STYLE.md 21). Corruptions, as qemu-img check
/// counts them (qemu <c>vmdk_co_check</c>): grain table entries pointing past the end of the file; and
/// beyond qemu: entries into the metadata, directory entries past the end, structures that overlap,
/// stream markers that disagree with the table. Leaks: file space after the metadata that nothing
/// refers to. Repair (monolithicSparse only) clears corrupt entries — those grains then read from the
/// parent or as zeros — and truncates leaked space at the end of the file.
/// </summary>
internal static class VmdkChecker
{
    private const string Format = "VMDK";
    private const int Sector = SparseExtentHeader.SectorSize;

    public static DiskCheckReport Check(IBlockStorage storage, DiskCheckOptions options)
    {
        var report = new DiskCheckReport { Path = storage.Name, Format = DiskFormat.Vmdk };
        var head = new byte[4];
        if (storage.Length >= 4)
        {
            storage.ReadExactly(0, head, Format, "header");
        }

        if (SparseExtentHeader.HasMagic(head))
        {
            new SparseCheck(storage, report, options.Repair).Run();
            return report;
        }

        CheckDescriptorFile(storage, report);
        return report;
    }

    /// <summary>A descriptor file: every extent must exist inside the allowed folder (the descriptor's own) and be as large as described.</summary>
    private static void CheckDescriptorFile(IBlockStorage storage, DiskCheckReport report)
    {
        if (storage.Length > VmdkDescriptor.MaxSize)
        {
            throw new CorruptImageException(storage.Name, Format, 0, "descriptor", $"a text descriptor of {storage.Length} bytes is larger than the {VmdkDescriptor.MaxSize} bytes allowed", "VmdkDescriptorTooLarge");
        }

        var text = new byte[storage.Length];
        storage.ReadExactly(0, text, Format, "descriptor");
        var descriptor = VmdkDescriptor.Parse(text, storage.Name, 0, embedded: false);
        var resolver = ParentResolver.ForImage(storage.Name);
        long grains = 0, allocated = 0;
        foreach (var line in descriptor.Extents)
        {
            if (line.FileName is null)
            {
                continue;
            }

            IBlockStorage file;
            try
            {
                file = resolver.OpenParent(storage.Name, line.FileName, out _);
            }
            catch (ImageOpsException ex)
            {
                report.Problems.Add(new DiskProblem(DiskProblemKind.Corruption, "extent", -1, $"the extent on line {line.Line} ('{line.FileName}') cannot be opened: {ex.Message}"));
                continue;
            }

            using (file)
            {
                if (line.Type == VmdkExtentType.Sparse)
                {
                    var sub = new DiskCheckReport { Path = file.Name, Format = DiskFormat.Vmdk };
                    new SparseCheck(file, sub, repair: false).Run();
                    report.Problems.AddRange(sub.Problems);
                    grains += sub.TotalClusters ?? 0;
                    allocated += sub.AllocatedClusters ?? 0;
                }
                else if ((line.Type == VmdkExtentType.Flat || line.Type == VmdkExtentType.Vmfs) && file.Length / Sector - line.Offset < line.Sectors)
                {
                    report.Problems.Add(new DiskProblem(DiskProblemKind.Corruption, "extent", -1, $"the extent on line {line.Line} needs {line.Sectors} sectors from sector {line.Offset} of '{line.FileName}', which has {file.Length / Sector}"));
                }
            }
        }

        if (grains > 0)
        {
            report.TotalClusters = grains;
            report.AllocatedClusters = allocated;
        }
    }

    /// <summary>The check of one sparse extent.</summary>
    private sealed class SparseCheck
    {
        private readonly IBlockStorage _storage;
        private readonly DiskCheckReport _report;
        private readonly bool _repair;
        private readonly List<Interval> _intervals = new();
        private readonly List<Action> _repairs = new();
        private SparseHeaderReader _headers = null!;
        private bool _leaksUnknown;

        public SparseCheck(IBlockStorage storage, DiskCheckReport report, bool repair)
        {
            _storage = storage;
            _report = report;
            _repair = repair;
        }

        private long FileSectors => _storage.Length / Sector;

        public void Run()
        {
            _headers = SparseHeaderReader.Read(_storage);
            var h = _headers.Effective;
            var repairable = _repair && _storage.CanWrite && !_headers.Compressed && h.Version < 3;
            Add(0, 1, "header", null);
            if (_headers.FooterOffset >= 0)
            {
                Add(_headers.FooterOffset / Sector, 3, "footer", null);
            }

            if (_headers.Primary.DescriptorOffset != 0)
            {
                Add((long)_headers.Primary.DescriptorOffset, (long)_headers.Primary.DescriptorSize, "embedded descriptor", null);
            }

            var gdSectors = GrainTable.Sectors(_headers.GdEntries);
            var gd = SparseExtent.ReadDirectory(_storage, _headers, (long)h.GdOffset, "grain directory", validate: false);
            AddWithMarker((long)h.GdOffset, gdSectors, "grain directory", StreamMarkerType.GrainDirectory);
            uint[]? rgd = null;
            if (_headers.HasRedundantDirectory)
            {
                rgd = SparseExtent.ReadDirectory(_storage, _headers, (long)h.RgdOffset, "redundant grain directory", validate: false);
                Add((long)h.RgdOffset, gdSectors, "redundant grain directory", null);
            }

            long allocated = 0;
            var grainBytes = _headers.GrainSectors * Sector;
            var capacity = _headers.CapacitySectors * Sector;
            var gtSectors = (_headers.GtBytes + Sector - 1) / Sector;
            var gtBytes = new byte[_headers.GtBytes];
            for (var i = 0; i < gd.Length; i++)
            {
                var index = i;
                if (rgd is not null && rgd[i] != 0)
                {
                    if (!InFile(rgd[i], _headers.GtBytes))
                    {
                        Problem(DiskProblemKind.Corruption, "redundant grain directory", (long)h.RgdOffset * Sector + i * GrainTable.EntrySize, $"entry {i} places a grain table at sector {rgd[i]}, past the end of the file", repairable ? () => ClearDirectoryEntry((long)h.RgdOffset, index) : null);
                    }
                    else
                    {
                        Add(rgd[i], gtSectors, $"redundant grain table {i}", null);
                    }
                }

                if (gd[i] == 0)
                {
                    continue;
                }

                if (!InFile(gd[i], _headers.GtBytes))
                {
                    Problem(DiskProblemKind.Corruption, "grain directory", (long)h.GdOffset * Sector + i * GrainTable.EntrySize, $"entry {i} places a grain table at sector {gd[i]}, past the end of the file", repairable ? () => ClearDirectoryEntry((long)h.GdOffset, index) : null);
                    continue;
                }

                AddWithMarker(gd[i], gtSectors, $"grain table {i}", StreamMarkerType.GrainTable);
                _storage.ReadExactly((long)gd[i] * Sector, gtBytes, Format, "grain table");
                for (var j = 0; j < _headers.GtesPerGt; j++)
                {
                    var grain = (long)i * _headers.GtesPerGt + j;
                    var entry = GrainTable.Read(gtBytes, j);
                    if (entry == 0 || grain * grainBytes >= capacity || (entry == GrainTable.ZeroedGrain && _headers.HasZeroedGrains))
                    {
                        continue;
                    }

                    var at = (long)gd[i] * Sector + j * GrainTable.EntrySize;
                    var entryIndex = j;
                    var fix = repairable ? () => ClearTableEntry(gd[index], rgd?[index] ?? 0, entryIndex) : (Action?)null;
                    var sectors = GrainSectors(grain, entry, at, fix, grainBytes, capacity);
                    if (sectors > 0)
                    {
                        allocated++;
                        Add(entry, sectors, $"grain {grain}", fix);
                    }
                }
            }

            FindOverlapsAndLeaks(repairable);
            _report.AllocatedClusters = (_report.AllocatedClusters ?? 0) + allocated;
            _report.TotalClusters = (_report.TotalClusters ?? 0) + (capacity + grainBytes - 1) / grainBytes;
            if (repairable && _repairs.Count > 0)
            {
                foreach (var repair in _repairs)
                {
                    repair();
                }

                _storage.Flush(durable: true);
            }
        }

        /// <summary>Sectors the grain occupies, or 0 after reporting why it is corrupt.</summary>
        private long GrainSectors(long grain, uint entry, long at, Action? fix, long grainBytes, long capacity)
        {
            if (entry < (long)_headers.Effective.OverHead)
            {
                Problem(DiskProblemKind.Corruption, "grain table", at, $"grain {grain} points at sector {entry}, inside the metadata before the first grain (sector {_headers.Effective.OverHead})", fix);
                return 0;
            }

            if (entry >= FileSectors)
            {
                // qemu-img check: "cluster offset for sector N points after EOF".
                Problem(DiskProblemKind.Corruption, "grain table", at, $"grain {grain} points at sector {entry}, after the end of the file", fix);
                return 0;
            }

            if (!_headers.Compressed)
            {
                var needed = Math.Min(grainBytes, capacity - grain * grainBytes);
                if (!InFile(entry, needed))
                {
                    Problem(DiskProblemKind.Corruption, "grain table", at, $"grain {grain} at sector {entry} runs past the end of the file", fix);
                    return 0;
                }

                return Math.Min(_headers.GrainSectors, FileSectors - entry);
            }

            if (!_headers.HasMarkers)
            {
                // Without markers the compressed length is unknown: the grain holds at least its first sector.
                _leaksUnknown = true;
                return 1;
            }

            var marker = new byte[StreamMarker.GrainHeaderSize];
            _storage.ReadExactly((long)entry * Sector, marker, Format, "grain marker");
            StreamMarker.ReadGrainHeader(marker, out var lba, out var size);
            if (lba != (ulong)(grain * _headers.GrainSectors))
            {
                Problem(DiskProblemKind.Corruption, "grain marker", (long)entry * Sector, $"grain {grain} points at a marker for sector {lba}", fix);
                return 0;
            }

            var record = StreamMarker.GrainRecordLength(size);
            if (size == 0 || size > 2 * grainBytes || !InFile(entry, StreamMarker.GrainHeaderSize + size))
            {
                Problem(DiskProblemKind.Corruption, "grain marker", (long)entry * Sector, $"grain {grain} has a compressed size of {size} bytes, empty, too large or past the end of the file", fix);
                return 0;
            }

            return Math.Min(record / Sector, FileSectors - entry);
        }

        private void FindOverlapsAndLeaks(bool repairable)
        {
            _intervals.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
            long covered = 0;
            string coveredBy = string.Empty;
            var overhead = (long)_headers.Effective.OverHead;
            foreach (var interval in _intervals)
            {
                if (interval.Start < covered)
                {
                    Problem(DiskProblemKind.Corruption, interval.What, interval.Start * Sector, $"{interval.What} (sectors {interval.Start}..{interval.End - 1}) overlaps {coveredBy}", interval.Fix);
                }
                else if (!_leaksUnknown && interval.Start > covered && interval.Start > overhead)
                {
                    var from = Math.Max(covered, overhead);
                    Problem(DiskProblemKind.Leak, "file", from * Sector, $"sectors {from}..{interval.Start - 1} ({(interval.Start - from) * Sector} bytes) are not referred to by any table", null);
                }

                if (interval.End > covered)
                {
                    covered = interval.End;
                    coveredBy = interval.What;
                }
            }

            var end = FileSectors;
            if (!_leaksUnknown && end > Math.Max(covered, overhead) && !IsEndOfStream(Math.Max(covered, overhead), end))
            {
                var from = Math.Max(covered, overhead);
                Problem(DiskProblemKind.Leak, "file", from * Sector, $"the last {(end - from) * Sector} bytes of the file (from sector {from}) are not referred to by any table", repairable ? () => _storage.SetLength(from * Sector) : null);
            }
        }

        /// <summary>
        /// Zero sectors ending a stream without a footer are its end-of-stream marker and padding (qemu
        /// leaves a grain of them after the last compressed grain; a zero sector reads as an EOS marker).
        /// </summary>
        private bool IsEndOfStream(long from, long end)
        {
            if (!_headers.HasMarkers || _headers.FooterOffset >= 0)
            {
                return false;
            }

            var buffer = new byte[64 * 1024];
            for (var sector = from; sector < end; sector += buffer.Length / Sector)
            {
                var n = (int)Math.Min(buffer.Length, (end - sector) * Sector);
                _storage.ReadExactly(sector * Sector, buffer.AsSpan(0, n), Format, "end of stream");
                if (!ZeroDetector.IsAllZero(buffer.AsSpan(0, n)))
                {
                    return false;
                }
            }

            return true;
        }

        private void AddWithMarker(long sector, long sectors, string what, StreamMarkerType type)
        {
            if (_headers.HasMarkers && sector > 1)
            {
                var marker = new byte[StreamMarker.MetadataMarkerSize];
                _storage.ReadExactly((sector - 1) * Sector, marker, Format, "metadata marker");
                if (StreamMarker.IsMetadataMarker(marker, type, out _))
                {
                    Add(sector - 1, sectors + 1, what, null);
                    return;
                }
            }

            Add(sector, sectors, what, null);
        }

        private void Add(long start, long sectors, string what, Action? fix) => _intervals.Add(new Interval(start, start + sectors, what, fix));

        private bool InFile(uint sector, long bytes) => (long)sector * Sector <= _storage.Length - bytes && sector > 0;

        private void Problem(DiskProblemKind kind, string structure, long offset, string message, Action? fix)
        {
            var problem = new DiskProblem(kind, structure, offset, message);
            _report.Problems.Add(problem);
            if (fix is not null && _repair)
            {
                _repairs.Add(() =>
                {
                    fix();
                    problem.Repaired = true;
                });
            }
        }

        private void ClearDirectoryEntry(long directorySector, int index)
            => _storage.WriteAt(directorySector * Sector + index * GrainTable.EntrySize, new byte[GrainTable.EntrySize]);

        private void ClearTableEntry(uint tableSector, uint redundantTableSector, int index)
        {
            _storage.WriteAt((long)tableSector * Sector + index * GrainTable.EntrySize, new byte[GrainTable.EntrySize]);
            if (redundantTableSector != 0 && InFile(redundantTableSector, _headers.GtBytes))
            {
                _storage.WriteAt((long)redundantTableSector * Sector + index * GrainTable.EntrySize, new byte[GrainTable.EntrySize]);
            }
        }

        private readonly struct Interval
        {
            public Interval(long start, long end, string what, Action? fix)
            {
                Start = start;
                End = end;
                What = what;
                Fix = fix;
            }

            public long Start { get; }

            public long End { get; }

            public string What { get; }

            public Action? Fix { get; }
        }
    }
}
