using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// Checks a VHD's metadata (qemu-img check does not support vpc, so the checks come from the spec).
/// Corruptions: a footer copy missing, damaged or differing from the other; a header that cannot be
/// used; BAT entries pointing past the end of the file, into the footer copy, header, BAT or parent
/// locator data, or overlapping another block; parent locator data past the end. Leaks: stretches of
/// the file large enough for a block that no BAT entry refers to (what a kill between writing a block
/// and its BAT entry leaves). Gaps smaller than a block are alignment padding, not leaks.
/// </summary>
/// <remarks>
/// Repair, only when asked: entries past the end or into metadata are cleared (the sectors read from
/// the parent, or as zeros, instead of garbage); a last block cut short is completed with zeros;
/// overlapping blocks are copied to their own place (reads unchanged); footers are rewritten from the
/// one in effect; leaked space is reclaimed by moving the last blocks into the holes and truncating.
/// Each step keeps the crash protocol: data is copied and flushed before a BAT entry points at it.
/// </remarks>
internal static class VhdChecker
{
    private const int CopyChunk = 1 << 20;

    public static DiskCheckReport Check(IBlockStorage storage, DiskCheckOptions options)
    {
        if (options.Repair && !storage.CanWrite)
        {
            throw new ImageOpsException("DiskFileReadOnly", ErrorKind.InvalidOperation, $"'{storage.Name}' is open read-only; repairing needs write access.", storage.Name);
        }

        var report = new DiskCheckReport { Path = storage.Name, Format = DiskFormat.Vhd };
        Analyze(storage, report, options.Repair);
        if (options.Repair && report.Problems.Any(p => p.Repaired))
        {
            storage.Flush(durable: true);
            var after = new DiskCheckReport { Path = storage.Name, Format = DiskFormat.Vhd };
            Analyze(storage, after, repair: false);
            foreach (var problem in after.Problems)
            {
                report.Problems.Add(new DiskProblem(problem.Kind, problem.Structure, problem.Offset, "after repair: " + problem.Message));
            }

            report.AllocatedClusters = after.AllocatedClusters;
            report.TotalClusters = after.TotalClusters;
        }

        return report;
    }

    /// <summary>The first block that overlaps a metadata region or another block, described; null if none.</summary>
    internal static string? FindFirstOverlap(VhdBlockAllocationTable bat, long span, IEnumerable<(long Offset, long Length, string What)> regions)
    {
        var metadata = regions.ToList();
        var blocks = new List<(long Start, int Index)>();
        for (var i = 0; i < bat.Count; i++)
        {
            if (bat[i] == VhdBlockAllocationTable.Unused)
            {
                continue;
            }

            var start = (long)bat[i] * VhdDisk.SectorSize;
            foreach (var region in metadata)
            {
                if (VhdDisk.Overlaps(start, span, region.Offset, region.Length))
                {
                    return string.Format(CultureInfo.InvariantCulture, "block {0} at offset {1} overlaps {2}", i, start, region.What);
                }
            }

            blocks.Add((start, i));
        }

        blocks.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (var k = 1; k < blocks.Count; k++)
        {
            if (blocks[k].Start < blocks[k - 1].Start + span)
            {
                return string.Format(CultureInfo.InvariantCulture, "block {0} at offset {1} overlaps block {2} at offset {3}", blocks[k].Index, blocks[k].Start, blocks[k - 1].Index, blocks[k - 1].Start);
            }
        }

        return null;
    }

    private static void Analyze(IBlockStorage storage, DiskCheckReport report, bool repair)
    {
        var pair = VhdFooterPair.Read(storage);
        VhdFooter footer;
        long capacity;
        try
        {
            footer = VhdDisk.SelectFooter(storage, pair, out var footerOffset);
            capacity = VhdDisk.CheckFooter(storage, footer, footerOffset);
        }
        catch (ImageOpsException ex)
        {
            report.Problems.Add(new DiskProblem(DiskProblemKind.Corruption, "hard disk footer", (ex as CorruptImageException)?.Offset ?? -1, ex.Message));
            return;
        }

        if (footer.DiskType == VhdDiskType.Fixed)
        {
            if (capacity > pair.EndOffset)
            {
                report.Problems.Add(new DiskProblem(DiskProblemKind.Corruption, "hard disk footer", pair.EndOffset, string.Format(CultureInfo.InvariantCulture, "the virtual size is {0} bytes but the file holds {1} bytes of data", capacity, pair.EndOffset)));
            }

            return;
        }

        VhdDynamicHeader header;
        try
        {
            header = VhdDisk.ReadValidHeader(storage, footer, capacity);
        }
        catch (ImageOpsException ex)
        {
            report.Problems.Add(new DiskProblem(DiskProblemKind.Corruption, "dynamic disk header", (ex as CorruptImageException)?.Offset ?? -1, ex.Message));
            return;
        }

        new Analysis(storage, report, pair, footer, header).Run(repair);
    }

    /// <summary>One pass over a dynamic or differencing disk.</summary>
    private sealed class Analysis
    {
        private readonly IBlockStorage _storage;
        private readonly DiskCheckReport _report;
        private readonly VhdFooterPair _pair;
        private readonly VhdFooter _footer;
        private readonly VhdDynamicHeader _header;
        private readonly VhdBlockAllocationTable _bat;
        private readonly int _bitmapSize;
        private readonly long _span;
        private readonly long _tableOffset;
        private readonly List<(long Offset, long Length, string What)> _regions = new();

        public Analysis(IBlockStorage storage, DiskCheckReport report, VhdFooterPair pair, VhdFooter footer, VhdDynamicHeader header)
        {
            _storage = storage;
            _report = report;
            _pair = pair;
            _footer = footer;
            _header = header;
            _tableOffset = (long)header.TableOffset;
            _bat = VhdBlockAllocationTable.Read(storage, _tableOffset, (int)header.MaxTableEntries);
            _bitmapSize = VhdSectorBitmap.SizeFor(header.BlockSize);
            _span = _bitmapSize + (long)header.BlockSize;
        }

        private long MetadataEnd => _regions.Max(r => r.Offset + r.Length);

        /// <summary>True if the footers differ only in what ImageOps changes in place: time stamp, size, geometry and creator.</summary>
        private static bool IsEarlierVersion(VhdFooter end, VhdFooter copy)
        {
            var aligned = end.Clone();
            aligned.TakeResizableFieldsFrom(copy);
            return aligned.SameAs(copy);
        }

        public void Run(bool repair)
        {
            var length = _storage.Length;
            _regions.Add((0, VhdFooter.Size, "the footer copy"));
            _regions.Add(((long)_footer.DataOffset, VhdDynamicHeader.Size, "the dynamic disk header"));
            _regions.Add((_tableOffset, (long)VhdBlockAllocationTable.PaddedSize(_bat.Count), "the BAT"));
            CheckLocators(length);

            var copyValid = _pair.Copy is { ChecksumValid: true } copy && VhdDisk.IsSparse(copy.DiskType);
            var endValid = _pair.End is { ChecksumValid: true } end && VhdDisk.IsSparse(end.DiskType);
            var footerProblems = new List<DiskProblem>();
            if (!copyValid)
            {
                footerProblems.Add(Corruption("hard disk footer", 0, "the footer copy at offset 0 is missing or damaged; the footer at the end is in effect"));
            }

            if (!endValid)
            {
                footerProblems.Add(Corruption("hard disk footer", Math.Max(0, length - VhdFooter.Size), "the footer at the end of the file is missing or damaged; the copy at offset 0 is in effect"));
            }
            else if (copyValid && !_pair.Copy!.SameAs(_pair.End!))
            {
                if (IsEarlierVersion(_pair.End!, _pair.Copy!))
                {
                    // What a kill between the two footer writes of a resize or time stamp update leaves:
                    // each footer describes a consistent disk (no data was written past the old size
                    // before both were updated), so it is stale metadata to clean up, not a corruption.
                    var stale = new DiskProblem(DiskProblemKind.Leak, "hard disk footer", _pair.EndOffset, "the footer at the end is an older version of the copy at offset 0, which is in effect (an interrupted footer update)");
                    _report.Problems.Add(stale);
                    footerProblems.Add(stale);
                }
                else
                {
                    footerProblems.Add(Corruption("hard disk footer", _pair.EndOffset, "the footer at the end describes another disk than the copy at offset 0, which is in effect (as in qemu)"));
                }
            }

            var footerLimit = endValid ? _pair.EndOffset : length;
            var toClear = new List<(int Index, DiskProblem Problem)>();
            var extendTo = 0L;
            var blocks = new List<(long Start, int Index)>();
            for (var i = 0; i < _bat.Count; i++)
            {
                var entry = _bat[i];
                if (entry == VhdBlockAllocationTable.Unused)
                {
                    continue;
                }

                var start = (long)entry * VhdDisk.SectorSize;
                var entryOffset = _tableOffset + ((long)i * VhdBlockAllocationTable.EntrySize);
                if (start >= length)
                {
                    toClear.Add((i, Corruption("block allocation table", entryOffset, string.Format(CultureInfo.InvariantCulture, "block {0} points at offset {1}, past the end of the file ({2} bytes)", i, start, length))));
                    continue;
                }

                var region = _regions.FirstOrDefault(r => VhdDisk.Overlaps(start, _span, r.Offset, r.Length));
                if (region.What is not null)
                {
                    toClear.Add((i, Corruption("block allocation table", entryOffset, string.Format(CultureInfo.InvariantCulture, "block {0} at offset {1} overlaps {2}", i, start, region.What))));
                    continue;
                }

                if (start + _span > length)
                {
                    footerProblems.Add(Corruption("block allocation table", entryOffset, string.Format(CultureInfo.InvariantCulture, "block {0} at offset {1} ends at {2}, past the end of the file ({3} bytes): the file was truncated", i, start, start + _span, length)));
                    extendTo = Math.Max(extendTo, start + _span);
                }
                else if (start + _span > footerLimit)
                {
                    footerProblems.Add(Corruption("block allocation table", entryOffset, string.Format(CultureInfo.InvariantCulture, "block {0} at offset {1} overlaps the footer at the end of the file", i, start)));
                }

                blocks.Add((start, i));
            }

            blocks.Sort((a, b) => a.Start.CompareTo(b.Start));
            var toRelocate = new List<(int Index, DiskProblem Problem)>();
            var reach = 0L;
            var previous = -1;
            foreach (var (start, index) in blocks)
            {
                if (start < reach)
                {
                    toRelocate.Add((index, Corruption("block allocation table", _tableOffset + ((long)index * VhdBlockAllocationTable.EntrySize), string.Format(CultureInfo.InvariantCulture, "block {0} at offset {1} overlaps block {2}", index, start, previous))));
                }

                if (start + _span > reach)
                {
                    reach = start + _span;
                    previous = index;
                }
            }

            var leaks = FindLeaks(blocks, footerLimit);
            _report.AllocatedClusters = blocks.Count;
            _report.TotalClusters = _bat.Count;
            if (!repair)
            {
                return;
            }

            foreach (var (index, problem) in toClear)
            {
                _bat[index] = VhdBlockAllocationTable.Unused;
                _storage.WriteAt(_tableOffset + ((long)index * VhdBlockAllocationTable.EntrySize), _bat.ToBytes(index, 1));
                problem.Repaired = true;
            }

            if (extendTo > _storage.Length)
            {
                _storage.SetLength(extendTo);
            }

            Relocate(toRelocate);
            if (footerProblems.Count > 0 || toRelocate.Count > 0)
            {
                RewriteFooters();
                footerProblems.ForEach(p => p.Repaired = true);
            }

            if (leaks.Count > 0)
            {
                Compact();
                leaks.ForEach(p => p.Repaired = true);
            }
        }

        private void CheckLocators(long length)
        {
            if (_footer.DiskType != VhdDiskType.Differencing)
            {
                return;
            }

            for (var i = 0; i < VhdDynamicHeader.ParentLocatorCount; i++)
            {
                var locator = _header.GetLocator(i);
                if (!locator.IsUsed)
                {
                    continue;
                }

                var at = (long)_footer.DataOffset + VhdDynamicHeader.ParentLocatorsOffset + (i * VhdParentLocator.Size);
                if (locator.PlatformDataOffset >= (ulong)length || locator.PlatformDataLength > (ulong)length - locator.PlatformDataOffset)
                {
                    Corruption("parent locator", at, string.Format(CultureInfo.InvariantCulture, "the {0} locator's data ({1} bytes at offset {2}) lies past the end of the file", locator.PlatformName, locator.PlatformDataLength, locator.PlatformDataOffset));
                    continue;
                }

                var reserved = Math.Max(locator.PlatformDataLength, Math.Min(locator.ReservedBytes, length - (long)locator.PlatformDataOffset));
                _regions.Add(((long)locator.PlatformDataOffset, reserved, $"the {locator.PlatformName} parent locator data"));
            }
        }

        private List<DiskProblem> FindLeaks(List<(long Start, int Index)> blocks, long footerLimit)
        {
            var leaks = new List<DiskProblem>();
            var cursor = MetadataEnd;
            foreach (var (start, _) in blocks)
            {
                Leak(leaks, cursor, start);
                cursor = Math.Max(cursor, start + _span);
            }

            Leak(leaks, cursor, footerLimit);
            return leaks;
        }

        private void Leak(List<DiskProblem> leaks, long from, long to)
        {
            var count = (to - from) / _span;
            if (count > 0)
            {
                var problem = new DiskProblem(DiskProblemKind.Leak, "data blocks", from, string.Format(CultureInfo.InvariantCulture, "{0} bytes at offset {1} (room for {2} block(s)) are allocated in the file but referenced by no BAT entry", to - from, from, count));
                _report.Problems.Add(problem);
                leaks.Add(problem);
            }
        }

        private DiskProblem Corruption(string structure, long offset, string message)
        {
            var problem = new DiskProblem(DiskProblemKind.Corruption, structure, offset, message);
            _report.Problems.Add(problem);
            return problem;
        }

        private List<(long Start, int Index)> StoredBlocks()
        {
            var blocks = new List<(long Start, int Index)>();
            for (var i = 0; i < _bat.Count; i++)
            {
                if (_bat[i] != VhdBlockAllocationTable.Unused)
                {
                    blocks.Add(((long)_bat[i] * VhdDisk.SectorSize, i));
                }
            }

            blocks.Sort((a, b) => a.Start.CompareTo(b.Start));
            return blocks;
        }

        private long DataEnd() => StoredBlocks().Select(b => b.Start + _span).DefaultIfEmpty(0).Max();

        /// <summary>Gives each overlapping block its own copy at the end of the file; reads do not change.</summary>
        private void Relocate(List<(int Index, DiskProblem Problem)> blocks)
        {
            if (blocks.Count == 0)
            {
                return;
            }

            var cursor = Math.Max(Math.Max(MetadataEnd, DataEnd()), _storage.Length);
            var moved = new List<(int Index, long Start)>();
            foreach (var (index, _) in blocks)
            {
                var target = VhdLayout.PlaceBlock(cursor, _bitmapSize);
                CopySpan((long)_bat[index] * VhdDisk.SectorSize, target);
                moved.Add((index, target));
                cursor = target + _span;
            }

            _storage.WriteAt(cursor, _footer.ToBytes());
            _storage.Flush(durable: true);
            foreach (var (index, start) in moved)
            {
                SetEntry(index, start);
            }

            blocks.ForEach(b => b.Problem.Repaired = true);
        }

        /// <summary>The footer in effect, at offset 0 and at the end (after all metadata and blocks).</summary>
        private void RewriteFooters()
        {
            var bytes = _footer.ToBytes();
            _storage.WriteAt(0, bytes);
            var at = Math.Max(Math.Max(MetadataEnd, DataEnd()), _storage.Length - VhdFooter.Size);
            _storage.WriteAt(at, bytes);
            _storage.SetLength(at + VhdFooter.Size);
        }

        /// <summary>Moves the last blocks into leaked holes, then cuts the file after the last block.</summary>
        private void Compact()
        {
            var metadataEnd = MetadataEnd;
            for (var moves = 0; moves <= _bat.Count; moves++)
            {
                var blocks = StoredBlocks();
                if (blocks.Count == 0)
                {
                    break;
                }

                var last = blocks[blocks.Count - 1];
                var hole = -1L;
                var cursor = metadataEnd;
                foreach (var (start, _) in blocks)
                {
                    var target = VhdLayout.PlaceBlock(cursor, _bitmapSize);
                    if (target + _span <= start)
                    {
                        hole = target;
                        break;
                    }

                    cursor = Math.Max(cursor, start + _span);
                }

                if (hole < 0 || hole >= last.Start)
                {
                    break;
                }

                CopySpan(last.Start, hole);
                _storage.Flush(durable: true);
                SetEntry(last.Index, hole);
                _storage.Flush(durable: true);
            }

            // The footer goes to its new place before the file is cut, so the file always ends with one.
            var end = Math.Max(metadataEnd, DataEnd());
            _storage.WriteAt(end, _footer.ToBytes());
            _storage.Flush(durable: true);
            _storage.SetLength(end + VhdFooter.Size);
        }

        private void SetEntry(int index, long start)
        {
            _bat[index] = (uint)(start / VhdDisk.SectorSize);
            _storage.WriteAt(_tableOffset + ((long)index * VhdBlockAllocationTable.EntrySize), _bat.ToBytes(index, 1));
        }

        private void CopySpan(long from, long to)
        {
            var buffer = new byte[(int)Math.Min(CopyChunk, _span)];
            for (var done = 0L; done < _span; done += buffer.Length)
            {
                var n = (int)Math.Min(buffer.Length, _span - done);
                _storage.ReadOrZero(from + done, buffer.AsSpan(0, n));
                _storage.WriteAt(to + done, buffer.AsSpan(0, n));
            }
        }
    }
}
