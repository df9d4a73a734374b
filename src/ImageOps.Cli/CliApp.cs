using System;
using System.CommandLine;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ImageOps.Cli.Commands.Demo;
using ImageOps.Cli.Commands.Disk;
using ImageOps.Cli.Commands.Driver;
using ImageOps.Cli.Commands.Image;
using ImageOps.Cli.Commands.Pool;
using ImageOps.Cli.Commands.Profile;
using ImageOps.Cli.Infrastructure;
using ImageOps.Engine;

namespace ImageOps.Cli;

/// <summary>Builds the <c>imageops</c> command tree. Each noun group lives in its own folder under Commands.</summary>
internal static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("ImageOps: single-image desktop management — image pools, virtual disks, drivers and deployment.");
        GlobalOptions.AddTo(root);
        root.Subcommands.Add(PoolCommand.Create());
        root.Subcommands.Add(DiskCommand.Create());
        root.Subcommands.Add(ImageCommand.Create());
        root.Subcommands.Add(DriverCommand.Create());
        root.Subcommands.Add(ProfileCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root;
    }

    /// <summary>The error id of a command line that does not parse (an unknown verb or option, a missing argument, a bad value).</summary>
    public const string CommandLineInvalid = "CommandLineInvalid";

    /// <summary>Parses and runs a command line (the process entry point).</summary>
    public static Task<int> InvokeAsync(string[] args, InvocationConfiguration configuration)
    {
        var parse = Build().Parse(args);
        return ReportedParseErrors(parse, configuration) ? Task.FromResult(ExitCodes.Failure) : parse.InvokeAsync(configuration);
    }

    /// <summary>As <see cref="InvokeAsync"/>, synchronously (the in-process tests).</summary>
    public static int Invoke(string[] args, InvocationConfiguration configuration)
    {
        var parse = Build().Parse(args);
        return ReportedParseErrors(parse, configuration) ? ExitCodes.Failure : parse.Invoke(configuration);
    }

    // Without --json, System.CommandLine reports parse errors with the usage, for a person. With --json
    // the caller is a program reading stdout: it gets the same error object as any other failure.
    private static bool ReportedParseErrors(ParseResult parse, InvocationConfiguration configuration)
    {
        if (parse.Errors.Count == 0 || !parse.GetValue(GlobalOptions.Json))
        {
            return false;
        }

        var session = new CliSession(parse, configuration.Output ?? Console.Out, configuration.Error ?? Console.Error, CancellationToken.None);
        session.Error(new InvalidRequestException(CommandLineInvalid, string.Join(" ", parse.Errors.Select(e => e.Message))));
        return true;
    }
}
