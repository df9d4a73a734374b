using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Threading;
using ImageOps.Engine.Library;
using ImageOps.Engine.Storage;
using Spectre.Console;

namespace ImageOps.Cli.Infrastructure;

/// <summary>
/// What one CLI invocation works with: its output streams, --json/--verbose, the library, the
/// cancellation token, and the engine context that routes log lines to stderr. Results go to stdout
/// (JSON with --json, tables otherwise); messages and errors go to stderr.
/// </summary>
internal sealed class CliSession : IOperationLog
{
    private readonly object _gate = new();

    public CliSession(ParseResult parse, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        Parse = parse;
        Out = output;
        Err = error;
        Json = parse.GetValue(GlobalOptions.Json);
        Verbose = parse.GetValue(GlobalOptions.Verbose);
        LibraryPath = parse.GetValue(GlobalOptions.Library);
        Cancellation = cancellation;
        var terminal = output == System.Console.Out && !System.Console.IsOutputRedirected;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

        // Redirected output is read by scripts: never wrap it at an imagined terminal width.
        if (!terminal)
        {
            Console.Profile.Width = 4096;
        }
    }

    public ParseResult Parse { get; }

    public TextWriter Out { get; }

    public TextWriter Err { get; }

    public bool Json { get; }

    public bool Verbose { get; }

    public string? LibraryPath { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>Spectre console over stdout, for human-readable results.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>An engine context that logs here and observes Ctrl+C.</summary>
    public OperationContext Context(IProgress<OperationProgress>? progress = null) => new(progress, this, Cancellation);

    /// <summary>
    /// Runs an engine call with progress bars on stderr when a person is watching (stderr is a
    /// terminal and --json is off); otherwise without bars, so logs and pipes stay clean.
    /// </summary>
    public T WithProgress<T>(Func<OperationContext, T> engineCall)
    {
        var watched = Err == System.Console.Error && !System.Console.IsErrorRedirected && !Json;
        if (!watched)
        {
            return engineCall(Context());
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) });
        return ConsoleProgress.Run(terminal, progress => engineCall(Context(progress)));
    }

    /// <summary>
    /// Opens the library named by --library, $IMAGEOPS_HOME or the default. An empty --library is an
    /// error, not the default: a script whose variable is unset must not write to the user's library.
    /// </summary>
    public ImageLibrary OpenLibrary() => ImageLibrary.Open(LibraryPath is null ? null : CliPaths.Full(LibraryPath), this);

    /// <summary>Writes a result: JSON with --json, otherwise whatever <paramref name="human"/> renders.</summary>
    public void Result(object? value, Action<IAnsiConsole> human)
    {
        if (Json)
        {
            Out.WriteLine(JsonConventions.Serialize(value));
        }
        else
        {
            human(Console);
        }
    }

    /// <summary>
    /// Writes a failure: a line on stderr, and with --json also <c>{"error": {...}}</c> on stdout so
    /// tooling that reads stdout sees it. The id is the same stable id PowerShell reports.
    /// </summary>
    public void Error(Exception exception)
    {
        var (id, kind, target) = Describe(exception);
        lock (_gate)
        {
            Err.WriteLine($"imageops: error {id}: {exception.Message}");
            if (Json)
            {
                Out.WriteLine(JsonConventions.Serialize(new Dictionary<string, object?>
                {
                    ["error"] = new Dictionary<string, object?>
                    {
                        ["id"] = id,
                        ["category"] = kind.ToString(),
                        ["message"] = exception.Message,
                        ["target"] = target?.ToString(),
                    },
                }));
            }
        }
    }

    /// <summary>Writes a per-item error that did not stop the verb: stderr, and a JSON line on stderr with --json.</summary>
    public void ItemError(ImageOpsException exception)
    {
        lock (_gate)
        {
            Err.WriteLine(Json
                ? JsonConventions.Serialize(new { error = new { id = exception.ErrorId, category = exception.Kind.ToString(), message = exception.Message, target = exception.Target?.ToString() } }, indented: false)
                : $"imageops: error {exception.ErrorId}: {exception.Message}");
        }
    }

    /// <summary>Reports what a mutating verb would do with --what-if, in the words ShouldProcess uses.</summary>
    public void WhatIf(string action, string target)
    {
        Result(
            new { whatIf = true, action, target },
            console => console.WriteLine($"What if: Performing the operation \"{action}\" on target \"{target}\"."));
    }

    /// <inheritdoc />
    public void Write(LogLevel level, string message)
    {
        if (level == LogLevel.Warning)
        {
            lock (_gate)
            {
                Err.WriteLine("WARNING: " + message);
            }
        }
        else if (Verbose && level != LogLevel.Debug)
        {
            lock (_gate)
            {
                Err.WriteLine("VERBOSE: " + message);
            }
        }
    }

    private static (string Id, ErrorKind Kind, object? Target) Describe(Exception exception) => exception switch
    {
        ImageOpsException known => (known.ErrorId, known.Kind, known.Target),
        OperationCanceledException => ("OperationStopped", ErrorKind.OperationStopped, null),
        UnauthorizedAccessException => ("AccessDenied", ErrorKind.PermissionDenied, null),
        IOException => ("IOError", ErrorKind.WriteError, null),
        _ => ("UnexpectedError", ErrorKind.NotSpecified, null),
    };
}
