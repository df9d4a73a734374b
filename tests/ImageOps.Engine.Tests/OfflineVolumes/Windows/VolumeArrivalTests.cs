using System;
using System.Linq;
using System.Threading;
using ImageOps.Engine.OfflineVolumes.Windows;

namespace ImageOps.Engine.Tests.OfflineVolumes.Windows;

/// <summary>
/// Mapping the host's volumes to the attached disk and waiting for them, against a scripted host
/// (volumes that appear after some polls, volumes of other disks, spanned volumes) and a fake clock.
/// </summary>
public class VolumeArrivalTests
{
    private const uint Disk = 7;
    private static readonly Guid BasicData = new("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");
    private static readonly Guid Msr = new("E3C9E316-0B5C-4DB8-817D-F92DF00215AE");

    [Fact]
    public void Only_single_extent_volumes_on_the_attached_disk_are_its_volumes()
    {
        var volumes = new (string, System.Collections.Generic.IReadOnlyList<DiskExtent>?)[]
        {
            (@"\\?\Volume{b}\", new[] { new DiskExtent(Disk, 300L << 20, 1L << 30) }),
            (@"\\?\Volume{a}", new[] { new DiskExtent(Disk, 1L << 20, 100L << 20) }),
            (@"\\?\Volume{other}\", new[] { new DiskExtent(0, 1L << 20, 100L << 30) }),
            (@"\\?\Volume{spanned}\", new[] { new DiskExtent(Disk, 5L << 30, 1L << 30), new DiskExtent(2, 0, 1L << 30) }),
            (@"\\?\Volume{cdrom}\", null),
        };

        var mine = AttachedVolumeMapper.OnDisk(Disk, volumes);

        Assert.Equal(new[] { @"\\?\Volume{a}\", @"\\?\Volume{b}\" }, mine.Select(v => v.VolumeGuidPath));
        Assert.Equal(new[] { 1L << 20, 300L << 20 }, mine.Select(v => v.PartitionOffset));
        Assert.Equal(1L << 30, mine[1].Length);
    }

    [Fact]
    public void The_wait_ends_when_every_expected_partition_has_its_volume()
    {
        var storage = GptDisk()
            .Volume("esp", 1, new DiskExtent(Disk, 1L << 20, 100L << 20))
            .Volume("windows", 4, new DiskExtent(Disk, 117L << 20, 40L << 30))
            .Volume("unrelated", 1, new DiskExtent(0, 1L << 20, 1L << 40));
        var clock = new FakeTiming();
        var progress = new Progress();

        var volumes = new VolumeArrivalWaiter(storage, clock.Timing).Wait(Disk, storage.Partitions, "gold.vhdx", new OperationContext(progress));

        Assert.Equal(2, volumes.Count);
        Assert.Equal(4, storage.Polls);
        Assert.Equal(3, clock.Sleeps);
        Assert.Equal(TimeSpan.FromMilliseconds(750), clock.Now);
        Assert.Equal((2L, 2L), (progress.Last.Done, progress.Last.Total));
    }

    [Fact]
    public void After_the_timeout_the_volumes_that_arrived_are_returned_with_a_warning()
    {
        var storage = GptDisk().Volume("esp", 1, new DiskExtent(Disk, 1L << 20, 100L << 20));
        var clock = new FakeTiming();
        var log = new RecordingLog();

        var volumes = new VolumeArrivalWaiter(storage, clock.Timing).Wait(Disk, storage.Partitions, "gold.vhdx", new OperationContext(log: log));

        Assert.Single(volumes);
        Assert.True(clock.Now >= TimeSpan.FromSeconds(30));
        var warning = Assert.Single(log.Messages, m => m.Level == LogLevel.Warning);
        Assert.Contains("partition 3 at offset " + (117L << 20), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void When_no_expected_volume_arrives_the_wait_fails_with_its_own_id()
    {
        var storage = GptDisk();
        var clock = new FakeTiming();

        var error = Assert.Throws<ImageOpsException>(() => new VolumeArrivalWaiter(storage, clock.Timing).Wait(Disk, storage.Partitions, "gold.vhdx", OperationContext.None));

        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskVolumesNotArrived, error.ErrorId);
        Assert.Equal(ErrorKind.ResourceUnavailable, error.Kind);
        Assert.Equal(121, storage.Polls);
    }

    [Fact]
    public void A_disk_without_partitions_that_carry_volumes_does_not_wait()
    {
        var storage = new FakeWindowsStorage();
        storage.Partitions.Add(new DiskPartitionEntry(DiskPartitionStyle.Gpt, 1, 1L << 20, 16L << 20, 0, false, Msr));
        var clock = new FakeTiming();

        var volumes = new VolumeArrivalWaiter(storage, clock.Timing).Wait(Disk, storage.Partitions, "blank.vhdx", OperationContext.None);

        Assert.Empty(volumes);
        Assert.Equal(0, clock.Sleeps);
    }

    [Fact]
    public void Cancelling_stops_the_wait()
    {
        using var cancel = new CancellationTokenSource();
        var storage = GptDisk();
        var clock = new FakeTiming { OnSleep = n => { if (n == 5) { cancel.Cancel(); } } };

        Assert.ThrowsAny<OperationCanceledException>(() => new VolumeArrivalWaiter(storage, clock.Timing).Wait(Disk, storage.Partitions, "gold.vhdx", new OperationContext(cancellation: cancel.Token)));
        Assert.Equal(5, storage.Polls);
    }

    internal static FakeWindowsStorage GptDisk()
    {
        var storage = new FakeWindowsStorage { DiskNumber = Disk };
        storage.Partitions.Add(new DiskPartitionEntry(DiskPartitionStyle.Gpt, 1, 1L << 20, 100L << 20, 0, false, new Guid("C12A7328-F81F-11D2-BA4B-00A0C93EC93B")));
        storage.Partitions.Add(new DiskPartitionEntry(DiskPartitionStyle.Gpt, 2, 101L << 20, 16L << 20, 0, false, Msr));
        storage.Partitions.Add(new DiskPartitionEntry(DiskPartitionStyle.Gpt, 3, 117L << 20, 40L << 30, 0, false, BasicData));
        return storage;
    }

    private sealed class Progress : IProgress<OperationProgress>
    {
        public OperationProgress Last { get; private set; }

        public void Report(OperationProgress value) => Last = value;
    }
}
