using System;
using System.Collections.Generic;
using System.Globalization;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// Checks a VHDX (STYLE.md 21: separate from opening). What qemu-img check does for VHDX — a log that
/// needs replay counts as a corruption that repair fixes by replaying it; BAT entries past the end of
/// the file or over other structures are corruptions — plus: both region table copies, payload blocks
/// and sector bitmaps overlapping each other, unknown block states, and leaked space (whole MiB the
/// file holds that nothing refers to). Without repair the rest of the check runs on the log replayed in
/// memory; repair replays it in place, rewrites a damaged region table copy from the good one, and
/// cuts unreferenced space off the end of the file.
/// </summary>
internal static class VhdxChecker
{
    public static DiskCheckReport Check(IBlockStorage storage, DiskCheckOptions options)
    {
        var path = storage.Name;
        var report = new DiskCheckReport { Path = path, Format = DiskFormat.Vhdx };
        if (options.Repair && !storage.CanWrite)
        {
            throw new InvalidOperationException($"'{path}' must be opened for writing to repair it.");
        }

        try
        {
            CheckFile(storage, options.Repair, report);
        }
        catch (CorruptImageException ex)
        {
            report.Problems.Add(new DiskProblem(DiskProblemKind.Corruption, ex.Structure, ex.Offset, ex.Detail));
        }

        return report;
    }

    private static void CheckFile(IBlockStorage storage, bool repair, DiskCheckReport report)
    {
        var path = storage.Name;
        var identifier = new byte[8];
        storage.ReadOrZero(0, identifier);
        if (!VhdxFileIdentifier.HasSignature(identifier))
        {
            throw new CorruptImageException(path, VhdxConstants.FormatName, 0, "file identifier", "the signature 'vhdxfile' is missing");
        }

        var (header, slot, _, _) = VhdxFile.ReadHeaders(storage, path);
        VhdxSession? session = repair ? new VhdxSession(storage, header, slot, freshlyCreated: false) : null;
        IBlockStorage view = storage;
        if (header.LogGuid != Guid.Empty)
        {
            var sequence = new VhdxLogReader(storage, path, header).FindActiveSequence();
            if (sequence is not null)
            {
                var problem = new DiskProblem(DiskProblemKind.Corruption, "log", (long)header.LogOffset + sequence.Head.Position, string.Format(CultureInfo.InvariantCulture, "the log holds {0} entries (head sequence number {1}) that must be replayed before the file is consistent", sequence.Entries.Count, sequence.Head.Header.SequenceNumber));
                report.Problems.Add(problem);
                if (session is not null)
                {
                    session.BeginWrite(userVisible: false, startLog: false);
                    VhdxDisk.ReplayInPlace(storage, sequence);
                    session.EndLog();
                    problem.Repaired = true;
                }
                else
                {
                    view = VhdxReplayStorage.Create(storage, sequence, path);
                }
            }
            else if (session is not null)
            {
                // A LogGuid with nothing valid to replay (a crash before the first entry): just clear it.
                session.BeginWrite(userVisible: false, startLog: false);
                session.EndLog();
            }

            header = session?.Header ?? header;
        }

        var file = VhdxFile.Load(view, path, header);
        CheckRegionTables(file, session, report);
        foreach (var problem in file.FindBatProblems())
        {
            report.Problems.Add(new DiskProblem(DiskProblemKind.Corruption, "block allocation table", problem.Offset, problem.Message));
        }

        CountClusters(file, report);
        CheckLeaks(file, storage, session, report);
        session?.EndLog();
    }

    private static void CheckRegionTables(VhdxFile file, VhdxSession? session, DiskCheckReport report)
    {
        var problems = new List<DiskProblem>();
        for (var copy = 0; copy < 2; copy++)
        {
            if (file.RegionTableProblems[copy] is { } reason)
            {
                problems.Add(new DiskProblem(DiskProblemKind.Corruption, "region table", copy == 0 ? VhdxConstants.RegionTable1Offset : VhdxConstants.RegionTable2Offset, $"this copy is not valid ({reason}); the other copy is used"));
            }
        }

        if (file.RegionTablesDiffer)
        {
            problems.Add(new DiskProblem(DiskProblemKind.Corruption, "region table", VhdxConstants.RegionTable2Offset, "the two copies differ; the first is used"));
        }

        report.Problems.AddRange(problems);
        if (problems.Count == 0 || session is null)
        {
            return;
        }

        // The region table changes only through the log (MS-VHDX 2.3): both copies in one entry.
        var bytes = new byte[VhdxRegionTable.Size];
        file.RegionTable.WriteTo(bytes);
        var sectors = new Dictionary<long, byte[]>();
        foreach (var tableOffset in new[] { VhdxConstants.RegionTable1Offset, VhdxConstants.RegionTable2Offset })
        {
            for (var at = 0; at < bytes.Length; at += VhdxLogEntryHeader.SectorSize)
            {
                sectors[tableOffset + at] = bytes.AsSpan(at, VhdxLogEntryHeader.SectorSize).ToArray();
            }
        }

        session.Commit(sectors);
        file.ReplaceRegionTable(file.RegionTable);
        foreach (var problem in problems)
        {
            problem.Repaired = true;
        }
    }

    private static void CountClusters(VhdxFile file, DiskCheckReport report)
    {
        var geometry = file.Geometry;
        long allocated = 0;
        for (long block = 0; block < geometry.DataBlocks; block++)
        {
            if (VhdxBatEntry.HasData(VhdxBatEntry.State(file.Bat[geometry.PayloadEntryIndex(block)])))
            {
                allocated++;
            }
        }

        report.AllocatedClusters = allocated;
        report.TotalClusters = geometry.DataBlocks;
    }

    /// <summary>
    /// Whole MiB of file space nothing refers to: gaps between payload blocks and sector bitmaps, and
    /// space past the last structure (what a crash between growing the file and committing the BAT leaves).
    /// Space before the first block is not counted (qemu leaves a gap there by design).
    /// </summary>
    private static void CheckLeaks(VhdxFile file, IBlockStorage storage, VhdxSession? session, DiskCheckReport report)
    {
        var geometry = file.Geometry;
        var structures = new List<(long Start, long End)>
        {
            (0, VhdxConstants.HeaderSectionSize),
            (file.BatRegion.FileOffset, file.BatRegion.End),
            (file.MetadataRegion.FileOffset, file.MetadataRegion.End),
        };
        if (file.Header.LogLength > 0)
        {
            structures.Add(((long)file.Header.LogOffset, (long)file.Header.LogOffset + file.Header.LogLength));
        }

        foreach (var region in file.OtherRegions)
        {
            structures.Add((region.FileOffset, region.End));
        }

        var blocks = new List<(long Start, long End)>();
        for (long index = 0; index < geometry.TotalEntries; index++)
        {
            var entry = file.Bat[index];
            var state = VhdxBatEntry.State(entry);
            var offset = VhdxBatEntry.FileOffset(entry);
            if (geometry.IsBitmapEntry(index))
            {
                if (geometry.HasParent && state == VhdxBatEntry.BitmapPresent)
                {
                    blocks.Add((offset, offset + VhdxConstants.SectorBitmapBlockSize));
                }
            }
            else if (VhdxBatEntry.HasData(state) || (state == (int)VhdxPayloadState.Unmapped && offset >= VhdxConstants.HeaderSectionSize))
            {
                blocks.Add((offset, offset + geometry.BlockSize));
            }
        }

        var dataStart = long.MaxValue;
        foreach (var (start, _) in blocks)
        {
            dataStart = Math.Min(dataStart, start);
        }

        var used = new List<(long Start, long End)>(structures);
        used.AddRange(blocks);
        used.Sort((a, b) => a.Start.CompareTo(b.Start));
        var end = 0L;
        foreach (var (start, stop) in used)
        {
            if (start > dataStart && start - end >= VhdxConstants.OneMiB)
            {
                report.Problems.Add(new DiskProblem(DiskProblemKind.Leak, "file space", end, string.Format(CultureInfo.InvariantCulture, "{0} bytes between blocks are not used by anything", start - end)));
            }

            end = Math.Max(end, stop);
        }

        var usedEnd = Alignment.RoundUp(end, VhdxConstants.OneMiB);
        var trailing = storage.Length - usedEnd;
        if (trailing >= VhdxConstants.OneMiB && (blocks.Count > 0 || trailing >= geometry.BlockSize))
        {
            var problem = new DiskProblem(DiskProblemKind.Leak, "file space", usedEnd, string.Format(CultureInfo.InvariantCulture, "{0} bytes at the end of the file are not used by anything", trailing));
            report.Problems.Add(problem);
            if (session is not null)
            {
                storage.Flush(durable: true);
                storage.SetLength(usedEnd);
                storage.Flush(durable: true);
                problem.Repaired = true;
            }
        }
    }
}
