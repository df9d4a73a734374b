using System;
using System.Diagnostics;
using ImageOps.Cli;
using ImageOps.Cli.Infrastructure;

// Ctrl+C cancels the token every verb passes to the engine; System.CommandLine waits for the verb
// to observe it (the engine checks per block) before the process ends.
var clock = Stopwatch.StartNew();
var exit = await CliApp.InvokeAsync(args, new System.CommandLine.InvocationConfiguration
{
    ProcessTerminationTimeout = TimeSpan.FromSeconds(10),
    Output = Console.Out,
    Error = Console.Error,
});

if (RunStatistics.Enabled)
{
    RunStatistics.Report(clock);
}

return exit;
