using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ImageOps.Engine.Storage;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Storage;

public class AtomicFileTests
{
    private static readonly string[] Steps = { "atomic:create-temp", "atomic:write", "atomic:flush", "atomic:rename" };

    [Fact]
    public void Replace_writes_content_and_leaves_no_temp_file()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("record.json");
        AtomicFile.Replace(path, Encoding.UTF8.GetBytes("one"));
        AtomicFile.Replace(path, Encoding.UTF8.GetBytes("two"));
        Assert.Equal("two", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void TryCreate_refuses_an_existing_file_and_keeps_it()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("name.json");
        Assert.True(AtomicFile.TryCreate(path, Encoding.UTF8.GetBytes("first")));
        Assert.False(AtomicFile.TryCreate(path, Encoding.UTF8.GetBytes("second")));
        Assert.Equal("first", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void TryCreate_has_exactly_one_winner_among_concurrent_writers()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("contended.json");
        var results = new bool[16];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
            results[i] = AtomicFile.TryCreate(path, Encoding.UTF8.GetBytes("writer " + i)));

        Assert.Equal(1, results.Count(r => r));
        var winner = Array.IndexOf(results, true);
        Assert.Equal("writer " + winner, File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Theory]
    [MemberData(nameof(StepNames))]
    public void A_crash_at_any_step_leaves_the_old_content_whole(string step)
    {
        using var dir = new TempFolder();
        var path = dir.Combine("record.json");
        AtomicFile.Replace(path, Encoding.UTF8.GetBytes("old content"));

        WithFault(step, FaultAction.Crash, () =>
            Assert.Throws<SimulatedCrashException>(() => AtomicFile.Replace(path, Encoding.UTF8.GetBytes("new content"))));

        Assert.Equal("old content", File.ReadAllText(path));

        // Whatever a killed writer left behind is recognisable as a temp file, never as a record.
        var leftovers = Directory.GetFiles(dir.Path).Where(f => f != path).ToList();
        Assert.All(leftovers, f => Assert.True(TempFiles.IsTempName(Path.GetFileName(f)), f));
    }

    [Theory]
    [MemberData(nameof(StepNames))]
    public void A_crash_during_create_leaves_no_file_under_the_final_name(string step)
    {
        using var dir = new TempFolder();
        var path = dir.Combine("new.json");
        WithFault(step, FaultAction.Crash, () =>
            Assert.Throws<SimulatedCrashException>(() => AtomicFile.TryCreate(path, Encoding.UTF8.GetBytes("content"))));
        Assert.False(File.Exists(path));
    }

    [Theory]
    [MemberData(nameof(StepNames))]
    public void An_io_error_at_any_step_removes_the_temp_file_and_keeps_the_old_content(string step)
    {
        using var dir = new TempFolder();
        var path = dir.Combine("record.json");
        AtomicFile.Replace(path, Encoding.UTF8.GetBytes("old content"));
        WithFault(step, FaultAction.IOError, () =>
            Assert.Throws<IOException>(() => AtomicFile.Replace(path, Encoding.UTF8.GetBytes("new content"))));

        Assert.Equal("old content", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void A_crash_after_the_rename_has_committed_the_new_content()
    {
        using var dir = new TempFolder();
        var path = dir.Combine("record.json");
        AtomicFile.Replace(path, Encoding.UTF8.GetBytes("old"));
        WithFault("atomic:after-rename", FaultAction.Crash, () =>
            Assert.Throws<SimulatedCrashException>(() => AtomicFile.Replace(path, Encoding.UTF8.GetBytes("new"))));
        Assert.Equal("new", File.ReadAllText(path));
    }

    [Fact]
    public void Sweep_removes_temp_files_of_dead_processes_only()
    {
        using var dir = new TempFolder();
        var final = dir.Combine("record.json");
        var host = TempFiles.HostTag;
        var deadPid = DeadProcessId();

        var dead = dir.Combine($".record.json.{host}-{deadPid}-0123abcd.tmp");
        var alive = TempFiles.NewPathFor(final);
        var foreignFresh = dir.Combine(".record.json.otherhost-42-89abcdef.tmp");
        var foreignOld = dir.Combine(".record.json.otherhost-43-89abcdef.tmp");
        var unrelated = dir.Combine(".notes.tmp");
        foreach (var f in new[] { dead, alive, foreignFresh, foreignOld, unrelated })
        {
            File.WriteAllText(f, "x");
        }

        File.SetLastWriteTimeUtc(foreignOld, DateTime.UtcNow - TempFiles.ForeignHostGrace - TimeSpan.FromMinutes(1));

        Assert.Equal(2, TempFiles.SweepAbandoned(dir.Path));
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(foreignOld));
        Assert.True(File.Exists(alive));
        Assert.True(File.Exists(foreignFresh));
        Assert.True(File.Exists(unrelated));
    }

    public static TheoryData<string> StepNames()
    {
        var data = new TheoryData<string>();
        foreach (var step in Steps)
        {
            data.Add(step);
        }

        return data;
    }

    internal static void WithFault(string step, FaultAction action, Action body)
    {
        FaultInjection.Hook = s => s == step ? action : FaultAction.None;
        try
        {
            body();
        }
        finally
        {
            FaultInjection.Hook = null;
        }
    }

    internal static int DeadProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
