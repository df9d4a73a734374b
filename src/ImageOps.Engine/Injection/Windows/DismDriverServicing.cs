using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using ImageOps.Engine.Platform;

namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// Adds driver packages to an offline Windows image's driver store, and lists them, through the DISM API
/// (dismapi.dll) of this Windows host (DESIGN.md §5): DISM stages each package as a unique <c>oem*.inf</c>
/// and reflects boot-critical drivers, as injection-facts.md records. Written to the DISM API reference
/// (dismapi.h: DismInitialize, DismOpenSession, DismAddDriver, DismGetDrivers, DismGetLastErrorMessage,
/// DismDelete, DismCloseSession, DismShutdown); compiled and unit-tested on Linux through a test double,
/// <b>not yet exercised on Windows</b>.
/// </summary>
/// <remarks>
/// <para>DismInitialize runs once per process, before the first session, with its log under
/// <c>%TEMP%\ImageOps\dism</c> (<see cref="LogPath"/>); DismShutdown runs when the last session closes.
/// All DISM calls of the process are serialised.</para>
/// <para>No image is mounted: the session opens an offline image that is already reachable as a folder
/// (an attached volume, see <c>NativeVirtualDisk</c> and <c>VolumeMountPoint</c>), so there is no DISM mount
/// to orphan. A killed process leaves at most its scratch folder, removed by the next initialisation.</para>
/// <para>DISM cannot service images newer than itself; <see cref="HostDismVersion"/> tells the caller what
/// this host has. Needs an elevated process.</para>
/// </remarks>
public sealed class DismDriverServicing : IDisposable
{
    private readonly DismRuntime _runtime;
    private readonly IOperationLog _log;
    private readonly object _gate = new();
    private uint _session;
    private bool _open;

    private DismDriverServicing(DismRuntime runtime, uint session, string imageRoot, IOperationLog log)
    {
        _runtime = runtime;
        _session = session;
        _open = true;
        ImageRoot = imageRoot;
        _log = log;
    }

    /// <summary>True on Windows when dismapi.dll loads from the system folder and exports what this class calls.</summary>
    public static bool IsSupported => Unavailability() is null;

    /// <summary>The file version of this host's <c>dismapi.dll</c>, or null where there is none.</summary>
    public static Version? HostDismVersion
    {
        get
        {
            if (!WindowsSystemLibrary.IsWindows)
            {
                return null;
            }

            try
            {
                var info = FileVersionInfo.GetVersionInfo(Path.Combine(Environment.SystemDirectory, DismNative.Library));
                return new Version(info.FileMajorPart, info.FileMinorPart, info.FileBuildPart, info.FilePrivatePart);
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }
    }

    /// <summary>The offline image's root folder, as given to DismOpenSession.</summary>
    public string ImageRoot { get; }

    /// <summary>The DISM log of this process (for support and for users reading why a package failed).</summary>
    public string? LogPath => _runtime.LogPath;

    /// <summary>
    /// Opens a DISM session on the offline Windows image whose volume root is <paramref name="windowsVolumeRoot"/>
    /// (a folder holding <c>Windows</c>; an attached volume's mount folder), initialising the DISM API first
    /// if this is the process's first session.
    /// </summary>
    /// <exception cref="ImageOpsException"><c>DismNotAvailable</c> (NotInstalled) off Windows or without dismapi.dll;
    /// <c>DismImageNotFound</c>, <c>DismImageNotWindows</c>, <c>DismElevationRequired</c>; a
    /// <see cref="NativeOperationException"/> (<c>DismInitializeFailed</c>, <c>DismSessionFailed</c>) with DISM's message.</exception>
    public static DismDriverServicing OpenOffline(string windowsVolumeRoot, OperationContext context)
    {
        var why = Unavailability();
        if (why is not null)
        {
            throw DismErrors.NotAvailable(why);
        }

        return OpenOfflineCore(windowsVolumeRoot, context, DismRuntime.Native);
    }

    /// <summary>
    /// Adds the driver package of <paramref name="infPath"/> to the image's driver store. A failure of the
    /// package is returned, never thrown, with DISM's HRESULT, message and a classification
    /// (<see cref="DismDriverFailure.NotApplicable"/> for 0x800F081E), so the caller goes on with the others.
    /// </summary>
    /// <param name="infPath">The package's INF (its folder holds the files it names).</param>
    /// <param name="forceUnsigned">Accept an unsigned package into an x64 image (DISM adds unsigned packages to x86 images anyway).</param>
    /// <exception cref="ImageOpsException">Only when the session itself fails (<c>DismSessionFailed</c>,
    /// <c>DismElevationRequired</c>) or DISM cannot be called: every further package would fail alike.</exception>
    public DismDriverResult AddDriver(string infPath, bool forceUnsigned)
    {
        if (string.IsNullOrEmpty(infPath))
        {
            throw new ArgumentException("An INF path is required.", nameof(infPath));
        }

        var session = Session();
        var full = Path.GetFullPath(infPath);
        if (!File.Exists(full))
        {
            return new DismDriverResult(full, DismErrors.FileNotFound, "The INF file does not exist.", DismDriverFailure.FileNotFound);
        }

        var (hr, message) = Call(() => _runtime.Run(api =>
        {
            var code = api.AddDriver(session, full, forceUnsigned);
            return (code, code < 0 ? api.GetLastErrorMessage() : null);
        }));

        if (hr >= 0)
        {
            _log.Verbose($"DISM added '{full}' to the driver store of '{ImageRoot}'.");
            return new DismDriverResult(full, hr, null, DismDriverFailure.None);
        }

        if (DismErrors.IsSessionFailure(hr))
        {
            throw DismErrors.Failure("DismAddDriver", hr, message, ImageRoot, DismErrorIds.DismSessionFailed);
        }

        var result = new DismDriverResult(full, hr, message, DismErrors.Classify(hr));
        _log.Verbose("DISM: " + result);
        return result;
    }

    /// <summary>
    /// The driver packages in the image's store: every one when <paramref name="allDrivers"/>, otherwise
    /// the out-of-box ones only.
    /// </summary>
    /// <exception cref="ImageOpsException"><c>DismGetDriversFailed</c> with DISM's message; the session errors.</exception>
    public IReadOnlyList<DismDriverInfo> GetDrivers(bool allDrivers)
    {
        var session = Session();
        return Call(() => _runtime.Run(api =>
        {
            var hr = api.GetDrivers(session, allDrivers, out var packages, out var count);
            try
            {
                if (hr < 0)
                {
                    var message = api.GetLastErrorMessage();
                    throw DismErrors.Failure("DismGetDrivers", hr, message, ImageRoot, DismErrors.IsSessionFailure(hr) ? DismErrorIds.DismSessionFailed : DismErrorIds.DismGetDriversFailed);
                }

                try
                {
                    return DismMarshal.ReadDriverPackages(packages, count);
                }
                catch (ArgumentException ex)
                {
                    throw new ImageOpsException(DismErrorIds.DismGetDriversFailed, ErrorKind.InvalidResult, $"DismGetDrivers returned what cannot be a driver list: {ex.Message}", ImageRoot, ex);
                }
            }
            finally
            {
                if (packages != IntPtr.Zero)
                {
                    api.Delete(packages);
                }
            }
        }));
    }

    /// <summary>Closes the session (and shuts the DISM API down after the last one); safe to call twice.</summary>
    public void Dispose()
    {
        uint session;
        lock (_gate)
        {
            if (!_open)
            {
                return;
            }

            _open = false;
            session = _session;
            _session = 0;
        }

        try
        {
            _runtime.Close(session, _log);
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            _log.Warning("DISM could not be called to close its session: " + ex.Message);
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"DISM session on '{ImageRoot}'";

    /// <summary>Null when DISM can run here, otherwise why not.</summary>
    internal static string? Unavailability() => WindowsSystemLibrary.TryLoad(DismNative.Library, DismNative.Exports);

    /// <summary>The sentence added to a failed DismOpenSession: the failure users meet most with new images.</summary>
    internal static string NewerImageHint()
    {
        var version = HostDismVersion;
        return "DISM cannot service images newer than itself"
               + (version is null ? string.Empty : string.Format(CultureInfo.InvariantCulture, " (this host's DISM is {0})", version))
               + "; the DISM log has the details.";
    }

    internal static DismDriverServicing OpenOfflineCore(string windowsVolumeRoot, OperationContext context, DismRuntime runtime)
    {
        if (string.IsNullOrEmpty(windowsVolumeRoot))
        {
            throw new ArgumentException("The image's root folder is required.", nameof(windowsVolumeRoot));
        }

        context ??= OperationContext.None;
        context.ThrowIfCancelled();

        // A volume GUID path (\\?\Volume{…}\) is passed on as it is; anything else becomes absolute.
        var root = windowsVolumeRoot.StartsWith(@"\\?\", StringComparison.Ordinal) ? windowsVolumeRoot : Path.GetFullPath(windowsVolumeRoot);
        if (!Directory.Exists(root))
        {
            throw new ObjectNotFoundException(DismErrorIds.DismImageNotFound, $"The image root '{root}' does not exist.", root);
        }

        if (!Directory.Exists(Path.Combine(root, "Windows")))
        {
            throw new InvalidRequestException(DismErrorIds.DismImageNotWindows, $"'{root}' holds no Windows folder; give the root of the offline Windows volume.", root);
        }

        var session = Call(() => runtime.Open(root, context));
        context.Log.Verbose($"DISM session {session.ToString(CultureInfo.InvariantCulture)} opened on '{root}'.");
        return new DismDriverServicing(runtime, session, root, context.Log);
    }

    /// <summary>A missing library or entry point becomes the typed NotInstalled error instead of escaping.</summary>
    private static T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            throw DismErrors.NotAvailable(ex.Message);
        }
    }

    private uint Session()
    {
        lock (_gate)
        {
            return _open ? _session : throw new ObjectDisposedException(nameof(DismDriverServicing), $"The DISM session on '{ImageRoot}' is closed.");
        }
    }
}
