using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Drivers;

namespace ImageOps.Cli.Commands.Driver;

/// <summary>
/// <c>imageops driver coverage INVENTORY [--html PATH]</c> — Test-DriverCoverage. Exit codes in the style
/// of <c>disk check</c>: 0 every model passes, 3 warnings only, 2 at least one model fails, 1 the check
/// could not run.
/// </summary>
internal static class DriverCoverageVerb
{
    public const int Warnings = 3;
    public const int Failures = 2;

    public static Command Create()
    {
        var inventory = new Argument<string>("inventory") { Description = "Fleet inventory, CSV or JSON: a model column plus PnP ids per device (Get-PnpDevice or pnputil column names)." };
        var html = new Option<string?>("--html") { Description = "Write the HTML report (models x device classes, coloured) to this file.", HelpName = "PATH" };
        var architecture = DriverOptions.Architecture();
        var osVersion = DriverOptions.OsVersion();
        var productType = DriverOptions.ProductType();
        var command = new Command("coverage", "Check a fleet inventory against the library before deployment (exit 0 pass, 3 warnings, 2 failures).") { inventory, html, architecture, osVersion, productType };
        VerbAction.Set(command, session =>
        {
            var htmlPath = session.Parse.GetValue(html) is { } h ? CliPaths.Full(h) : null;
            var platform = DriverOptions.Platform(session, architecture, osVersion, productType);
            var report = session.WithProgress(context => session.OpenLibrary().Drivers.TestCoverage(CliPaths.Full(session.Parse.GetRequiredValue(inventory)), platform, htmlPath, context));
            session.Result(report, console => DriverViews.Coverage(console, report));
            return report.Status switch
            {
                CoverageStatus.Fail => Failures,
                CoverageStatus.Warning => Warnings,
                _ => ExitCodes.Success,
            };
        });
        return command;
    }
}
