using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Drivers;

namespace ImageOps.Cli.Commands.Driver;

/// <summary><c>imageops driver match --hardware-id ID... [--compatible-id ID...]</c> — Find-DriverPackage. Exit 0 if a driver applies, 1 if none does.</summary>
internal static class DriverMatchVerb
{
    public static Command Create()
    {
        var hardware = DriverOptions.Many("--hardware-id", "The device's hardware ids, most specific first.", "ID");
        var compatible = DriverOptions.Many("--compatible-id", "The device's compatible ids, most specific first.", "ID");
        var name = new Option<string?>("--device-name") { Description = "A name for the device in the output." };
        var groups = DriverOptions.Many("--group", "Only rank packages of these groups.", "GROUP");
        var architecture = DriverOptions.Architecture();
        var osVersion = DriverOptions.OsVersion();
        var productType = DriverOptions.ProductType();
        var command = new Command("match", "Rank the library's packages for a device as Windows would (signature, feature and identifier scores, decoration, date, version) and explain the choice.") { hardware, compatible, name, groups, architecture, osVersion, productType };
        VerbAction.Set(command, session =>
        {
            var device = new DeviceIdentity(session.Parse.GetValue(hardware), session.Parse.GetValue(compatible), session.Parse.GetValue(name));
            var platform = DriverOptions.Platform(session, architecture, osVersion, productType);
            var selected = session.Parse.GetValue(groups);
            var result = session.OpenLibrary().Drivers.Match(device, platform, selected is { Length: > 0 } ? selected : null, session.Context());
            session.Result(result, console => DriverViews.Match(console, result));
            return result.Chosen is null ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }
}
