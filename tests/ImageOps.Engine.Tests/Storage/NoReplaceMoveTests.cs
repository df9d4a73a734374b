using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using ImageOps.Engine.Platform;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Storage;

/// <summary>
/// The primitive under every "create only if absent" commit (lease generations, new records, new disk
/// files). File.Move on Linux checks then renames, so two racers could both win; these tests race
/// sixteen movers at one name many times and need exactly one winner each time.
/// </summary>
[Collection(NoReplaceMoveCollection.Name)]
public class NoReplaceMoveTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Exactly_one_of_many_racing_movers_wins_and_the_losers_keep_their_files(bool withoutHardLinks)
    {
        NoReplaceMove.SimulateNoHardLinks = withoutHardLinks;
        try
        {
            using var dir = new TempFolder();
            for (var round = 0; round < 25; round++)
            {
                var target = dir.Combine($"name-{round}");
                var sources = Enumerable.Range(0, 16).Select(i => dir.Combine($"src-{round}-{i}")).ToArray();
                for (var i = 0; i < sources.Length; i++)
                {
                    File.WriteAllText(sources[i], "mover " + i);
                }

                var results = new bool[sources.Length];
                using var start = new Barrier(sources.Length);
                Parallel.For(0, sources.Length, new ParallelOptions { MaxDegreeOfParallelism = sources.Length }, i =>
                {
                    start.SignalAndWait();
                    results[i] = NoReplaceMove.TryMove(sources[i], target);
                });

                Assert.Equal(1, results.Count(r => r));
                var winner = Array.IndexOf(results, true);
                Assert.Equal("mover " + winner, File.ReadAllText(target));
                Assert.False(File.Exists(sources[winner]));
                Assert.All(Enumerable.Range(0, sources.Length).Where(i => i != winner), i => Assert.Equal("mover " + i, File.ReadAllText(sources[i])));
            }
        }
        finally
        {
            NoReplaceMove.SimulateNoHardLinks = false;
        }
    }

    [Fact]
    public void A_free_name_is_taken_and_a_taken_one_is_left_alone()
    {
        using var dir = new TempFolder();
        var source = dir.Combine("a");
        var target = dir.Combine("b");
        File.WriteAllBytes(source, Encoding.ASCII.GetBytes("new"));
        File.WriteAllBytes(target, Encoding.ASCII.GetBytes("old"));
        Assert.False(NoReplaceMove.TryMove(source, target));
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Equal("new", File.ReadAllText(source));

        File.Delete(target);
        Assert.True(NoReplaceMove.TryMove(source, target));
        Assert.Equal("new", File.ReadAllText(target));
        Assert.False(File.Exists(source));
    }
}

/// <summary>Serialises the tests that flip <see cref="NoReplaceMove.SimulateNoHardLinks"/>.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NoReplaceMoveCollection
{
    public const string Name = "NoReplaceMove";
}
