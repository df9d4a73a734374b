using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using ImageOps.Engine.Injection.Windows;
using ImageOps.Engine.Tests.OfflineVolumes.Windows;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Injection.Windows;

/// <summary>
/// The session lifetime (initialise once, shut down after the last session), per-driver results that
/// never abort the rest, and DISM's memory freed, against a scripted DISM API; and the typed NotInstalled
/// error where dismapi.dll cannot exist.
/// </summary>
public sealed class DismDriverServicingTests : IDisposable
{
    private readonly TempFolder _folder = new("dism");
    private readonly FakeDismApi _api = new();
    private readonly DismRuntime _runtime;
    private readonly string _image;
    private readonly string _temp;

    public DismDriverServicingTests()
    {
        _image = _folder.Combine("image");
        Directory.CreateDirectory(Path.Combine(_image, "Windows", "System32"));
        _temp = _folder.Combine("temp");
        Directory.CreateDirectory(_temp);
        _runtime = new DismRuntime(_api, () => _temp, pid => pid == 4242);
    }

    public void Dispose()
    {
        _api.Memory.Free();
        _folder.Dispose();
    }

    [Fact]
    public void The_first_session_initialises_DISM_with_a_log_and_scratch_under_temp_and_the_last_shuts_it_down()
    {
        var first = Open();
        var second = Open();

        Assert.Equal(1, _api.Calls.Count(c => c == "Initialize"));
        var (level, log, scratch) = _api.Initialized;
        Assert.Equal(2, level);
        Assert.StartsWith(Path.Combine(_temp, "ImageOps", "dism", "dism-"), log, StringComparison.Ordinal);
        Assert.EndsWith(".log", log, StringComparison.Ordinal);
        Assert.True(Directory.Exists(scratch));
        Assert.Equal(log, first.LogPath);
        Assert.Equal(2, _runtime.Sessions);

        first.Dispose();
        Assert.DoesNotContain("Shutdown", _api.Calls);
        second.Dispose();
        second.Dispose();

        Assert.Equal(new[] { "CloseSession 1", "CloseSession 2", "Shutdown" }, _api.Calls.Skip(3));
        Assert.False(Directory.Exists(scratch));

        using var third = Open();
        Assert.Equal(2, _api.Calls.Count(c => c == "Initialize"));
    }

    [Fact]
    public void A_not_applicable_package_is_a_result_and_the_next_package_still_goes_in()
    {
        var infs = Infs("viostor.inf", "modded.inf", "netkvm.inf");
        _api.AddResults["modded.inf"] = (unchecked((int)0x800F081E), "The driver package is not applicable to this image.");
        using var dism = Open();

        var results = infs.Select(inf => dism.AddDriver(inf, forceUnsigned: false)).ToList();

        Assert.Equal(new[] { true, false, true }, results.Select(r => r.Succeeded));
        var refused = results[1];
        Assert.Equal(DismDriverFailure.NotApplicable, refused.Failure);
        Assert.Equal(unchecked((int)0x800F081E), refused.HResult);
        Assert.Equal("The driver package is not applicable to this image.", refused.ErrorMessage);
        Assert.Equal(DismErrorIds.DriverPackageNotApplicable, refused.ErrorId);
        Assert.Equal(infs[1], refused.InfPath);
        Assert.Contains("AddDriver 1 netkvm.inf False", _api.Calls);
    }

    [Fact]
    public void The_message_is_read_right_after_the_failing_call()
    {
        var inf = Infs("unsigned.inf")[0];
        _api.AddResults["unsigned.inf"] = (unchecked((int)0x800F022F), "No catalog.");
        using var dism = Open();

        var result = dism.AddDriver(inf, forceUnsigned: true);

        Assert.Equal(DismDriverFailure.SignatureRejected, result.Failure);
        var add = _api.Calls.IndexOf("AddDriver 1 unsigned.inf True");
        Assert.Equal("GetLastErrorMessage", _api.Calls[add + 1]);
    }

    [Fact]
    public void A_missing_INF_is_reported_without_calling_DISM()
    {
        using var dism = Open();

        var result = dism.AddDriver(_folder.Combine("absent", "x.inf"), forceUnsigned: false);

        Assert.Equal(DismDriverFailure.FileNotFound, result.Failure);
        Assert.Equal(unchecked((int)0x80070002), result.HResult);
        Assert.DoesNotContain(_api.Calls, c => c.StartsWith("AddDriver", StringComparison.Ordinal));
    }

    [Fact]
    public void A_broken_session_is_thrown_not_returned()
    {
        var inf = Infs("a.inf")[0];
        _api.AddResults["a.inf"] = (unchecked((int)0xC0040004), "Invalid session.");
        using var dism = Open();

        var error = Assert.Throws<NativeOperationException>(() => dism.AddDriver(inf, false));

        Assert.Equal(("DismAddDriver", unchecked((int)0xC0040004), DismErrorIds.DismSessionFailed), (error.Function, error.Code, error.ErrorId));
        Assert.Contains("Invalid session.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Drivers_are_listed_from_DISM_memory_which_is_then_deleted()
    {
        _api.Drivers = new[]
        {
            new DismPackageMemory.Package("oem0.inf", "viostor.inf", false, "viostor.cat", "SCSIAdapter", "{4d36e97b-e325-11ce-bfc1-08002be10318}", "Storage controllers", true, 2, "Red Hat, Inc.", new ushort[] { 2024, 7, 3, 17, 0, 0, 0, 0 }, new uint[] { 100, 95, 104, 26000 }),
        };
        using var dism = Open();

        var drivers = dism.GetDrivers(allDrivers: false);

        var driver = Assert.Single(drivers);
        Assert.Equal(("oem0.inf", true, new Version(100, 95, 104, 26000)), (driver.PublishedName, driver.BootCritical, driver.Version));
        Assert.Contains("GetDrivers 1 False", _api.Calls);
        var deleted = Assert.Single(_api.Deleted);
        Assert.True(_api.Memory.Owns(deleted));
    }

    [Fact]
    public void A_failed_listing_throws_with_DISMs_message()
    {
        _api.GetDriversResult = unchecked((int)0x80004005);
        using var dism = Open();

        var error = Assert.Throws<NativeOperationException>(() => dism.GetDrivers(true));

        Assert.Equal(DismErrorIds.DismGetDriversFailed, error.ErrorId);
        Assert.Contains("could not be enumerated", error.Message, StringComparison.Ordinal);
        Assert.Empty(_api.Deleted);
    }

    [Fact]
    public void A_refused_session_shuts_DISM_down_again_and_names_the_usual_cause()
    {
        _api.OpenResult = unchecked((int)0x8007000D);
        _api.OpenMessage = "The image is not supported.";

        var error = Assert.Throws<NativeOperationException>(() => Open());

        Assert.Equal(("DismOpenSession", DismErrorIds.DismSessionFailed), (error.Function, error.ErrorId));
        Assert.Contains("The image is not supported.", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer than itself", error.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { "Initialize", "OpenSession " + _image, "GetLastErrorMessage", "Shutdown" }, _api.Calls);
        Assert.Equal(0, _runtime.Sessions);
    }

    [Fact]
    public void Initialising_without_elevation_is_a_permission_error()
    {
        _api.InitializeResult = unchecked((int)0x800702E4);

        var error = Assert.Throws<ImageOpsException>(() => Open());

        Assert.Equal(DismErrorIds.DismElevationRequired, error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.DoesNotContain(_api.Calls, c => c.StartsWith("OpenSession", StringComparison.Ordinal));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_temp, "ImageOps", "dism")));
    }

    [Fact]
    public void Scratch_folders_of_processes_that_died_are_removed_at_initialisation()
    {
        var dism = Path.Combine(_temp, "ImageOps", "dism");
        Directory.CreateDirectory(Path.Combine(dism, "scratch-1111", "sub"));
        Directory.CreateDirectory(Path.Combine(dism, "scratch-4242"));
        Directory.CreateDirectory(Path.Combine(dism, "scratch-notapid"));
        var log = new RecordingLog();

        using var session = DismDriverServicing.OpenOfflineCore(_image, new OperationContext(log: log), _runtime);

        Assert.False(Directory.Exists(Path.Combine(dism, "scratch-1111")));
        Assert.True(Directory.Exists(Path.Combine(dism, "scratch-4242")));
        Assert.True(Directory.Exists(Path.Combine(dism, "scratch-notapid")));
        Assert.Contains(log.Messages, m => m.Message.Contains("scratch-1111", StringComparison.Ordinal));
    }

    [Fact]
    public void The_image_root_must_exist_and_hold_Windows()
    {
        var missing = Assert.Throws<ObjectNotFoundException>(() => DismDriverServicing.OpenOfflineCore(_folder.Combine("nothing"), OperationContext.None, _runtime));
        Assert.Equal(DismErrorIds.DismImageNotFound, missing.ErrorId);
        Directory.CreateDirectory(_folder.Combine("data"));
        var notWindows = Assert.Throws<InvalidRequestException>(() => DismDriverServicing.OpenOfflineCore(_folder.Combine("data"), OperationContext.None, _runtime));
        Assert.Equal(DismErrorIds.DismImageNotWindows, notWindows.ErrorId);
        Assert.Empty(_api.Calls);
    }

    [Fact]
    public void A_closed_session_refuses_further_calls()
    {
        var dism = Open();
        dism.Dispose();

        Assert.Throws<ObjectDisposedException>(() => dism.AddDriver("x.inf", false));
        Assert.Throws<ObjectDisposedException>(() => dism.GetDrivers(true));
    }

    [Fact]
    public void Off_Windows_DISM_is_not_supported_and_says_so_with_a_typed_error()
    {
        Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "checks the behaviour where dismapi.dll cannot exist");

        Assert.False(DismDriverServicing.IsSupported);
        Assert.Null(DismDriverServicing.HostDismVersion);
        var error = Assert.Throws<ImageOpsException>(() => DismDriverServicing.OpenOffline(_image, OperationContext.None));
        Assert.Equal(DismErrorIds.DismNotAvailable, error.ErrorId);
        Assert.Equal(ErrorKind.NotInstalled, error.Kind);
    }

    private DismDriverServicing Open() => DismDriverServicing.OpenOfflineCore(_image, OperationContext.None, _runtime);

    private string[] Infs(params string[] names)
    {
        var folder = _folder.Combine("drivers");
        Directory.CreateDirectory(folder);
        return names.Select(n =>
        {
            var path = Path.Combine(folder, n);
            File.WriteAllText(path, "[Version]\r\nSignature=\"$WINDOWS NT$\"\r\n");
            return path;
        }).ToArray();
    }
}
