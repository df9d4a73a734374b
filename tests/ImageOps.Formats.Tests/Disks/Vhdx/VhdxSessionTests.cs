using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vhdx;
using static ImageOps.Formats.Tests.Disks.Vhdx.VhdxTestImages;

namespace ImageOps.Formats.Tests.Disks.Vhdx;

/// <summary>
/// The log writer on its own: log entries are atomic across kills, also when the log wraps to its start
/// and when an entry larger than half the log forces a fresh LogGuid (an entry is never written over the
/// newest one).
/// </summary>
public class VhdxSessionTests
{
    private const int Sector = 4096;
    private const long Area = 16L << 20;

    [Theory]
    [InlineData(150, 5)]
    [InlineData(90, 7)]
    [InlineData(2, 140)]
    public void Each_commit_is_atomic_across_a_kill_at_any_write(int sectorsPerEntry, int commits)
    {
        var image = BaseImage();
        var plan = Enumerable.Range(0, commits).Select(c => Commit(c, sectorsPerEntry)).ToList();

        // The area after each commit, from an uninterrupted run.
        var reference = new CrashStorage(image);
        var states = new List<byte[]> { ReadArea(reference.Everything()) };
        var session = Session(reference);
        foreach (var commit in plan)
        {
            session.Commit(commit);
            states.Add(ReadArea(reference.Everything()));
        }

        var total = reference.Writes;
        var step = Math.Max(1, total / 40);
        for (var n = 1; n <= total; n += step)
        {
            var storage = new CrashStorage(image) { FailAt = n };
            var victim = Session(storage);
            var failed = -1;
            for (var c = 0; c < plan.Count && failed < 0; c++)
            {
                try
                {
                    victim.Commit(plan[c]);
                }
                catch (IOException)
                {
                    failed = c;
                }
            }

            Assert.True(failed >= 0);
            foreach (var crashed in new[] { storage.CrashImage(null), storage.CrashImage(new Random(n)), storage.Everything() })
            {
                var seen = ReadArea(crashed);
                Assert.True(seen.AsSpan().SequenceEqual(states[failed]) || seen.AsSpan().SequenceEqual(states[failed + 1]), $"killed at write {n} of {total} during commit {failed}: the area is neither before nor after it");
            }
        }
    }

    [Fact]
    public void An_entry_that_would_overwrite_the_newest_one_starts_a_fresh_log()
    {
        var image = BaseImage();
        var storage = new CrashStorage(image);
        var session = Session(storage);
        session.Commit(Commit(0, 150));
        var first = session.Header.LogGuid;
        session.Commit(Commit(1, 150));
        Assert.NotEqual(first, session.Header.LogGuid);
        session.Commit(Commit(2, 20));
        session.EndLog();
        Assert.Equal(Guid.Empty, session.Header.LogGuid);
        var area = ReadArea(storage.Everything());
        foreach (var pair in Commit(2, 20))
        {
            Assert.Equal(pair.Value, area.AsSpan((int)(pair.Key - Area), Sector).ToArray());
        }
    }

    private static VhdxSession Session(IBlockStorage storage)
    {
        var (header, slot, _, _) = VhdxFile.ReadHeaders(storage, storage.Name);
        return new VhdxSession(storage, header, slot, freshlyCreated: false);
    }

    /// <summary>A VHDX with 2 MiB of unused space at <see cref="Area"/> for the commits to write.</summary>
    private static CowStorage BaseImage()
    {
        var (storage, disk) = CreateInMemory(8L << 20);
        disk.Dispose();
        storage.SetLength(Area + (2 << 20));
        return CowStorage.From(storage);
    }

    private static Dictionary<long, byte[]> Commit(int index, int sectors)
    {
        var commit = new Dictionary<long, byte[]>();
        for (var s = 0; s < sectors; s++)
        {
            commit[Area + ((long)((s * 7) % 400) * Sector)] = Pattern(Sector, (index * 1000) + s);
        }

        return commit;
    }

    /// <summary>The area as a reader sees it: through the log's replay if one is pending.</summary>
    private static byte[] ReadArea(CowStorage file)
    {
        var header = VhdxFile.ReadHeaders(file, file.Name).Current;
        IBlockStorage view = file;
        if (header.LogGuid != Guid.Empty && new VhdxLogReader(file, file.Name, header).FindActiveSequence() is { } sequence)
        {
            view = VhdxReplayStorage.Create(file, sequence, file.Name);
        }

        var area = new byte[400 * Sector];
        view.ReadOrZero(Area, area);
        return area;
    }
}
