using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Newtonsoft.Json.Linq;
using ImageOps.Tests;

namespace ImageOps.Cli.Tests;

/// <summary>
/// Real processes against one library (issue 2, "done when"): no lost update, one winner per name,
/// records that always parse, and a process killed mid-write that leaves nothing partial.
/// </summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempFolder _dir = new("race");

    private string Library => _dir.Combine("library");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Eight_processes_creating_and_removing_different_pools_leave_a_consistent_library()
    {
        var creators = Enumerable.Range(0, 8)
            .Select(i => Cli.Start("--library", Library, "pool", "new", "--name", "P" + i, "--path", _dir.Combine("p" + i), "--json"))
            .ToList();
        var created = creators.Select(Cli.Finish).ToList();
        Assert.All(created, r => Assert.True(r.ExitCode == 0, r.Err));

        var removers = Enumerable.Range(0, 8).Where(i => i % 2 == 0)
            .Select(i => Cli.Start("--library", Library, "pool", "remove", "P" + i, "--delete-files", "--json"))
            .ToList();
        var readers = Enumerable.Range(0, 4).Select(_ => Cli.Start("--library", Library, "pool", "list", "--json")).ToList();
        Assert.All(removers.Select(Cli.Finish), r => Assert.True(r.ExitCode == 0, r.Err));

        // Readers racing the removals see whole records: old or new state, never a parse error.
        foreach (var reader in readers.Select(Cli.Finish))
        {
            Assert.True(reader.ExitCode == 0, reader.Err);
            Assert.IsType<JArray>(reader.Json);
        }

        var final = Cli.Run("--library", Library, "pool", "list", "--json");
        Assert.Equal(0, final.ExitCode);
        Assert.Equal(new[] { "P1", "P3", "P5", "P7" }, ((JArray)final.Json).Select(p => p["name"]!.ToString()));
        Assert.Empty(Directory.GetFiles(Path.Combine(Library, "pools"), "*.tmp"));
    }

    [Fact]
    public void Eight_processes_racing_for_one_name_have_exactly_one_winner()
    {
        var racers = Enumerable.Range(0, 8)
            .Select(i => Cli.Start("--library", Library, "pool", "new", "--name", "Race", "--path", _dir.Combine("race" + i), "--json"))
            .ToList();
        var results = racers.Select(Cli.Finish).ToList();

        Assert.Equal(1, results.Count(r => r.ExitCode == 0));
        Assert.All(results.Where(r => r.ExitCode != 0), r => Assert.Equal("ImagePoolNameInUse", r.ErrorId));
        var winner = results.Single(r => r.ExitCode == 0).Json["path"]!.ToString();
        var list = Cli.Run("--library", Library, "pool", "list", "--json");
        Assert.Equal(winner, Assert.Single((JArray)list.Json)["path"]!.ToString());
    }

    [Fact]
    public void Processes_killed_mid_write_leave_no_partial_record_and_do_not_block_the_next_command()
    {
        var random = new Random(12345);
        for (var round = 0; round < 8; round++)
        {
            var process = Cli.Start("--library", Library, "pool", "new", "--name", "K" + round, "--path", _dir.Combine("k" + round));
            Thread.Sleep(random.Next(80, 400));
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It finished first; that round is a plain success.
            }

            process.WaitForExit();

            // The next command is not held up by the dead process's lease (same host: recovered at once).
            var watch = Stopwatch.StartNew();
            var list = Cli.Run("--library", Library, "pool", "list", "--json");
            Assert.True(list.ExitCode == 0, list.Err);
            Assert.IsType<JArray>(list.Json);
            var next = Cli.Run("--library", Library, "pool", "new", "--name", "After" + round, "--path", _dir.Combine("after" + round), "--json");
            Assert.True(next.ExitCode == 0, next.Err);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"round {round} waited {watch.Elapsed} for a dead holder");
        }

        // Every record parses and no abandoned temp file survives a later open of the library.
        foreach (var record in Directory.GetFiles(Path.Combine(Library, "pools"), "*.json"))
        {
            var json = JObject.Parse(File.ReadAllText(record));
            Assert.Equal("PoolRegistration", json["kind"]!.ToString());
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(Library, "pools"), "*.tmp"));
    }
}
