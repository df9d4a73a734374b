using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageOps.Engine.Storage;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Storage;

public class LeaseTests
{
    [Fact]
    public void Each_holder_gets_the_next_generation()
    {
        using var dir = new TempFolder();
        var leases = new LeaseManager(dir.Path, new FakeClock());
        long first;
        using (var a = leases.Acquire("pools", "test"))
        {
            first = a.Generation;
        }

        using var b = leases.Acquire("pools", "test");
        Assert.Equal(first + 1, b.Generation);
    }

    [Fact]
    public void Old_generations_are_pruned_to_a_window()
    {
        using var dir = new TempFolder();
        var leases = new LeaseManager(dir.Path, new FakeClock());
        for (var i = 0; i < 100; i++)
        {
            leases.Acquire("pools", "test").Dispose();
        }

        var kept = LeaseManager.Generations(Path.Combine(dir.Path, "pools")).OrderBy(g => g).ToList();
        Assert.Equal(100, kept.Max());
        Assert.InRange(kept.Count, 2, 40);
        Assert.Equal(Enumerable.Range((int)kept.Min(), kept.Count).Select(i => (long)i), kept);
    }

    [Fact]
    public void A_contender_that_stalled_cannot_win_with_a_generation_number_that_was_reused()
    {
        using var dir = new TempFolder();
        var clock = new FakeClock();
        var leases = new LeaseManager(dir.Path, clock);
        var folder = Path.Combine(dir.Path, "pools");
        leases.Acquire("pools", "first").Dispose();
        leases.Acquire("pools", "second").Dispose();

        // While this contender is between reading generation 2 and creating 3, others take 3 and 4
        // and prune 3: its create of "3" then succeeds, but 4 is current.
        var interfered = false;
        FaultInjection.Hook = step =>
        {
            if (!interfered && step == "atomic:create-temp")
            {
                interfered = true;
                foreach (var g in new long[] { 3, 4 })
                {
                    RecordStore.TryCreate(LeaseManager.PathOf(folder, g), new LeaseRecord { Resource = "pools", Generation = g, ExpiresUtc = clock.UtcNow.AddHours(1), Released = true });
                }

                File.Delete(LeaseManager.PathOf(folder, 3));
            }

            return FaultAction.None;
        };
        try
        {
            using var lease = leases.Acquire("pools", "stalled", wait: TimeSpan.Zero);
            Assert.Equal(5, lease.Generation);
            lease.EnsureHeld();
        }
        finally
        {
            FaultInjection.Hook = null;
        }

        Assert.True(interfered);
        Assert.False(File.Exists(LeaseManager.PathOf(folder, 3)));
    }

    [Fact]
    public void A_held_lease_is_busy_for_others_until_released()
    {
        using var dir = new TempFolder();
        var leases = new LeaseManager(dir.Path, new FakeClock());
        using var holder = leases.Acquire("pools", "first operation");
        var ex = Assert.Throws<LeaseException>(() => leases.Acquire("pools", "second", wait: TimeSpan.Zero));
        Assert.Equal(ErrorIds.LeaseBusy, ex.ErrorId);
        Assert.Equal(ErrorKind.ResourceBusy, ex.Kind);
        Assert.Contains("first operation", ex.Message);
    }

    [Fact]
    public void A_stale_lease_is_taken_over_only_after_expiry_and_the_old_holder_cannot_commit()
    {
        using var dir = new TempFolder();
        var clock = new FakeClock();
        var leases = new LeaseManager(dir.Path, clock);
        var paused = leases.Acquire("pools", "paused holder", duration: TimeSpan.FromSeconds(60));

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Throws<LeaseException>(() => leases.Acquire("pools", "too early", wait: TimeSpan.Zero));

        clock.Advance(TimeSpan.FromSeconds(2));
        using var taker = leases.Acquire("pools", "taker", wait: TimeSpan.Zero);
        Assert.Equal(paused.Generation + 1, taker.Generation);

        var lost = Assert.Throws<LeaseException>(() => paused.EnsureHeld());
        Assert.Equal(ErrorIds.LeaseLost, lost.ErrorId);
        Assert.Throws<LeaseException>(() => paused.Renew());
        taker.EnsureHeld();

        // The old holder's release must not free the new holder's lease.
        paused.Dispose();
        Assert.Throws<LeaseException>(() => leases.Acquire("pools", "third", wait: TimeSpan.Zero));
    }

    [Fact]
    public void A_holder_too_close_to_expiry_cannot_commit_until_it_renews()
    {
        using var dir = new TempFolder();
        var clock = new FakeClock();
        var leases = new LeaseManager(dir.Path, clock);
        using var lease = leases.Acquire("pools", "slow", duration: TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(30) - Lease.CommitMargin + TimeSpan.FromSeconds(1));
        Assert.Throws<LeaseException>(() => lease.EnsureHeld());

        // Renewal is itself a commit: too late now, so the lease must be taken again.
        Assert.Throws<LeaseException>(() => lease.Renew());
    }

    [Fact]
    public void Checking_before_a_commit_renews_a_lease_past_half_its_time()
    {
        using var dir = new TempFolder();
        var clock = new FakeClock();
        var leases = new LeaseManager(dir.Path, clock);
        using var lease = leases.Acquire("pools", "commit", duration: TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(10));
        lease.EnsureHeld();
        Assert.Equal(clock.UtcNow - TimeSpan.FromSeconds(10) + TimeSpan.FromSeconds(30), lease.ExpiresUtc);

        clock.Advance(TimeSpan.FromSeconds(10));
        lease.EnsureHeld();

        // Renewed at t=20 for 30 s: a commit stalled until t=45 still holds the lease.
        Assert.Equal(clock.UtcNow + TimeSpan.FromSeconds(30), lease.ExpiresUtc);
        clock.Advance(TimeSpan.FromSeconds(25));
        Assert.Throws<LeaseException>(() => leases.Acquire("pools", "contender", wait: TimeSpan.Zero));
    }

    [Fact]
    public void Renewing_extends_the_lease()
    {
        using var dir = new TempFolder();
        var clock = new FakeClock();
        var leases = new LeaseManager(dir.Path, clock);
        using var lease = leases.Acquire("pools", "long", duration: TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(20));
        lease.Renew();
        clock.Advance(TimeSpan.FromSeconds(20));
        lease.EnsureHeld();
        Assert.Throws<LeaseException>(() => leases.Acquire("pools", "other", wait: TimeSpan.Zero));
    }

    [Fact]
    public void A_lease_whose_holder_died_on_this_host_is_free_at_once()
    {
        using var dir = new TempFolder();
        var clock = new FakeClock();
        var leases = new LeaseManager(dir.Path, clock);
        PlantHolder(dir.Path, clock, "killed", ProcessIdentity.Host, TimeSpan.FromHours(1));

        using var lease = leases.Acquire("pools", "after a kill", wait: TimeSpan.Zero);
        Assert.Equal(4, lease.Generation);
    }

    [Fact]
    public void A_live_holder_on_another_host_is_waited_for()
    {
        using var dir = new TempFolder();
        var clock = new FakeClock();
        var leases = new LeaseManager(dir.Path, clock);
        PlantHolder(dir.Path, clock, "elsewhere", "some-other-host", TimeSpan.FromSeconds(20));

        Assert.Throws<LeaseException>(() => leases.Acquire("pools", "too early", wait: TimeSpan.Zero));
        clock.Advance(TimeSpan.FromSeconds(21));
        using var lease = leases.Acquire("pools", "after expiry", wait: TimeSpan.Zero);
        Assert.Equal(4, lease.Generation);
    }

    [Fact]
    public void A_damaged_lease_file_does_not_block_forever()
    {
        using var dir = new TempFolder();
        var leases = new LeaseManager(dir.Path, new FakeClock());
        Directory.CreateDirectory(Path.Combine(dir.Path, "pools"));
        File.WriteAllText(Path.Combine(dir.Path, "pools", "000000000007.lease"), "not json");
        using var lease = leases.Acquire("pools", "after damage", wait: TimeSpan.Zero);
        Assert.Equal(8, lease.Generation);
    }

    [Fact]
    public void Waiting_for_a_busy_lease_observes_cancellation()
    {
        using var dir = new TempFolder();
        var leases = new LeaseManager(dir.Path);
        using var holder = leases.Acquire("pools", "holder");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.ThrowsAny<OperationCanceledException>(() => leases.Acquire("pools", "waiter", wait: TimeSpan.FromMinutes(5), cancellation: cts.Token));
    }

    [Fact]
    public void A_fenced_record_write_by_a_holder_that_lost_its_lease_commits_nothing()
    {
        using var dir = new TempFolder();
        var clock = new FakeClock();
        var leases = new LeaseManager(dir.Path, clock);
        var target = dir.Combine("record.json");
        var paused = leases.Acquire("pools", "paused holder", duration: TimeSpan.FromSeconds(60));
        RecordStore.Replace(target, new LeaseRecord { Resource = "before", Generation = 1, Owner = "o", Host = "h", ProcessId = 1, ExpiresUtc = clock.UtcNow }, paused);

        clock.Advance(TimeSpan.FromSeconds(61));
        using var taker = leases.Acquire("pools", "taker", wait: TimeSpan.Zero);
        var lost = Assert.Throws<LeaseException>(() => RecordStore.Replace(target, new LeaseRecord { Resource = "after", Generation = 2, Owner = "o", Host = "h", ProcessId = 1, ExpiresUtc = clock.UtcNow }, paused));
        Assert.Equal(ErrorIds.LeaseLost, lost.ErrorId);
        Assert.False(RecordStore.TryCreate(target, new LeaseRecord { Resource = "x", Generation = 3, Owner = "o", Host = "h", ProcessId = 1, ExpiresUtc = clock.UtcNow }, paused));
        Assert.Throws<LeaseException>(() => RecordStore.TryCreate(dir.Combine("new.json"), new LeaseRecord { Resource = "x", Generation = 3, Owner = "o", Host = "h", ProcessId = 1, ExpiresUtc = clock.UtcNow }, paused));

        Assert.Equal("before", RecordStore.Read<LeaseRecord>(target).Resource);
        Assert.False(File.Exists(dir.Combine("new.json")));
        Assert.Equal(new[] { "record.json" }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).ToArray());
    }

    [Fact]
    public void Concurrent_holders_never_lose_an_update()
    {
        using var dir = new TempFolder();
        var leases = new LeaseManager(dir.Path);
        var counter = dir.Combine("counter.txt");
        File.WriteAllText(counter, "0");
        const int Workers = 8;
        const int Rounds = 15;
        Parallel.For(0, Workers, new ParallelOptions { MaxDegreeOfParallelism = Workers }, _ =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                using var lease = leases.Acquire("counter", "increment", wait: TimeSpan.FromSeconds(60));
                var value = int.Parse(File.ReadAllText(counter));
                AtomicFile.Replace(counter, System.Text.Encoding.ASCII.GetBytes((value + 1).ToString()), lease.EnsureHeld);
            }
        });

        Assert.Equal(Workers * Rounds, int.Parse(File.ReadAllText(counter)));
        Assert.Equal(Workers * Rounds, LeaseManager.Generations(Path.Combine(dir.Path, "counter")).Max());
    }

    [Fact]
    public void Resource_names_cannot_escape_the_lease_folder()
    {
        using var dir = new TempFolder();
        var leases = new LeaseManager(dir.Path);
        Assert.Throws<ArgumentException>(() => leases.Acquire("../outside", "escape"));
        Assert.Throws<ArgumentException>(() => leases.Acquire("a/b", "escape"));
    }

    /// <summary>Writes generation 3 as held by a process that has exited, on <paramref name="host"/>.</summary>
    private static void PlantHolder(string root, FakeClock clock, string owner, string host, TimeSpan validFor)
    {
        var folder = Path.Combine(root, "pools");
        Directory.CreateDirectory(folder);
        RecordStore.TryCreate(LeaseManager.PathOf(folder, 3), new LeaseRecord
        {
            Resource = "pools",
            Generation = 3,
            Owner = owner,
            Host = host,
            ProcessId = AtomicFileTests.DeadProcessId(),
            AcquiredUtc = clock.UtcNow,
            ExpiresUtc = clock.UtcNow + validFor,
        });
    }
}
