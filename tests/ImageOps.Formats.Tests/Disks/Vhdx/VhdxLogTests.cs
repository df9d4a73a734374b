using System;
using System.Buffers.Binary;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using ImageOps.Tests;
using static ImageOps.Formats.Tests.Disks.Vhdx.VhdxTestImages;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>The log (MS-VHDX 2.3): finding the active sequence, replaying it in memory and in place.</summary>
public class VhdxLogTests
{
    private const int Sector = 4096;

    [Fact]
    public void A_sequence_replays_from_its_tail_in_order_and_memory_and_in_place_replays_agree()
    {
        var (image, x) = Image();
        var log = Log(image);
        var first = log.WriteEntry(0, 10, 0, new[] { (x, VhdxLogBuilder.Fill(0xA1)) });
        log.WriteEntry(first, 11, 0, new[] { (x, VhdxLogBuilder.Fill(0xB2)), (x + Sector, VhdxLogBuilder.Fill(0xC3)) });
        var bytes = image.ToArray();

        byte[] inMemory;
        using (var disk = Open(bytes))
        {
            Assert.Equal(VhdxDisk.LogReplay.InMemory, ((VhdxDisk)disk).Replay);
            inMemory = ReadAll(disk);
        }

        Assert.All(inMemory.Take(Sector), b => Assert.Equal(0xB2, b));
        Assert.All(inMemory.Skip(Sector).Take(Sector), b => Assert.Equal(0xC3, b));
        Assert.Equal(Pattern(1 << 20, 1).Skip(2 * Sector), inMemory.Skip(2 * Sector).Take((1 << 20) - (2 * Sector)));

        var storage = new MemoryBlockStorage(bytes, "/memory/test.vhdx");
        using (var disk = Open(storage, writable: true))
        {
            Assert.Equal(VhdxDisk.LogReplay.InPlace, ((VhdxDisk)disk).Replay);
            Assert.Equal(inMemory, ReadAll(disk));
        }

        using (var disk = Open(storage))
        {
            Assert.Equal(VhdxDisk.LogReplay.None, ((VhdxDisk)disk).Replay);
            Assert.Equal(Guid.Empty, ((VhdxDisk)disk).Header.LogGuid);
            Assert.Equal(inMemory, ReadAll(disk));
        }
    }

    [Fact]
    public void Entries_before_the_heads_tail_were_applied_already_and_are_not_replayed()
    {
        var (image, x) = Image();
        var log = Log(image);
        var first = log.WriteEntry(0, 10, 0, new[] { (x + Sector, VhdxLogBuilder.Fill(0xA1)) });
        log.WriteEntry(first, 11, first, new[] { (x, VhdxLogBuilder.Fill(0xB2)) });
        using var disk = Open(image.ToArray());
        var data = ReadAll(disk);
        Assert.All(data.Take(Sector), b => Assert.Equal(0xB2, b));
        Assert.Equal(Pattern(1 << 20, 1).Skip(Sector).Take(Sector), data.Skip(Sector).Take(Sector));
    }

    [Fact]
    public void An_entry_wrapping_around_the_end_of_the_log_replays()
    {
        var (image, x) = Image();
        var log = Log(image);
        var position = log.LogLength - Sector;
        log.WriteEntry(position, 5, position, new[] { (x, VhdxLogBuilder.Fill(0x5A)), (x + (3 * Sector), VhdxLogBuilder.Fill(0x6B)) });
        using var disk = Open(image.ToArray());
        var data = ReadAll(disk);
        Assert.All(data.Take(Sector), b => Assert.Equal(0x5A, b));
        Assert.All(data.Skip(3 * Sector).Take(Sector), b => Assert.Equal(0x6B, b));
    }

    [Fact]
    public void A_torn_head_leaves_the_previous_entry_active()
    {
        var (image, x) = Image();
        var log = Log(image);
        var first = log.WriteEntry(0, 10, 0, new[] { (x, VhdxLogBuilder.Fill(0xA1)) });
        log.WriteEntry(first, 11, first, new[] { (x, VhdxLogBuilder.Fill(0xB2)) }, corruptChecksum: true);
        using var disk = Open(image.ToArray());
        Assert.All(ReadAll(disk).Take(Sector), b => Assert.Equal(0xA1, b));
    }

    [Fact]
    public void Entries_of_another_log_or_whose_tail_is_not_in_their_run_are_not_replayed()
    {
        var (image, x) = Image();
        var log = Log(image);
        var first = log.WriteEntry(0, 30, 0, new[] { (x, VhdxLogBuilder.Fill(0xA1)) }, logGuid: Guid.NewGuid());
        log.WriteEntry(first, 31, 16 * Sector, new[] { (x, VhdxLogBuilder.Fill(0xB2)) });
        var bytes = image.ToArray();
        using (var disk = Open(bytes))
        {
            Assert.Equal(VhdxDisk.LogReplay.None, ((VhdxDisk)disk).Replay);
            Assert.Equal(Pattern(1 << 20, 1), ReadAll(disk));
        }

        // The LogGuid names a log with nothing to replay: a writable open just clears it.
        var storage = new MemoryBlockStorage(bytes, "/memory/test.vhdx");
        using (Open(storage, writable: true))
        {
        }

        Assert.Equal(Guid.Empty, VhdxFile.ReadHeaders(storage, "x").Current.LogGuid);
    }

    [Fact]
    public void Zero_descriptors_zero_earlier_data_and_later_data_wins_over_zeros()
    {
        var (image, x) = Image();
        var log = Log(image);
        var first = log.WriteEntry(0, 1, 0, new[] { (x + (4 * Sector), VhdxLogBuilder.Fill(0x44)), (x + (5 * Sector), VhdxLogBuilder.Fill(0x55)) });
        log.WriteEntry(first, 2, 0, new[] { (x + Sector, VhdxLogBuilder.Fill(0x11)) }, zeros: new[] { (x, 2L * Sector), (x + (5 * Sector), (long)Sector) });
        var expected = Pattern(1 << 20, 1);
        expected.AsSpan(0, Sector).Clear();
        expected.AsSpan(Sector, Sector).Fill(0x11);
        expected.AsSpan(4 * Sector, Sector).Fill(0x44);
        expected.AsSpan(5 * Sector, Sector).Clear();

        var bytes = image.ToArray();
        using (var disk = Open(bytes))
        {
            Assert.Equal(expected, ReadAll(disk));
        }

        var storage = new MemoryBlockStorage(bytes, "/memory/test.vhdx");
        using (var disk = Open(storage, writable: true))
        {
            Assert.Equal(expected, ReadAll(disk));
        }
    }

    [Fact]
    public void A_file_truncated_below_the_entrys_flushed_size_is_refused()
    {
        var (image, x) = Image();
        Log(image).WriteEntry(0, 1, 0, new[] { (x, VhdxLogBuilder.Fill(0xA1)) }, flushed: (ulong)image.Length + (1 << 20));
        var ex = Hostile.Refused(() => Open(image.ToArray()).Dispose());
        Assert.Equal("ImageTruncated", ex.ErrorId);
    }

    [Theory]
    [InlineData(64 * 1024L)]
    [InlineData(0L)]
    [InlineData(1L << 20)]
    [InlineData(1L << 50)]
    public void Entries_writing_the_headers_the_log_or_past_any_vhdx_are_refused(long target)
    {
        var (image, _) = Image();
        Log(image).WriteEntry(0, 1, 0, new[] { (target, VhdxLogBuilder.Fill(0xA1)) });
        var ex = Hostile.Refused(() => Open(image.ToArray()).Dispose());
        Assert.Equal("VhdxLogCorrupt", ex.ErrorId);
    }

    [Fact]
    public void A_log_of_decoys_cannot_make_the_search_quadratic()
    {
        var (image, _) = Image();
        var log = Log(image);

        // Every sector claims to start an entry as long as the whole log, whose checksum then fails:
        // a naive search reads the log once per sector.
        var decoy = new byte[Sector];
        new VhdxLogEntryHeader { EntryLength = (uint)log.LogLength, SequenceNumber = 1, LogGuid = log.Header.LogGuid, FlushedFileOffset = 0, LastFileOffset = 0 }.WriteTo(decoy);
        for (var s = 0L; s < log.LogLength; s += Sector)
        {
            image.WriteAt(log.LogOffset + s, decoy);
        }

        var ex = Hostile.Refused(() => Open(image.ToArray()).Dispose(), timeoutSeconds: 10);
        Assert.Equal("VhdxLogCorrupt", ex.ErrorId);
    }

    [Fact]
    public void A_log_version_other_than_zero_is_not_replayed()
    {
        var (image, x) = Image();
        var log = Log(image);
        log.WriteEntry(0, 1, 0, new[] { (x, VhdxLogBuilder.Fill(0xA1)) });
        log.SetHeader(h => h.LogVersion = 1);
        var ex = Hostile.Refused(() => Open(image.ToArray()).Dispose());
        Assert.Equal("VhdxLogVersionNotSupported", ex.ErrorId);
    }

    /// <summary>An 8 MiB dynamic disk whose first block holds a pattern; returns it and the block's file offset.</summary>
    internal static (MemoryBlockStorage Image, long BlockOffset) Image()
    {
        var (storage, disk) = CreateInMemory(8L << 20);
        disk.Write(0, Pattern(1 << 20, 1));
        disk.Dispose();
        using var reopened = (VhdxDisk)Open(storage);
        return (storage, VhdxBatEntry.FileOffset(reopened.File.Bat[0]));
    }

    /// <summary>A builder whose header names a fresh log.</summary>
    internal static VhdxLogBuilder Log(MemoryBlockStorage image) => new VhdxLogBuilder(image).SetHeader(h => h.LogGuid = Guid.NewGuid());

    private static byte[] ReadAll(VirtualDisk disk)
    {
        var bytes = new byte[1 << 20];
        disk.Read(0, bytes);
        return bytes;
    }
}
