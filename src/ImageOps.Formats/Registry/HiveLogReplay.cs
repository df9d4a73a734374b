using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Registry;

/// <summary>
/// Transaction log recovery, following "Windows registry file format specification" (Format of
/// transaction log files; Dirty state of a hive; Multiple transaction log files):
/// <list type="bullet">
/// <item>New format: logs whose header sequence number is not older than the primary file's secondary
/// sequence number are used in sequence order; entries are applied while each carries the next
/// expected sequence number, starting from the primary's secondary sequence number (or, when the
/// primary base block is damaged, from the newest log alone). An entry with a bad signature, size or
/// Marvin32 hash ends the log it is in, so replay stops at the last good entry.</item>
/// <item>Old format: the first valid old-format log whose timestamp is not older than the primary's (or
/// the first bin's, when the base block is damaged) has its dirty pages written back.</item>
/// </list>
/// The result is a new file image; the logs and the primary file are never modified.
/// </summary>
internal static class HiveLogReplay
{
    /// <summary>A transaction log and what its header says.</summary>
    internal sealed class LogFile
    {
        public LogFile(string name, byte[] data)
        {
            Name = name;
            Data = data;
            if (data.Length < BaseBlock.LogCopySize)
            {
                Problem = data.Length == 0 ? "it is empty" : $"it is {data.Length} bytes, shorter than a base block copy";
                return;
            }

            var header = BaseBlock.Parse(data);
            if (!header.HasSignature)
            {
                Problem = "it has no 'regf' signature";
            }
            else if (!header.ChecksumValid)
            {
                Problem = "its base block checksum is wrong";
            }
            else if (header.FileType is not (HiveFileType.OldLog or HiveFileType.VeryOldLog or HiveFileType.NewLog))
            {
                Problem = $"its file type {(uint)header.FileType} is not a transaction log";
            }
            else if (header.SequenceNumbersDiffer)
            {
                Problem = "its own sequence numbers differ (the log itself was not finished)";
            }
            else if (header.HiveBinsDataSize == 0 || header.HiveBinsDataSize % HiveBin.Alignment != 0 || header.HiveBinsDataSize > HiveStorage.MaxHiveBinsDataSize)
            {
                Problem = $"its hive bins data size {header.HiveBinsDataSize} is not a multiple of {HiveBin.Alignment} within ImageOps' limit";
            }
            else
            {
                Header = header;
            }
        }

        public string Name { get; }

        public byte[] Data { get; }

        public BaseBlock? Header { get; }

        public string? Problem { get; }

        public bool IsNewFormat => Header?.FileType == HiveFileType.NewLog;

        public bool IsOldFormat => Header is not null && !IsNewFormat;
    }

    /// <summary>The result of a replay.</summary>
    internal sealed class Result
    {
        public Result(byte[] file, int hiveBinsSize, HiveRecovery report)
        {
            File = file;
            HiveBinsSize = hiveBinsSize;
            Report = report;
        }

        public byte[] File { get; }

        public int HiveBinsSize { get; }

        public HiveRecovery Report { get; }
    }

    /// <summary>
    /// Valid new-format entries a clean hive's logs hold at or after its sequence number: Windows ignores
    /// them (the hive is not dirty), but their presence means the primary may be missing changes.
    /// </summary>
    public static int PendingEntries(BaseBlock primary, IReadOnlyList<LogFile> logs)
    {
        var expected = primary.SecondarySequenceNumber;
        var count = 0;
        foreach (var log in Ordered(logs, expected))
        {
            if (log.Header!.PrimarySequenceNumber != expected)
            {
                break;
            }

            foreach (var (entry, _) in Entries(log))
            {
                if (entry.SequenceNumber != expected)
                {
                    break;
                }

                count++;
                expected++;
            }
        }

        return count;
    }

    /// <summary>
    /// Replays the logs onto a copy of <paramref name="primary"/>. Returns null, with the reason, when no
    /// log can be applied.
    /// </summary>
    public static Result? Replay(byte[] primary, BaseBlock header, IReadOnlyList<LogFile> logs, long maxFileBytes, out string? problem)
    {
        problem = null;
        var usable = new List<LogFile>();
        var reasons = new List<string>();
        foreach (var log in logs)
        {
            if (log.Header is null)
            {
                reasons.Add($"{log.Name}: {log.Problem}");
            }
            else
            {
                usable.Add(log);
            }
        }

        Result? result = null;
        if (usable.Exists(l => l.IsNewFormat))
        {
            result = ReplayNew(primary, header, usable.FindAll(l => l.IsNewFormat), maxFileBytes, reasons);
        }

        if (result is null && usable.Exists(l => l.IsOldFormat))
        {
            result = ReplayOld(primary, header, usable.FindAll(l => l.IsOldFormat), maxFileBytes, reasons);
        }

        if (result is null)
        {
            problem = reasons.Count == 0 ? "no transaction log was supplied" : string.Join("; ", reasons);
        }

        return result;
    }

    private static Result? ReplayNew(byte[] primary, BaseBlock header, List<LogFile> logs, long maxFileBytes, List<string> reasons)
    {
        List<LogFile> candidates;
        uint expected;
        var baseFromLog = !header.ChecksumValid;
        if (header.ChecksumValid)
        {
            expected = header.SecondarySequenceNumber;
            candidates = Ordered(logs, expected);
        }
        else
        {
            // With no trustworthy base block, only the newest log is used (as Windows does), from its own start.
            var newest = logs[0];
            foreach (var log in logs)
            {
                if (SerialGreater(log.Header!.PrimarySequenceNumber, newest.Header!.PrimarySequenceNumber))
                {
                    newest = log;
                }
            }

            candidates = new List<LogFile> { newest };
            expected = newest.Header!.PrimarySequenceNumber;
        }

        // The primary's hive bins are the starting point (with a damaged base block, all the file has):
        // entries carry only the pages that changed.
        var image = CopyImage(primary, header.ChecksumValid ? header.HiveBinsDataSize : (uint)(primary.Length - BaseBlock.Size));
        var size = 0;
        var applied = new List<uint>();
        var used = new List<string>();
        LogFile? lastLog = null;
        uint flags = header.Flags;
        string? stop = null;
        foreach (var log in candidates)
        {
            if (log.Header!.PrimarySequenceNumber != expected)
            {
                stop = $"{log.Name} starts at sequence number {log.Header.PrimarySequenceNumber}, not the expected {expected}";
                break;
            }

            // Why the previous log ended no longer matters: this one carries on from it.
            stop = null;
            var usedThis = false;
            foreach (var (entry, at) in Entries(log, s => stop = s))
            {
                if (entry.SequenceNumber != expected)
                {
                    stop = $"{log.Name} entry at offset {at} has sequence number {entry.SequenceNumber}, not the expected {expected}";
                    break;
                }

                if (BaseBlock.Size + (long)entry.HiveBinsDataSize > maxFileBytes)
                {
                    stop = $"{log.Name} entry {entry.SequenceNumber} grows the hive to {entry.HiveBinsDataSize} bytes, more than its files justify";
                    break;
                }

                size = (int)entry.HiveBinsDataSize;
                if (BaseBlock.Size + size > image.Length)
                {
                    Array.Resize(ref image, BaseBlock.Size + size);
                }

                var source = at + entry.PagesDataOffset;
                foreach (var (offset, length) in entry.Pages)
                {
                    Array.Copy(log.Data, source, image, BaseBlock.Size + offset, length);
                    source += (int)length;
                }

                flags = (flags & ~1u) | (entry.Flags & 1u);
                applied.Add(entry.SequenceNumber);
                expected++;
                usedThis = true;
            }

            if (usedThis)
            {
                used.Add(log.Name);
                lastLog = log;
            }
        }

        if (applied.Count == 0)
        {
            reasons.Add("no new-format log entry could be applied" + (stop is null ? string.Empty : ": " + stop));
            return null;
        }

        // The base block: the primary's (or the log's copy when the primary's is damaged), now clean and
        // one past the last entry applied, as Windows leaves it after recovery.
        var block = new byte[BaseBlock.Size];
        if (baseFromLog)
        {
            Array.Copy(lastLog!.Data, block, BaseBlock.LogCopySize);
        }
        else
        {
            Array.Copy(primary, block, BaseBlock.Size);
        }

        if (image.Length != BaseBlock.Size + size)
        {
            Array.Resize(ref image, BaseBlock.Size + size);
        }

        var recovered = BaseBlock.Parse(block);
        recovered.FileType = HiveFileType.Primary;
        recovered.PrimarySequenceNumber = recovered.SecondarySequenceNumber = expected;
        recovered.HiveBinsDataSize = (uint)size;
        recovered.RootCellOffset = lastLog!.Header!.RootCellOffset;
        recovered.MinorVersion = lastLog.Header.MinorVersion;
        recovered.Flags = flags;
        recovered.Write(block);
        Array.Copy(block, image, BaseBlock.Size);
        return new Result(image, size, new HiveRecovery(HiveLogFormat.New, used, applied, baseFromLog, stop));
    }

    private static Result? ReplayOld(byte[] primary, BaseBlock header, List<LogFile> logs, long maxFileBytes, List<string> reasons)
    {
        // Which log applies: one written at or after the primary's last written timestamp (with a damaged
        // base block, the first bin's copy of it).
        var timestamp = header.ChecksumValid
            ? header.LastWrittenFileTime
            : primary.Length >= BaseBlock.Size + HiveBin.HeaderSize ? HiveBin.Parse(primary.AsSpan(BaseBlock.Size)).TimestampFileTime : 0;

        // When several logs qualify, the newest (by its sequence number) holds the last write.
        logs.Sort((a, b) => a.Header!.PrimarySequenceNumber == b.Header!.PrimarySequenceNumber ? 0 : SerialGreater(a.Header.PrimarySequenceNumber, b.Header.PrimarySequenceNumber) ? -1 : 1);
        foreach (var log in logs)
        {
            // The spec asks for equal timestamps; with a damaged base block the first bin's copy can be
            // older than the log's (BadBaseBlockHive), so, as yarp does, a log not older than it applies.
            if (log.Header!.LastWrittenFileTime < timestamp)
            {
                reasons.Add($"{log.Name}: it is older than the primary file, so it belongs to an earlier write");
                continue;
            }

            var hiveBinsSize = log.Header.HiveBinsDataSize;
            if (BaseBlock.Size + (long)hiveBinsSize > maxFileBytes)
            {
                reasons.Add($"{log.Name}: its hive bins size {hiveBinsSize} is more than the files justify");
                continue;
            }

            var vector = DirtyVector.TryParse(log.Data, hiveBinsSize, out var problem);
            if (vector is null)
            {
                reasons.Add($"{log.Name}: {problem}");
                continue;
            }

            var image = CopyImage(primary, hiveBinsSize);
            var source = vector.PagesOffset;
            var pages = (int)(hiveBinsSize / DirtyVector.PageSize);
            for (var page = 0; page < pages; page++)
            {
                if (vector.IsDirty(page))
                {
                    Array.Copy(log.Data, source, image, BaseBlock.Size + (page * DirtyVector.PageSize), DirtyVector.PageSize);
                    source += DirtyVector.PageSize;
                }
            }

            var block = new byte[BaseBlock.Size];
            var baseFromLog = !header.ChecksumValid;
            if (baseFromLog)
            {
                Array.Copy(log.Data, block, BaseBlock.LogCopySize);
            }
            else
            {
                Array.Copy(primary, block, BaseBlock.Size);
            }

            var recovered = BaseBlock.Parse(block);
            recovered.FileType = HiveFileType.Primary;
            recovered.PrimarySequenceNumber = recovered.SecondarySequenceNumber = log.Header.PrimarySequenceNumber + 1;
            recovered.HiveBinsDataSize = hiveBinsSize;
            recovered.RootCellOffset = log.Header.RootCellOffset;
            recovered.MinorVersion = log.Header.MinorVersion;
            recovered.MajorVersion = log.Header.MajorVersion;
            recovered.LastWrittenFileTime = log.Header.LastWrittenFileTime;
            recovered.Write(block);
            Array.Copy(block, image, BaseBlock.Size);
            return new Result(image, (int)hiveBinsSize, new HiveRecovery(HiveLogFormat.Old, new[] { log.Name }, Array.Empty<uint>(), baseFromLog, null));
        }

        return null;
    }

    /// <summary>New-format logs whose header is not older than <paramref name="expected"/>, oldest first.</summary>
    private static List<LogFile> Ordered(IReadOnlyList<LogFile> logs, uint expected)
    {
        var list = new List<LogFile>();
        foreach (var log in logs)
        {
            if (log.IsNewFormat && !SerialGreater(expected, log.Header!.PrimarySequenceNumber))
            {
                list.Add(log);
            }
        }

        list.Sort((a, b) => a.Header!.PrimarySequenceNumber == b.Header!.PrimarySequenceNumber ? 0 : SerialGreater(a.Header.PrimarySequenceNumber, b.Header.PrimarySequenceNumber) ? 1 : -1);
        return list;
    }

    /// <summary>The valid entries of a new-format log from offset 512, stopping at the first invalid one.</summary>
    private static IEnumerable<(LogEntry Entry, int Offset)> Entries(LogFile log, Action<string>? stopped = null)
    {
        var at = BaseBlock.LogCopySize;
        while (at < log.Data.Length)
        {
            var entry = LogEntry.TryParse(log.Data.AsSpan(at), out var problem);
            if (entry is null)
            {
                // Past the last entry there is normally old data or zeros; a damaged entry looks the same.
                if (problem != "no 'HvLE' signature")
                {
                    stopped?.Invoke($"{log.Name} entry at offset {at}: {problem}");
                }

                yield break;
            }

            yield return (entry, at);
            at += (int)entry.Size;
        }
    }

    /// <summary>a is after b in 32-bit serial number arithmetic (sequence numbers wrap).</summary>
    private static bool SerialGreater(uint a, uint b) => a != b && (a - b) < 0x80000000u;

    private static byte[] CopyImage(byte[] primary, uint hiveBinsSize)
    {
        var length = (int)Math.Max(BaseBlock.Size + (long)hiveBinsSize, BaseBlock.Size);
        var image = new byte[length];
        Array.Copy(primary, image, Math.Min(primary.Length, length));
        return image;
    }
}
