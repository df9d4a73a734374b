using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Registry;

/// <summary>
/// Dirty hives: detection, refusal to edit, and transaction log replay, on logs built here (new and old
/// format, with bad hashes, gaps, stale and oversized entries) and on the yarp corpus, whose recovered
/// hives are what Windows 10 and Windows 7 made of the same files.
/// </summary>
public class HiveLogReplayTests
{
    private const string Yarp = "yarp/hives_for_tests/";

    [Fact]
    public void A_dirty_hive_is_read_but_not_edited_or_saved()
    {
        var (primary, _, _) = Scenario();
        var hive = RegistryHive.Open(primary);
        Assert.True(hive.IsDirty);
        Assert.Equal(HiveDirtyReasons.SequenceNumbersDiffer, hive.DirtyReasons);
        Assert.NotNull(hive.GetKey("Base"));
        var error = Assert.Throws<ImageOpsException>(() => hive.Apply(new RegistryEditPlan().CreateKey("x")));
        Assert.Equal("HiveDirty", error.ErrorId);
        Assert.Equal(ErrorKind.InvalidOperation, error.Kind);
        Assert.Contains("sequence numbers differ", error.Message);
        using var folder = new TempFolder("regf-dirty");
        Assert.Equal("HiveDirty", Assert.Throws<ImageOpsException>(() => hive.Save(folder.Combine("x"))).ErrorId);
        Assert.False(File.Exists(folder.Combine("x")));
    }

    [Fact]
    public void New_format_entries_are_replayed_in_sequence_to_what_was_written()
    {
        var (primary, images, entries) = Scenario();
        var log = NewLog(images[0], 1, entries[0], entries[1]);
        var hive = Replay(primary, log1: log);
        Assert.False(hive.IsDirty);
        Assert.Equal(HiveDirtyReasons.SequenceNumbersDiffer, hive.DirtyReasons);
        Assert.Equal(HiveLogFormat.New, hive.Recovery!.Format);
        Assert.Equal(new uint[] { 1, 2 }, hive.Recovery.SequenceNumbersApplied);
        Assert.Equal(new[] { "LOG1" }, hive.Recovery.LogsApplied);
        AssertBins(images[2], hive.ToArray());
        Assert.Equal(3u, hive.PrimarySequenceNumber);
        Assert.Equal(3u, hive.SecondarySequenceNumber);
        Assert.NotNull(hive.GetKey(@"Second\Deep"));
        RegistryTestHives.AssertConsistent(hive);

        // The recovered hive is clean: it can be edited and saved.
        hive.Apply(new RegistryEditPlan().SetDWord("Third", "v", 3));
        Assert.Equal(3u, hive.Reopen().OpenKey("Third").GetValue("v")!.GetDWord());
    }

    [Fact]
    public void Entries_split_across_LOG1_and_LOG2_are_taken_in_sequence_order_whichever_stream_holds_them()
    {
        var (primary, images, entries) = Scenario();
        var first = NewLog(images[0], 1, entries[0]);
        var second = NewLog(images[1], 2, entries[1]);
        foreach (var (log1, log2) in new[] { (first, second), (second, first) })
        {
            var hive = Replay(primary, log1, log2);
            Assert.Equal(new uint[] { 1, 2 }, hive.Recovery!.SequenceNumbersApplied);
            AssertBins(images[2], hive.ToArray());
        }
    }

    [Fact]
    public void A_bad_hash_stops_replay_at_the_last_good_entry()
    {
        var (primary, images, entries) = Scenario();
        var damaged = (byte[])entries[1].Clone();
        damaged[LogEntry.HeaderSize + 100] ^= 0x40; // inside the pages: hash 1 no longer matches
        var hive = Replay(primary, NewLog(images[0], 1, entries[0], damaged));
        Assert.Equal(new uint[] { 1 }, hive.Recovery!.SequenceNumbersApplied);
        Assert.Contains("hash 1", hive.Recovery.StopReason);
        AssertBins(images[1], hive.ToArray());

        var header = (byte[])entries[1].Clone();
        header[LogEntry.FlagsOffset + 1] ^= 1; // a header field: hash 2 no longer matches
        hive = Replay(primary, NewLog(images[0], 1, entries[0], header));
        Assert.Equal(new uint[] { 1 }, hive.Recovery!.SequenceNumbersApplied);
        Assert.Contains("hash 2", hive.Recovery.StopReason);

        // A bad first entry leaves nothing to apply: the hive cannot be recovered.
        var bad = (byte[])entries[0].Clone();
        bad[LogEntry.HeaderSize + 8] ^= 1;
        var error = Assert.IsType<CorruptImageException>(Hostile.Refused(() => Replay(primary, NewLog(images[0], 1, bad, entries[1]))));
        Assert.Equal("HiveRecoveryFailed", error.ErrorId);
        Assert.Contains("hash 1", error.Message);
    }

    [Fact]
    public void A_gap_in_sequence_numbers_stops_replay()
    {
        var (primary, images, entries) = Scenario();
        var later = Rebuild(entries[1], sequence: 3);
        var hive = Replay(primary, NewLog(images[0], 1, entries[0], later));
        Assert.Equal(new uint[] { 1 }, hive.Recovery!.SequenceNumbersApplied);
        Assert.Contains("not the expected 2", hive.Recovery.StopReason);

        // A second log that does not continue where the first ended is not used.
        hive = Replay(primary, NewLog(images[0], 1, entries[0]), NewLog(images[1], 3, later));
        Assert.Equal(new[] { "LOG1" }, hive.Recovery!.LogsApplied);
    }

    [Fact]
    public void A_log_older_than_the_primary_is_not_used()
    {
        var (primary, images, entries) = Scenario();
        var stale = Rebuild(entries[0], sequence: 0);
        var error = Hostile.Refused(() => Replay(primary, NewLog(images[0], 0, stale)));
        Assert.Equal("HiveRecoveryFailed", error.ErrorId);
    }

    [Fact]
    public void Logs_that_are_not_logs_are_named_in_the_error()
    {
        var (primary, images, _) = Scenario();
        var notALog = new byte[4096];
        var emptyLog = Array.Empty<byte>();
        var primaryAsLog = images[0];
        var error = Hostile.Refused(() => RegistryHive.Open(primary, new RegistryHiveOpenOptions
        {
            Recovery = HiveRecoveryMode.ReplayLogs,
            Log1 = new MemoryStream(notALog),
            Log2 = new MemoryStream(emptyLog),
            Log = new MemoryStream(primaryAsLog),
        }));
        Assert.Equal("HiveRecoveryFailed", error.ErrorId);
        Assert.Contains("LOG1: it has no 'regf' signature", error.Message);
        Assert.Contains("LOG2: it is empty", error.Message);
        Assert.Contains("LOG: its file type 0 is not a transaction log", error.Message);
    }

    [Fact]
    public void An_entry_that_grows_the_hive_beyond_what_the_files_justify_is_not_applied()
    {
        var (primary, images, _) = Scenario();
        var page = new byte[4096];
        var huge = LogEntry.Build(1, 0x7FE00000, 0, new[] { (0x7FD00000u, page) });
        var error = Hostile.Refused(() => Replay(primary, NewLog(images[0], 1, huge)), maxAllocatedBytes: 32L << 20);
        Assert.Equal("HiveRecoveryFailed", error.ErrorId);
        Assert.Contains("more than its files justify", error.Message);
    }

    [Fact]
    public void A_damaged_primary_base_block_is_recovered_from_the_log()
    {
        var (primary, images, entries) = Scenario();
        var damaged = (byte[])primary.Clone();
        damaged[BaseBlock.RootCellOffsetOffset + 1] ^= 0x55;
        Assert.Equal("HiveBaseBlockInvalid", Hostile.Refused(() => RegistryHive.Open(damaged)).ErrorId);

        // The entries hold only the pages that changed; the others come from the primary file.
        Assert.True(entries.Sum(e => LogEntry.TryParse(e, out _)!.Pages.Length) < (images[2].Length - BaseBlock.Size) / 4096);
        var hive = Replay(damaged, NewLog(images[0], 1, entries[0], entries[1]));
        Assert.True(hive.Recovery!.BaseBlockFromLog);
        Assert.Equal(HiveDirtyReasons.BaseBlockChecksumInvalid, hive.DirtyReasons);
        AssertBins(images[2], hive.ToArray());
        RegistryTestHives.AssertConsistent(hive);
    }

    [Fact]
    public void A_clean_hive_with_pending_log_entries_is_dirty_until_Windows_rules_are_asked_for()
    {
        var (_, images, entries) = Scenario();
        var clean = (byte[])images[0].Clone(); // sequence numbers 1/1
        var log = NewLog(images[0], 1, entries[0], entries[1]);
        var hive = RegistryHive.Open(clean, new RegistryHiveOpenOptions { Log1 = new MemoryStream(log) });
        Assert.True(hive.IsDirty);
        Assert.Equal(HiveDirtyReasons.PendingLogEntries, hive.DirtyReasons);
        Assert.Equal("HiveDirty", Assert.Throws<ImageOpsException>(() => hive.Apply(new RegistryEditPlan().CreateKey("x"))).ErrorId);

        // Windows ignores the logs of a clean hive; with replay asked for, so do we, and say so.
        hive = RegistryHive.Open(clean, new RegistryHiveOpenOptions { Log1 = new MemoryStream(log), Recovery = HiveRecoveryMode.ReplayLogs });
        Assert.False(hive.IsDirty);
        Assert.Null(hive.Recovery);
        Assert.Equal(HiveDirtyReasons.PendingLogEntries, hive.DirtyReasons);
        AssertBins(images[0], hive.ToArray());

        // Entries older than the hive are history, not pending.
        var saved = RegistryHive.Open(images[2]);
        var newer = saved.ToArray();
        Patch(newer, seq1: 5, seq2: 5);
        Assert.False(RegistryHive.Open(newer, new RegistryHiveOpenOptions { Log1 = new MemoryStream(log) }).IsDirty);
    }

    [Fact]
    public void Old_format_dirty_pages_are_written_back()
    {
        var (primary, images, _) = Scenario();
        var log = OldLog(images[0], images[2], logSequence: 2);
        var hive = RegistryHive.Open(primary, new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs, Log = new MemoryStream(log) });
        Assert.Equal(HiveLogFormat.Old, hive.Recovery!.Format);
        Assert.Equal(new[] { "LOG" }, hive.Recovery.LogsApplied);
        AssertBins(images[2], hive.ToArray());
        Assert.Equal(3u, hive.PrimarySequenceNumber);
        RegistryTestHives.AssertConsistent(hive);

        // Of two applicable logs, the newer one (higher sequence number) is used, whichever stream holds it.
        var earlier = OldLog(images[0], images[1], logSequence: 2);
        var later = OldLog(images[0], images[2], logSequence: 3);
        foreach (var (a, b) in new[] { (earlier, later), (later, earlier) })
        {
            var both = RegistryHive.Open(primary, new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs, Log1 = new MemoryStream(a), Log2 = new MemoryStream(b) });
            AssertBins(images[2], both.ToArray());
        }

        // A log from an earlier write (older timestamp) does not apply; nor does one cut short.
        var older = (byte[])log.Clone();
        BinaryPrimitives.WriteInt64LittleEndian(older.AsSpan(BaseBlock.LastWrittenOffset), 1);
        FixChecksum(older);
        Assert.Contains("older than the primary", Hostile.Refused(() => RegistryHive.Open(primary, new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs, Log = new MemoryStream(older) })).Message);
        var truncated = log.AsSpan(0, log.Length - 512).ToArray();
        Assert.Contains("fewer than the", Hostile.Refused(() => RegistryHive.Open(primary, new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs, Log = new MemoryStream(truncated) })).Message);
        var noVector = (byte[])log.Clone();
        noVector[DirtyVector.Offset] = (byte)'X';
        Assert.Contains("no 'DIRT' signature", Hostile.Refused(() => RegistryHive.Open(primary, new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs, Log = new MemoryStream(noVector) })).Message);
    }

    [Fact]
    public void Replay_finds_logs_beside_a_hive_file_in_any_letter_case()
    {
        var (primary, images, entries) = Scenario();
        using var folder = new TempFolder("regf-logs");
        var path = folder.Combine("SYSTEM");
        File.WriteAllBytes(path, primary);
        File.WriteAllBytes(folder.Combine("system.log1"), NewLog(images[0], 1, entries[0]));
        File.WriteAllBytes(folder.Combine("SYSTEM.LOG2"), NewLog(images[1], 2, entries[1]));
        Assert.Equal(new[] { "LOG1", "LOG2" }, RegistryHive.FindLogFiles(path).Select(l => l.Kind));

        var hive = RegistryHive.OpenFile(path, new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs });
        AssertBins(images[2], hive.ToArray());

        // Nothing on disk was touched by the replay; saving writes the primary only.
        Assert.Equal(primary, File.ReadAllBytes(path));
        hive.Save(path);
        var saved = RegistryHive.OpenFile(path, new RegistryHiveOpenOptions { FindLogFiles = false });
        Assert.False(saved.IsDirty);
        Assert.Equal(4u, saved.PrimarySequenceNumber);
        Assert.Equal(4u, saved.SecondarySequenceNumber);

        // Windows ignores the old logs of the now clean hive; so do we.
        Assert.False(RegistryHive.OpenFile(path).IsDirty);
    }

    [SkippableFact]
    public void NewDirtyHive1_replays_to_exactly_the_hive_Windows_10_recovered()
    {
        var folder = Path.Combine(External.Corpus(), "hives", Yarp, "NewDirtyHive1");
        var before = RegistryHive.OpenFile(Path.Combine(folder, "NewDirtyHive"), new RegistryHiveOpenOptions { FindLogFiles = false });
        Assert.True(before.IsDirty);
        Assert.Equal(new string('1', 6000), before.OpenKey("Key1").GetValue(string.Empty)!.GetString());
        Assert.Equal("testTEST", before.OpenKey("KEY2").GetValue("V")!.GetString());
        Assert.Equal(18, before.OpenKey("key2").GetValue("v")!.DataLength);
        Assert.NotNull(before.GetKey(@"Key2\Key2_1"));
        Assert.NotNull(before.GetKey(@"key2\key2_2"));

        var windows = File.ReadAllBytes(Path.Combine(folder, "RecoveredHive_Windows10"));
        var log1 = File.ReadAllBytes(Path.Combine(folder, "NewDirtyHive.LOG1"));
        var log2 = File.ReadAllBytes(Path.Combine(folder, "NewDirtyHive.LOG2"));
        foreach (var (a, b) in new[] { (log1, log2), (log2, log1) })
        {
            var hive = RegistryHive.Open(File.ReadAllBytes(Path.Combine(folder, "NewDirtyHive")), new RegistryHiveOpenOptions
            {
                Recovery = HiveRecoveryMode.ReplayLogs,
                Log1 = new MemoryStream(a),
                Log2 = new MemoryStream(b),
            });
            Assert.Equal(new uint[] { 2, 3, 4, 5 }, hive.Recovery!.SequenceNumbersApplied);
            var ours = hive.ToArray();

            // Byte for byte, base block included (sequence numbers 6/6, checksum); Windows' file then
            // carries zero padding to 256 KiB.
            Assert.Equal(windows.AsSpan(0, ours.Length).ToArray(), ours);
            Assert.All(windows.Skip(ours.Length), b => Assert.Equal(0, b));

            Assert.Null(hive.GetKey("Key1"));
            Assert.Null(hive.GetKey(@"Key2\Key2_1"));
            Assert.NotNull(hive.GetKey(@"Key3\Key3_1"));
            Assert.NotNull(hive.GetKey(@"key3\key3_3"));
            Assert.Equal(new string('1', 1440), hive.OpenKey("Key3").GetValue(string.Empty)!.GetString());
        }
    }

    [SkippableFact]
    public void NewDirtyHive1_with_a_damaged_entry_stops_at_the_last_good_one()
    {
        var folder = Path.Combine(External.Corpus(), "hives", Yarp, "NewDirtyHive1");
        var log2 = File.ReadAllBytes(Path.Combine(folder, "NewDirtyHive.LOG2"));
        var second = 512 + (int)BinaryPrimitives.ReadUInt32LittleEndian(log2.AsSpan(512 + LogEntry.SizeOffset));
        log2[second + LogEntry.HeaderSize + 64] ^= 0xFF;
        var hive = RegistryHive.Open(File.ReadAllBytes(Path.Combine(folder, "NewDirtyHive")), new RegistryHiveOpenOptions
        {
            Recovery = HiveRecoveryMode.ReplayLogs,
            Log1 = File.OpenRead(Path.Combine(folder, "NewDirtyHive.LOG1")),
            Log2 = new MemoryStream(log2),
        });
        Assert.Equal(new uint[] { 2, 3 }, hive.Recovery!.SequenceNumbersApplied);
        Assert.Contains("hash 1", hive.Recovery.StopReason);
        Assert.Equal(4u, hive.PrimarySequenceNumber);
    }

    [SkippableFact]
    public void NewDirtyHive2_applies_only_LOG2_as_Windows_does()
    {
        var hive = RegistryHive.OpenFile(Path.Combine(External.Corpus(), "hives", Yarp, "NewDirtyHive2", "NewDirtyHive"), new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs });
        Assert.Equal(new[] { "LOG2" }, hive.Recovery!.LogsApplied);
        Assert.Equal(new uint[] { 3, 4, 5 }, hive.Recovery.SequenceNumbersApplied);
        Assert.Equal(6u, hive.PrimarySequenceNumber);
        Assert.True(hive.Check().IsConsistent);
    }

    [SkippableFact]
    public void OldDirtyHive_replays_to_the_hive_Windows_7_recovered()
    {
        var folder = Path.Combine(External.Corpus(), "hives", Yarp, "OldDirtyHive");
        var before = RegistryHive.OpenFile(Path.Combine(folder, "OldDirtyHive"), new RegistryHiveOpenOptions { FindLogFiles = false });
        Assert.NotNull(before.GetKey(@"\key_with_many_subkeys\1"));
        Assert.Null(before.GetKey(@"key_with_many_subkeys\5000\find_me_in_log"));
        Assert.Null(before.OpenKey(@"key_with_many_subkeys\4500").GetValue("v"));

        var hive = RegistryHive.OpenFile(Path.Combine(folder, "OldDirtyHive"), new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs });
        Assert.Equal(HiveLogFormat.Old, hive.Recovery!.Format);
        Assert.Equal(new[] { "LOG1" }, hive.Recovery.LogsApplied);
        Assert.Null(hive.GetKey(@"\key_with_many_subkeys\1"));
        Assert.Equal(new[] { "a", "bb", "ccc" }, hive.OpenKey(@"key_with_many_subkeys\4500").GetValue("V")!.GetMultiString());

        // Windows 7 wrote the recovered hive itself (other sequence numbers and timestamps, bins of its own):
        // the same keys and values, and the same last-written time on the key the log created.
        var windows = RegistryHive.OpenFile(Path.Combine(folder, "RecoveredHive_Windows7"), new RegistryHiveOpenOptions { FindLogFiles = false });
        Hivex.AssertSame(Hivex.Model(windows), Hivex.Model(hive));
        Assert.Equal(
            windows.OpenKey(@"key_with_many_subkeys\5000\find_me_in_log").LastWriteTimeUtc,
            hive.OpenKey(@"key_with_many_subkeys\5000\find_me_in_log").LastWriteTimeUtc);
        RegistryTestHives.AssertConsistent(hive);
    }

    [SkippableFact]
    public void BadBaseBlockHive_gets_its_base_block_from_the_old_log()
    {
        var path = Path.Combine(External.Corpus(), "hives", Yarp, "BadBaseBlockHive", "BadBaseBlockHive");
        var hive = RegistryHive.OpenFile(path, new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs });
        Assert.True(hive.Recovery!.BaseBlockFromLog);
        Assert.Equal(HiveLogFormat.Old, hive.Recovery.Format);
        Assert.Equal(3, hive.MinorVersion); // the damaged block said 1.1
        Assert.NotNull(hive.GetKey("key_with_many_subkeys"));
        Assert.True(hive.Check().IsConsistent);
    }

    [SkippableTheory]
    [InlineData("BadLogHive1", "LOG1: its base block checksum is wrong")]
    [InlineData("BadLogHive2", "LOG1: no 'DIRT' signature")]
    [InlineData("BadLogHive3", "its base block checksum is wrong")]
    public void Damaged_logs_are_refused_and_the_hive_stays_unrecovered(string name, string reason)
    {
        var path = Path.Combine(External.Corpus(), "hives", Yarp, name, "BadLogHive");
        var error = Assert.IsType<CorruptImageException>(Hostile.Refused(() => RegistryHive.OpenFile(path, new RegistryHiveOpenOptions { Recovery = HiveRecoveryMode.ReplayLogs })));
        Assert.Equal("HiveRecoveryFailed", error.ErrorId);
        Assert.Contains(reason, error.Message);
        Assert.True(RegistryHive.OpenFile(path).IsDirty);
    }

    /// <summary>
    /// Three states of one hive (image 0: clean at sequence 1; images 1 and 2: after two edits, the last
    /// growing the hive), the primary as a write left it (image 0 with sequence numbers 2/1), and the two
    /// new-format log entries (sequence 1 and 2) that take it from image 0 to 1 to 2.
    /// </summary>
    private static (byte[] Primary, byte[][] Images, byte[][] Entries) Scenario()
    {
        var hive = RegistryTestHives.Empty().With(plan => plan.SetString("Base", "v", "base").SetBinary("Base", "bulk", RegistryTestHives.Bytes(30_000, 1)).CreateKey("Other"));
        var images = new byte[3][];
        images[0] = hive.ToArray();
        hive.Apply(new RegistryEditPlan().SetDWord(@"Second\Deep", "n", 2).DeleteKey("Other"));
        images[1] = hive.ToArray();
        hive.Apply(new RegistryEditPlan().SetBinary("Grow", "blob", RegistryTestHives.Bytes(30_000, 4)));
        images[2] = hive.ToArray();

        var entries = new[]
        {
            LogEntry.Build(1, Size(images[1]), 0, Pages(images[0], images[1])),
            LogEntry.Build(2, Size(images[2]), 0, Pages(images[1], images[2])),
        };
        var primary = (byte[])images[0].Clone();
        Patch(primary, seq1: 2, seq2: 1);
        return (primary, images, entries);
    }

    private static uint Size(byte[] image) => (uint)(image.Length - BaseBlock.Size);

    /// <summary>The 4 KiB pages of <paramref name="after"/>'s hive bins that differ from <paramref name="before"/>'s.</summary>
    private static (uint Offset, byte[] Data)[] Pages(byte[] before, byte[] after)
    {
        var pages = new List<(uint, byte[])>();
        for (var at = BaseBlock.Size; at < after.Length; at += 4096)
        {
            var page = after.AsSpan(at, 4096);
            if (at + 4096 > before.Length || !page.SequenceEqual(before.AsSpan(at, 4096)))
            {
                pages.Add(((uint)(at - BaseBlock.Size), page.ToArray()));
            }
        }

        return pages.ToArray();
    }

    private static byte[] Rebuild(byte[] entry, uint sequence)
    {
        var parsed = LogEntry.TryParse(entry, out _)!;
        var pages = new List<(uint, byte[])>();
        var at = parsed.PagesDataOffset;
        foreach (var (offset, size) in parsed.Pages)
        {
            pages.Add((offset, entry.AsSpan(at, (int)size).ToArray()));
            at += (int)size;
        }

        return LogEntry.Build(sequence, parsed.HiveBinsDataSize, parsed.Flags, pages.ToArray());
    }

    /// <summary>A new-format log: the image's base block copy (type 6, both sequence numbers = <paramref name="sequence"/>), then the entries.</summary>
    private static byte[] NewLog(byte[] image, uint sequence, params byte[][] entries)
    {
        var log = new byte[BaseBlock.LogCopySize + entries.Sum(e => e.Length) + 1024];
        image.AsSpan(0, BaseBlock.LogCopySize).CopyTo(log);
        Patch(log, sequence, sequence, HiveFileType.NewLog);
        var at = BaseBlock.LogCopySize;
        foreach (var entry in entries)
        {
            entry.CopyTo(log, at);
            at += entry.Length;
        }

        return log;
    }

    /// <summary>An old-format log taking <paramref name="before"/> to <paramref name="after"/>: base block copy, dirty vector, dirty 512-byte pages.</summary>
    private static byte[] OldLog(byte[] before, byte[] after, uint logSequence)
    {
        var hiveBins = after.Length - BaseBlock.Size;
        var bitmap = new byte[hiveBins / 512 / 8];
        var pages = new List<byte[]>();
        for (var page = 0; page < hiveBins / 512; page++)
        {
            var at = BaseBlock.Size + (page * 512);
            if (at + 512 > before.Length || !after.AsSpan(at, 512).SequenceEqual(before.AsSpan(at, 512)))
            {
                bitmap[page / 8] |= (byte)(1 << (page % 8));
                pages.Add(after.AsSpan(at, 512).ToArray());
            }
        }

        var pagesAt = (512 + 4 + bitmap.Length + 511) / 512 * 512;
        var log = new byte[pagesAt + (pages.Count * 512)];
        after.AsSpan(0, 512).CopyTo(log);
        Patch(log, logSequence, logSequence, HiveFileType.OldLog);
        BinaryPrimitives.WriteUInt32LittleEndian(log.AsSpan(512), DirtyVector.SignatureValue);
        bitmap.CopyTo(log, 516);
        for (var i = 0; i < pages.Count; i++)
        {
            pages[i].CopyTo(log, pagesAt + (i * 512));
        }

        return log;
    }

    private static void Patch(byte[] block, uint seq1, uint seq2, HiveFileType type = HiveFileType.Primary)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(BaseBlock.PrimarySequenceOffset), seq1);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(BaseBlock.SecondarySequenceOffset), seq2);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(BaseBlock.FileTypeOffset), (uint)type);
        FixChecksum(block);
    }

    private static void FixChecksum(byte[] block)
        => BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(BaseBlock.ChecksumOffset), BaseBlock.ComputeChecksum(block));

    private static RegistryHive Replay(byte[] primary, byte[]? log1 = null, byte[]? log2 = null)
        => RegistryHive.Open(primary, new RegistryHiveOpenOptions
        {
            Recovery = HiveRecoveryMode.ReplayLogs,
            Log1 = log1 is null ? null : new MemoryStream(log1),
            Log2 = log2 is null ? null : new MemoryStream(log2),
        });

    private static void AssertBins(byte[] expected, byte[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.AsSpan(BaseBlock.Size).SequenceEqual(actual.AsSpan(BaseBlock.Size)), "the hive bins differ");
    }
}
