using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// The process-wide state of the DISM API: DismInitialize before the first session, DismShutdown after
/// the last one closes, and every call serialised under one lock (DismGetLastErrorMessage reads the
/// calling thread's last failure, so a call and its message must not interleave with another thread's).
/// </summary>
/// <remarks>
/// The log and scratch folder live under <c>%TEMP%\ImageOps\dism</c>: <c>dism-PID-TIME.log</c> and
/// <c>scratch-PID</c>. Scratch folders of processes that no longer run (a killed injection) are deleted
/// at the next initialisation.
/// </remarks>
internal sealed class DismRuntime
{
    private readonly object _gate = new();
    private readonly Func<string> _tempRoot;
    private readonly Func<int, bool> _isProcessRunning;
    private int _sessions;
    private string? _scratch;

    public DismRuntime(IDismApi api, Func<string> tempRoot, Func<int, bool> isProcessRunning)
    {
        Api = api;
        _tempRoot = tempRoot;
        _isProcessRunning = isProcessRunning;
    }

    public static DismRuntime Native { get; } = new(DismApi.Instance, Path.GetTempPath, IsRunning);

    public IDismApi Api { get; }

    /// <summary>The log DISM writes while initialised (kept after shutdown for reading), or null before.</summary>
    public string? LogPath { get; private set; }

    /// <summary>Sessions open now.</summary>
    public int Sessions
    {
        get
        {
            lock (_gate)
            {
                return _sessions;
            }
        }
    }

    /// <summary>Opens a session on <paramref name="imagePath"/>, initialising DISM first if none is open.</summary>
    public uint Open(string imagePath, OperationContext context)
    {
        lock (_gate)
        {
            if (_sessions == 0)
            {
                Initialize(context);
            }

            var hr = Api.OpenSession(imagePath, null, null, out var session);
            if (hr < 0)
            {
                var message = Api.GetLastErrorMessage();
                if (_sessions == 0)
                {
                    Shutdown(context.Log);
                }

                throw DismErrors.Failure("DismOpenSession", hr, message, imagePath, DismErrorIds.DismSessionFailed, DismDriverServicing.NewerImageHint());
            }

            _sessions++;
            return session;
        }
    }

    /// <summary>Closes a session, shutting DISM down after the last one; failures are logged (this runs from Dispose).</summary>
    public void Close(uint session, IOperationLog log)
    {
        lock (_gate)
        {
            var hr = Api.CloseSession(session);
            if (hr < 0)
            {
                log.Warning(string.Format(CultureInfo.InvariantCulture, "DismCloseSession failed (0x{0:X8}): {1}", hr, Api.GetLastErrorMessage() ?? "DISM gave no message"));
            }

            _sessions = Math.Max(0, _sessions - 1);
            if (_sessions == 0)
            {
                Shutdown(log);
            }
        }
    }

    /// <summary>Runs <paramref name="call"/> under the process-wide DISM lock.</summary>
    public T Run<T>(Func<IDismApi, T> call)
    {
        lock (_gate)
        {
            return call(Api);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private void Initialize(OperationContext context)
    {
        var folder = Path.Combine(_tempRoot(), "ImageOps", "dism");
        Directory.CreateDirectory(folder);
        RemoveStaleScratch(folder, context.Log);
        var pid = Process.GetCurrentProcess().Id;
        var log = Path.Combine(folder, string.Format(CultureInfo.InvariantCulture, "dism-{0}-{1:yyyyMMdd-HHmmss}.log", pid, DateTime.UtcNow));
        var scratch = Path.Combine(folder, "scratch-" + pid.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(scratch);

        var hr = Api.Initialize(DismNative.LogErrorsWarningsInfo, log, scratch);
        if (hr < 0)
        {
            TryDelete(scratch);

            // DismGetLastErrorMessage needs an initialised API; there is no message to read here.
            throw DismErrors.Failure("DismInitialize", hr, null, DismNative.Library, DismErrorIds.DismInitializeFailed, "Another component of this process may have initialised DISM already (DismInitialize allows one initialisation per process).");
        }

        LogPath = log;
        _scratch = scratch;
        context.Log.Verbose($"DISM API initialised; its log is '{log}'.");
    }

    private void Shutdown(IOperationLog log)
    {
        var hr = Api.Shutdown();
        if (hr < 0)
        {
            log.Warning(string.Format(CultureInfo.InvariantCulture, "DismShutdown failed (0x{0:X8}).", hr));
        }

        if (_scratch is not null)
        {
            TryDelete(_scratch);
            _scratch = null;
        }
    }

    private void RemoveStaleScratch(string folder, IOperationLog log)
    {
        foreach (var scratch in Directory.GetDirectories(folder, "scratch-*"))
        {
            var suffix = Path.GetFileName(scratch).Substring("scratch-".Length);
            if (int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !_isProcessRunning(pid) && TryDelete(scratch))
            {
                log.Verbose($"Removed the DISM scratch folder '{scratch}' of process {pid}, which no longer runs.");
            }
        }
    }

    private static bool TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
