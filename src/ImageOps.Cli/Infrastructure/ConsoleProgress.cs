using System;
using System.Collections.Generic;
using Spectre.Console;

namespace ImageOps.Cli.Infrastructure;

/// <summary>
/// Engine progress as Spectre.Console bars on stderr: one bar per phase, bytes as the unit, with
/// time remaining and speed. Spectre's task updates are thread-safe, so the engine may report from
/// its worker threads.
/// </summary>
internal sealed class ConsoleProgress : IProgress<OperationProgress>
{
    private readonly ProgressContext _context;
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private ProgressTask? _current;

    private ConsoleProgress(ProgressContext context)
    {
        _context = context;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with bars on <paramref name="terminal"/>; the bars are removed when
    /// it ends, whether it succeeds or throws.
    /// </summary>
    public static T Run<T>(IAnsiConsole terminal, Func<IProgress<OperationProgress>, T> work)
    {
        T result = default!;
        terminal.Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new TransferSpeedColumn())
            .Start(context => result = work(new ConsoleProgress(context)));
        return result;
    }

    public void Report(OperationProgress value)
    {
        lock (_gate)
        {
            if (!_tasks.TryGetValue(value.Phase, out var task))
            {
                if (_current is not null && !_current.IsFinished)
                {
                    _current.Value = _current.MaxValue;
                    _current.StopTask();
                }

                task = _context.AddTask(Markup.Escape(value.Phase), autoStart: true, maxValue: Math.Max(1, value.Total));
                _tasks[value.Phase] = task;
                _current = task;
            }

            task.IsIndeterminate = value.Total <= 0;
            if (value.Total > 0)
            {
                task.MaxValue = value.Total;
            }

            task.Value = Math.Min(value.Done, task.MaxValue);
            if (!string.IsNullOrEmpty(value.CurrentItem))
            {
                task.Description = Markup.Escape(value.Phase + ": " + value.CurrentItem);
            }
        }
    }
}
