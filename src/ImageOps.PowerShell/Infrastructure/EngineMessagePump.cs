using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace ImageOps.PowerShell.Infrastructure;

/// <summary>
/// Runs an engine call on a worker thread while the pipeline thread waits and drains what the call
/// reports (STYLE.md 5): log lines in order, and only the latest progress (older progress is
/// superseded). Every Write* therefore happens on the pipeline thread, as PowerShell requires.
/// </summary>
internal sealed class EngineMessagePump : IOperationLog, IProgress<OperationProgress>, IDisposable
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _log = new();
    private readonly AutoResetEvent _signal = new(false);
    private readonly object _progressGate = new();
    private OperationProgress? _latestProgress;

    public void Write(LogLevel level, string message)
    {
        _log.Enqueue((level, message));
        _signal.Set();
    }

    public void Report(OperationProgress value)
    {
        lock (_progressGate)
        {
            _latestProgress = value;
        }

        _signal.Set();
    }

    /// <summary>Runs <paramref name="work"/> and pumps until it ends; rethrows its exception unchanged.</summary>
    public T Run<T>(Func<T> work, Action<LogLevel, string> writeLog, Action<OperationProgress> writeProgress)
    {
        var task = Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var handles = new[] { _signal, ((IAsyncResult)task).AsyncWaitHandle };
        while (!task.IsCompleted)
        {
            WaitHandle.WaitAny(handles, 250);
            Drain(writeLog, writeProgress);
        }

        Drain(writeLog, writeProgress);

        // GetResult rethrows the engine's own exception, not an AggregateException.
        return task.GetAwaiter().GetResult();
    }

    public void Dispose() => _signal.Dispose();

    private void Drain(Action<LogLevel, string> writeLog, Action<OperationProgress> writeProgress)
    {
        while (_log.TryDequeue(out var entry))
        {
            writeLog(entry.Level, entry.Message);
        }

        OperationProgress? progress;
        lock (_progressGate)
        {
            progress = _latestProgress;
            _latestProgress = null;
        }

        if (progress is { } p)
        {
            writeProgress(p);
        }
    }
}
