using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Drivers;

namespace ImageOps.Cli.Commands.Driver;

/// <summary><c>imageops driver list [filters]</c> — Get-DriverPackage.</summary>
internal static class DriverListVerb
{
    public static Command Create()
    {
        var ids = DriverOptions.Many("--id", "Package ids (wildcards, or unique prefixes; repeatable).", "ID");
        var names = DriverOptions.Many("--name", "INF file names (wildcards; repeatable).", "NAME");
        var cls = new Option<string?>("--class") { Description = "Device setup class (wildcards), for example Net or SCSIAdapter." };
        var provider = new Option<string?>("--provider") { Description = "Provider (wildcards)." };
        var hardwareId = new Option<string?>("--hardware-id") { Description = "A hardware or compatible id some model lists (wildcards)." };
        var group = new Option<string?>("--group") { Description = "A group the package belongs to (wildcards)." };
        var architecture = DriverOptions.Architecture();
        var osVersion = DriverOptions.OsVersion();
        osVersion.Description = "Only packages with models for this Windows version, for example 10.0.22631.";
        var command = new Command("list", "List the driver packages in the library, filtered by id, name, class, provider, hardware id, group, architecture or Windows version.") { ids, names, cls, provider, hardwareId, group, architecture, osVersion };
        VerbAction.Set(command, session =>
        {
            var query = new DriverPackageQuery
            {
                Ids = session.Parse.GetValue(ids),
                Names = session.Parse.GetValue(names),
                Class = session.Parse.GetValue(cls),
                Provider = session.Parse.GetValue(provider),
                HardwareId = session.Parse.GetValue(hardwareId),
                Group = session.Parse.GetValue(group),
                Architecture = DriverOptions.Arch(session, architecture),
                OSVersion = DriverOptions.Version(session.Parse.GetValue(osVersion)),
            };
            var result = session.OpenLibrary().Drivers.Packages.Find(query, session.Context());
            foreach (var error in result.Errors)
            {
                session.ItemError(error);
            }

            session.Result(result.Packages, console => DriverViews.Packages(console, result.Packages));
            return result.Errors.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
