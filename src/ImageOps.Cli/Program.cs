using System;
using System.Threading.Tasks;
using ImageOps.Cli;

// Ctrl+C cancels the token every verb passes to the engine; System.CommandLine waits for the verb
// to observe it (the engine checks per block) before the process ends.
var root = CliApp.Build();
var parse = root.Parse(args);
return await parse.InvokeAsync(new System.CommandLine.InvocationConfiguration
{
    ProcessTerminationTimeout = TimeSpan.FromSeconds(10),
    Output = Console.Out,
    Error = Console.Error,
});
