using System;
using System.CommandLine;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ImageOps.Cli.Infrastructure;

/// <summary>
/// Wires a verb's body into System.CommandLine: builds the session, runs the body, and maps
/// failures to exit codes and error output in one place (the CLI's twin of the cmdlet base class).
/// </summary>
internal static class VerbAction
{
    /// <summary>Sets <paramref name="body"/> as the action of <paramref name="command"/>.</summary>
    public static void Set(Command command, Func<CliSession, int> body)
    {
        command.SetAction((parse, cancellation) => Task.FromResult(Run(parse, cancellation, body)));
    }

    internal static int Run(ParseResult parse, CancellationToken cancellation, Func<CliSession, int> body, int failureExitCode = ExitCodes.Failure)
    {
        var config = parse.InvocationConfiguration;
        var session = new CliSession(parse, config.Output, config.Error, cancellation);
        try
        {
            return body(session);
        }
        catch (OperationCanceledException ex) when (cancellation.IsCancellationRequested)
        {
            session.Error(ex);
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ex is ImageOpsException || ex is IOException || ex is UnauthorizedAccessException)
        {
            session.Error(ex);
            return failureExitCode;
        }
    }
}
