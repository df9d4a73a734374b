using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Engine.Injection;
using ImageOps.Engine.Storage;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Tests.Injection;

/// <summary>
/// HOSTILE.md, "Process killed during … injection": a simulated kill at every named step and at the
/// N-th write into the layer leaves the image byte-identical and no file under the result's name; the
/// temp file left behind is recognised and swept by the next run. (The real process kill is in the CLI tests.)
/// </summary>
[Collection(InjectionCollection.Name)]
public sealed class InjectionFaultTests
{
    private readonly InjectionFixture _fixture;

    public InjectionFaultTests(InjectionFixture fixture) => _fixture = fixture;

    public static TheoryData<string> Steps => new() { "inject:layer-created", "inject:files-written", "inject:hive-written", "inject:layer-closed", "inject:layer-durable" };

    [SkippableTheory]
    [MemberData(nameof(Steps))]
    public void A_kill_at_any_step_publishes_nothing_and_leaves_the_image_intact(string step)
    {
        var (folder, image, destination, before) = Setup(DiskFormat.Vhdx, step.Replace(':', '-'));
        var request = Request(image, destination);
        Assert.Throws<SimulatedCrashException>(() => WithHook(s => s == step ? FaultAction.Crash : FaultAction.None, () => new DriverInjectionService().Add(request)));
        AssertIntactAndUnpublished(folder, image, destination, before, expectTemp: true);
    }

    [SkippableTheory]
    [InlineData(DiskFormat.Qcow2)]
    [InlineData(DiskFormat.Vhdx)]
    [InlineData(DiskFormat.Vmdk)]
    [InlineData(DiskFormat.Vhd)]
    public void A_kill_at_the_nth_write_publishes_nothing_and_leaves_the_image_intact(DiskFormat format)
    {
        var (folder, image, destination, before) = Setup(format, "count");
        var writes = 0;
        WithHook(s => { writes += s == "inject:layer-write" ? 1 : 0; return FaultAction.None; }, () => new DriverInjectionService().Add(Request(image, destination)));
        File.Delete(destination);
        Assert.True(writes > 8, $"only {writes} writes");

        var points = new SortedSet<int> { 1, 2, 3, writes / 4, writes / 2, 3 * writes / 4, writes - 1, writes };
        foreach (var n in points)
        {
            var count = 0;

            // A kill inside a libntfs-3g callback may surface as the device failure it causes next.
            Assert.ThrowsAny<Exception>(() => WithHook(s => s == "inject:layer-write" && ++count == n ? FaultAction.Crash : FaultAction.None, () => new DriverInjectionService().Add(Request(image, destination))));
            Assert.True(count >= n, $"the kill at write {n} did not happen");
            AssertIntactAndUnpublished(folder, image, destination, before, expectTemp: false);
        }
    }

    [SkippableFact]
    public void An_io_error_cleans_up_its_temp_file()
    {
        var (folder, image, destination, before) = Setup(DiskFormat.Qcow2, "ioerror");
        var count = 0;
        Assert.ThrowsAny<Exception>(() => WithHook(s => s == "inject:layer-write" && ++count == 20 ? FaultAction.IOError : FaultAction.None, () => new DriverInjectionService().Add(Request(image, destination))));
        AssertIntactAndUnpublished(folder, image, destination, before, expectTemp: false);
        Assert.Empty(Directory.GetFiles(folder, ".*.tmp"));
    }

    [SkippableFact]
    public void Cancelling_midway_publishes_nothing_and_removes_the_temp_file()
    {
        var (folder, image, destination, before) = Setup(DiskFormat.Vhdx, "cancel");
        using var cancel = new System.Threading.CancellationTokenSource();
        var progress = new Progress(p =>
        {
            if (p.Phase == "Writing files" && p.Done > 0)
            {
                cancel.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => new DriverInjectionService().Add(Request(image, destination), new OperationContext(progress, null, cancel.Token)));
        AssertIntactAndUnpublished(folder, image, destination, before, expectTemp: false);
        Assert.Empty(Directory.GetFiles(folder, ".*.tmp"));
    }

    [SkippableFact]
    public void The_next_run_sweeps_a_killed_runs_temp_file_and_succeeds()
    {
        var (folder, image, destination, before) = Setup(DiskFormat.Qcow2, "sweep");
        Assert.Throws<SimulatedCrashException>(() => WithHook(s => s == "inject:files-written" ? FaultAction.Crash : FaultAction.None, () => new DriverInjectionService().Add(Request(image, destination))));
        var left = Directory.GetFiles(folder, ".*.tmp").Single();

        // The file a dead process left: same shape, a process id that does not run.
        var dead = Path.Combine(folder, $".{Path.GetFileName(destination)}.{ProcessIdentity.Host}-{DeadPid()}-0badc0de.tmp");
        File.Move(left, dead);
        var result = new DriverInjectionService().Add(Request(image, destination));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(result.DestinationPath));
        Assert.Equal(before, InjectionFixture.Sha256(image));
        Assert.Equal(0, ImageOps.Tests.QemuImg.Check(destination, "qcow2").ExitCode);
    }

    /// <summary>Reports synchronously (System.Progress would post to the thread pool).</summary>
    private sealed class Progress : IProgress<OperationProgress>
    {
        private readonly Action<OperationProgress> _report;

        public Progress(Action<OperationProgress> report) => _report = report;

        public void Report(OperationProgress value) => _report(value);
    }

    private static int DeadPid()
    {
        for (var pid = 4_000_000; ; pid++)
        {
            if (!ProcessIdentity.IsAlive(pid))
            {
                return pid;
            }
        }
    }

    private (string Folder, string Image, string Destination, string Before) Setup(DiskFormat format, string name)
    {
        var folder = _fixture.NewFolder("fault-" + format + "-" + name);
        var image = _fixture.CopyImage(_fixture.Images[format], folder);
        return (folder, image, Path.Combine(folder, "result." + format.ToString().ToLowerInvariant()), InjectionFixture.Sha256(image));
    }

    private DriverInjectionRequest Request(string image, string destination)
        => new() { ImagePath = image, DestinationPath = destination, DriverPaths = new[] { _fixture.StorageInf, _fixture.NicInf } };

    private static void AssertIntactAndUnpublished(string folder, string image, string destination, string before, bool expectTemp)
    {
        Assert.Equal(before, InjectionFixture.Sha256(image));
        Assert.False(File.Exists(destination), "a half-written layer was published");
        var others = Directory.GetFiles(folder).Select(Path.GetFileName).Where(n => n != Path.GetFileName(image)).ToList();
        Assert.All(others, n => Assert.True(TempFiles.IsTempName(n!), n + " is not a recognisable temp file"));
        if (expectTemp)
        {
            Assert.NotEmpty(others);
        }
    }

    private static void WithHook(Func<string, FaultAction> hook, Action action)
    {
        FaultInjection.Hook = hook;
        try
        {
            action();
        }
        catch (Exception ex) when (DriverInjectionService.IsSimulatedCrash(ex) && ex is not SimulatedCrashException)
        {
            // A kill inside a libntfs-3g callback surfaces wrapped; unwrap it for the assertion.
            var inner = ex;
            while (inner is not SimulatedCrashException)
            {
                inner = inner.InnerException!;
            }

            throw inner;
        }
        finally
        {
            FaultInjection.Hook = null;
        }
    }
}
