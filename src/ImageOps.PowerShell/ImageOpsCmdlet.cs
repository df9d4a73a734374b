using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using ImageOps.Engine.Library;
using ImageOps.PowerShell.Infrastructure;

namespace ImageOps.PowerShell;

/// <summary>
/// Base of every ImageOps cmdlet. It owns what cmdlets must not each re-implement: the library
/// parameter, cancellation on Ctrl+C (StopProcessing), running engine calls while pumping their log
/// and progress onto the pipeline thread, the Completed progress record, and mapping engine
/// exceptions to ErrorRecords in one place.
/// </summary>
public abstract class ImageOpsCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private ProgressWriter? _progress;

    /// <summary>
    /// <para>The library folder to use instead of the default. Without it, ImageOps uses
    /// $env:IMAGEOPS_HOME, else %ProgramData%\ImageOps on Windows and $XDG_DATA_HOME/imageops
    /// (or ~/.local/share/imageops) elsewhere. When an object from another ImageOps cmdlet is piped
    /// in, the library it came from is used unless this parameter is given.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LibraryPath { get; set; }

    /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
    protected CancellationToken StopToken => _stopping.Token;

    /// <inheritdoc />
    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();

    /// <inheritdoc />
    protected override void EndProcessing() => _progress?.Complete();

    /// <summary>
    /// Opens the library: <see cref="LibraryPath"/> if given (resolved against the current
    /// PowerShell location), else <paramref name="fromInput"/> (the library a piped object came
    /// from), else the default.
    /// </summary>
    protected ImageLibrary OpenLibrary(string? fromInput = null)
    {
        var path = LibraryPath is not null ? ResolveNewFileSystemPath(LibraryPath) : fromInput;
        try
        {
            return ImageLibrary.Open(path);
        }
        catch (ImageOpsException ex)
        {
            // Without a library no item can proceed: terminating.
            ThrowTerminatingError(ErrorRecordFactory.Create(ex, path));
            throw;
        }
    }

    /// <summary>
    /// Resolves a file-system path that may not exist yet (relative to the current location, PSDrives
    /// allowed, no wildcards). Throws a terminating error for non-file-system providers.
    /// </summary>
    protected string ResolveNewFileSystemPath(string path)
    {
        var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
        EnsureFileSystem(provider, path);
        return resolved;
    }

    /// <summary>Resolves a path pattern to existing file-system items (wildcards expanded).</summary>
    protected IReadOnlyList<string> ResolveExistingFileSystemPaths(string pathPattern, bool literal)
    {
        if (literal)
        {
            var single = ResolveNewFileSystemPath(pathPattern);
            if (!File.Exists(single) && !Directory.Exists(single))
            {
                WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find path '{single}' because it does not exist."), "PathNotFound", ErrorCategory.ObjectNotFound, pathPattern));
                return Array.Empty<string>();
            }

            return new[] { single };
        }

        try
        {
            var resolved = GetResolvedProviderPathFromPSPath(pathPattern, out var provider);
            EnsureFileSystem(provider, pathPattern);
            return resolved;
        }
        catch (ItemNotFoundException ex)
        {
            WriteError(new ErrorRecord(ex, "PathNotFound", ErrorCategory.ObjectNotFound, pathPattern));
            return Array.Empty<string>();
        }
    }

    /// <summary>
    /// Runs one engine call with an <see cref="OperationContext"/> wired to this cmdlet: log lines go
    /// to the Verbose/Warning/Information/Debug streams and progress to Write-Progress, all written
    /// on the pipeline thread. Engine errors propagate; use <see cref="TryInvoke{T}"/> for
    /// per-item (non-terminating) handling.
    /// </summary>
    protected T Invoke<T>(Func<OperationContext, T> engineCall)
    {
        using var pump = new EngineMessagePump();
        var context = new OperationContext(pump, pump, _stopping.Token);
        _progress ??= new ProgressWriter(MyInvocation?.MyCommand?.Name ?? GetType().Name, WriteProgress);
        try
        {
            return pump.Run(() => engineCall(context), WriteLog, p => _progress.Write(p));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The user stopped the pipeline: PowerShell expects this exception, not an error record.
            throw new PipelineStoppedException();
        }
        finally
        {
            _progress.Complete();
        }
    }

    /// <summary>
    /// Like <see cref="Invoke{T}"/>, but a failure becomes a non-terminating error about
    /// <paramref name="target"/> and the method returns false, so the next pipeline item proceeds.
    /// </summary>
    protected bool TryInvoke<T>(object? target, Func<OperationContext, T> engineCall, out T result)
    {
        try
        {
            result = Invoke(engineCall);
            return true;
        }
        catch (Exception ex) when (ErrorRecordFactory.IsReportable(ex))
        {
            WriteError(ErrorRecordFactory.Create(ex, target));
            result = default!;
            return false;
        }
    }

    /// <summary>Writes a non-terminating error for an exception the engine returned rather than threw.</summary>
    protected void WriteEngineError(Exception exception, object? target = null)
        => WriteError(ErrorRecordFactory.Create(exception, target));

    private void WriteLog(LogLevel level, string message)
    {
        switch (level)
        {
            case LogLevel.Warning:
                WriteWarning(message);
                break;
            case LogLevel.Information:
                WriteInformation(message, new[] { "ImageOps" });
                break;
            case LogLevel.Debug:
                WriteDebug(message);
                break;
            default:
                WriteVerbose(message);
                break;
        }
    }

    private void EnsureFileSystem(ProviderInfo provider, string path)
    {
        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"'{path}' is on the {provider.Name} provider; ImageOps needs a file-system path."),
                "PathNotFileSystem",
                ErrorCategory.InvalidArgument,
                path));
        }
    }
}
