using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using ImageOps.Engine.OfflineVolumes.Windows;

namespace ImageOps.Engine.Tests.OfflineVolumes.Windows;

/// <summary>
/// The attach sequence of <see cref="NativeVirtualDisk"/> — open, attach, find the disk, wait for its
/// volumes — and its cleanup on every failure, run against a scripted virtdisk and host; and the typed
/// NotInstalled error where virtdisk.dll cannot exist.
/// </summary>
public class NativeVirtualDiskTests
{
    private readonly FakeVirtualDiskApi _api = new();
    private readonly FakeWindowsStorage _storage = VolumeArrivalTests.GptDisk()
        .Volume("esp", 1, new DiskExtent(7, 1L << 20, 100L << 20))
        .Volume("windows", 2, new DiskExtent(7, 117L << 20, 40L << 30));

    private readonly FakeTiming _clock = new();

    [Fact]
    public void Attaching_opens_attaches_finds_the_disk_and_its_volumes()
    {
        using var disk = Attach(readOnly: true);

        Assert.True(disk.IsAttached);
        Assert.True(disk.IsReadOnly);
        Assert.Equal(@"\\.\PhysicalDrive7", disk.PhysicalDrivePath);
        Assert.Equal(7u, disk.DiskNumber);
        Assert.Equal(new[] { @"\\?\Volume{esp}\", @"\\?\Volume{windows}\" }, disk.Volumes.Select(v => v.VolumeGuidPath));
        Assert.Equal(new[] { "OpenForAttach 3 ro", "Attach ro", "GetPhysicalPath" }, _api.Calls);
    }

    [Fact]
    public void Disposing_detaches_then_closes_once()
    {
        var disk = Attach(readOnly: false);

        disk.Dispose();
        disk.Dispose();

        Assert.False(disk.IsAttached);
        Assert.Equal(new[] { "Detach", "Close" }, _api.Calls.Skip(3));
    }

    [Fact]
    public void A_refused_open_is_a_permission_error_and_leaves_nothing_open()
    {
        _api.OpenCode = 1314;

        var error = Assert.Throws<ImageOpsException>(() => Attach(readOnly: false));

        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskAccessDenied, error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        var native = Assert.IsType<NativeOperationException>(error.InnerException);
        Assert.Equal(("OpenVirtualDisk", 1314), (native.Function, native.Code));
        Assert.Empty(_api.Handles);
    }

    [Fact]
    public void A_failed_attach_closes_the_handle_without_detaching()
    {
        _api.AttachCodes.Enqueue(1392);

        var error = Assert.Throws<NativeOperationException>(() => Attach(readOnly: false));

        Assert.Equal(("AttachVirtualDisk", 1392), (error.Function, error.Code));
        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskAttachFailed, error.ErrorId);
        Assert.Equal(new[] { "OpenForAttach 3 rw", "Attach rw", "Close" }, _api.Calls);
    }

    [Fact]
    public void A_sharing_violation_is_retried_before_it_is_reported_as_in_use()
    {
        _api.AttachCodes.Enqueue(32);
        _api.AttachCodes.Enqueue(32);
        using (Attach(readOnly: false))
        {
            Assert.Equal(3, _api.Calls.Count(c => c.StartsWith("Attach", StringComparison.Ordinal)));
        }

        _api.Calls.Clear();
        for (var i = 0; i < 4; i++)
        {
            _api.AttachCodes.Enqueue(32);
        }

        var error = Assert.Throws<ImageOpsException>(() => Attach(readOnly: false));
        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskInUse, error.ErrorId);
        Assert.Equal(ErrorKind.ResourceBusy, error.Kind);
        Assert.Equal(4, _api.Calls.Count(c => c.StartsWith("Attach", StringComparison.Ordinal)));
        Assert.Equal("Close", _api.Calls.Last());
    }

    [Fact]
    public void Failures_after_the_attach_detach_before_they_are_reported()
    {
        _api.PathCode = 1;
        Assert.Throws<NativeOperationException>(() => Attach(readOnly: false));
        Assert.Equal(new[] { "OpenForAttach 3 rw", "Attach rw", "GetPhysicalPath", "Detach", "Close" }, _api.Calls);

        _api.Calls.Clear();
        _api.PathCode = 0;
        var empty = VolumeArrivalTests.GptDisk();
        var error = Assert.Throws<ImageOpsException>(() => NativeVirtualDisk.AttachCore("gold.vhdx", false, OperationContext.None, Backend(empty)));
        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskVolumesNotArrived, error.ErrorId);
        Assert.Equal(new[] { "Detach", "Close" }, _api.Calls.Skip(3));
    }

    [Fact]
    public void Cancelling_while_volumes_arrive_detaches()
    {
        using var cancel = new CancellationTokenSource();
        var empty = VolumeArrivalTests.GptDisk();
        _clock.OnSleep = n => { if (n == 3) { cancel.Cancel(); } };

        Assert.ThrowsAny<OperationCanceledException>(() => NativeVirtualDisk.AttachCore("gold.vhdx", false, new OperationContext(cancellation: cancel.Token), Backend(empty)));

        Assert.Equal(new[] { "Detach", "Close" }, _api.Calls.Skip(3));
    }

    [Fact]
    public void A_detach_failure_is_logged_by_Dispose_and_thrown_by_Detach()
    {
        var log = new RecordingLog();
        var disk = NativeVirtualDisk.AttachCore("gold.vhdx", false, new OperationContext(log: log), Backend(_storage));
        _api.DetachCode = 5;

        disk.Dispose();

        Assert.Contains(log.Messages, m => m.Level == LogLevel.Warning && m.Message.Contains("Win32 error 5", StringComparison.Ordinal));
        Assert.Equal("Close", _api.Calls.Last());

        var second = Attach(readOnly: false);
        var error = Assert.Throws<ImageOpsException>(second.Detach);
        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskAccessDenied, error.ErrorId);
        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskDetachFailed, ((NativeOperationException)error.InnerException!).ErrorId);
        Assert.False(second.IsAttached);
        second.Dispose();
    }

    [Fact]
    public void DetachStale_detaches_a_leftover_attach_and_says_whether_there_was_one()
    {
        Assert.True(NativeVirtualDisk.DetachStaleCore("gold.vhdx", OperationContext.None, Backend(_storage)));
        Assert.Equal(new[] { "OpenForDetach 3", "Detach", "Close" }, _api.Calls);

        _api.Calls.Clear();
        _api.DetachCode = 21;
        _api.PathCode = 55;
        Assert.False(NativeVirtualDisk.DetachStaleCore("gold.vhdx", OperationContext.None, Backend(_storage)));

        _api.PathCode = 0;
        var error = Assert.Throws<NativeOperationException>(() => NativeVirtualDisk.DetachStaleCore("gold.vhdx", OperationContext.None, Backend(_storage)));
        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskDetachFailed, error.ErrorId);
        Assert.Equal("Close", _api.Calls.Last());
    }

    [Fact]
    public void Off_Windows_the_backend_is_not_supported_and_says_so_with_a_typed_error()
    {
        Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "checks the behaviour where virtdisk.dll cannot exist");

        Assert.False(NativeVirtualDisk.IsSupported);
        var attach = Assert.Throws<ImageOpsException>(() => NativeVirtualDisk.Attach("gold.vhdx", readOnly: true, OperationContext.None));
        Assert.Equal(NativeVirtualDiskErrorIds.NativeVirtualDiskNotAvailable, attach.ErrorId);
        Assert.Equal(ErrorKind.NotInstalled, attach.Kind);
        var stale = Assert.Throws<ImageOpsException>(() => NativeVirtualDisk.DetachStale("gold.vhdx", OperationContext.None));
        Assert.Equal(ErrorKind.NotInstalled, stale.Kind);

        Assert.False(VolumeMountPoint.IsSupported);
        var volume = new AttachedVolume(@"\\?\Volume{x}\", 1 << 20, 1 << 30);
        Assert.Equal(ErrorKind.NotInstalled, Assert.Throws<ImageOpsException>(() => VolumeMountPoint.Create(volume, "mnt")).Kind);
        Assert.Equal(ErrorKind.NotInstalled, Assert.Throws<ImageOpsException>(() => VolumeMountPoint.RemoveStale("mnt")).Kind);
    }

    private NativeVirtualDisk Attach(bool readOnly) => NativeVirtualDisk.AttachCore("gold.vhdx", readOnly, OperationContext.None, Backend(_storage));

    private VirtualDiskBackend Backend(FakeWindowsStorage storage) => new(_api, storage, _clock.Timing, _ => VirtDiskNative.DeviceVhdx);
}
