using System.CommandLine;

namespace ImageOps.Cli.Commands.Driver;

/// <summary><c>imageops driver</c>: the driver package verbs, mirroring the *-DriverPackage, Get-DriverInf and Test-DriverCoverage cmdlets.</summary>
internal static class DriverCommand
{
    public static Command Create()
    {
        var driver = new Command("driver", "Manage the driver library: import, list, inspect, match, export and remove packages; check a fleet's coverage.");
        driver.Subcommands.Add(DriverAddVerb.Create());
        driver.Subcommands.Add(DriverListVerb.Create());
        driver.Subcommands.Add(DriverShowVerb.Create());
        driver.Subcommands.Add(DriverRemoveVerb.Create());
        driver.Subcommands.Add(DriverExportVerb.Create());
        driver.Subcommands.Add(DriverInspectVerb.Create());
        driver.Subcommands.Add(DriverMatchVerb.Create());
        driver.Subcommands.Add(DriverCoverageVerb.Create());
        return driver;
    }
}
