using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Drivers;

namespace ImageOps.Cli.Commands.Driver;

/// <summary><c>imageops driver inspect PATH</c> — Get-DriverInf. Exit 0 even if an import would refuse it (the report says why).</summary>
internal static class DriverInspectVerb
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The INF file (its folder is its package)." };
        var command = new Command("inspect", "Read an INF without importing it: metadata, models per decoration, hardware ids, services, files and diagnostics.") { path };
        VerbAction.Set(command, session =>
        {
            var report = DriverInfInspector.Inspect(CliPaths.Full(session.Parse.GetRequiredValue(path)), session.Context());
            session.Result(report, console => DriverViews.Inf(console, report));
            return ExitCodes.Success;
        });
        return command;
    }
}
