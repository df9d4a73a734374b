using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using ImageOps.Cli.Commands.Driver;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine;
using ImageOps.Engine.Drivers;

namespace ImageOps.Cli.Commands.Profile;

/// <summary>
/// <c>imageops profile resolve --model M [--manufacturer X] [--sku S] [--baseboard B] | --inventory PATH</c> —
/// Resolve-DriverSet. Exit 1 with DriverModelNotCovered when a model has no profile.
/// </summary>
internal static class ProfileResolveVerb
{
    public static Command Create()
    {
        var manufacturer = new Option<string?>("--manufacturer") { Description = "Computer manufacturer (Win32_ComputerSystem.Manufacturer)." };
        var model = new Option<string?>("--model") { Description = "Model (Win32_ComputerSystem.Model)." };
        var sku = new Option<string?>("--sku") { Description = "System SKU." };
        var baseboard = new Option<string?>("--baseboard") { Description = "Baseboard product." };
        var inventory = new Option<string?>("--inventory") { Description = "Resolve every model of this fleet inventory (CSV or JSON) for its devices.", HelpName = "PATH" };
        var architecture = DriverOptions.Architecture();
        var osVersion = DriverOptions.OsVersion();
        var productType = DriverOptions.ProductType();
        var command = new Command("resolve", "Resolve the exact driver packages to inject for a model (or every model of an inventory), each with its reason.") { manufacturer, model, sku, baseboard, inventory, architecture, osVersion, productType };
        VerbAction.Set(command, session =>
        {
            var platform = DriverOptions.Platform(session, architecture, osVersion, productType);
            var library = session.OpenLibrary();
            IReadOnlyList<DriverSet> sets;
            if (session.Parse.GetValue(inventory) is { } path)
            {
                sets = library.Drivers.ResolveInventory(CliPaths.Full(path), platform, session.Context());
            }
            else
            {
                var modelName = session.Parse.GetValue(model) ?? throw new InvalidRequestException(ErrorIds.InvalidArgument, "Give --model (with --manufacturer, --sku, --baseboard as needed) or --inventory.");
                var hardware = new HardwareModel(session.Parse.GetValue(manufacturer), modelName, session.Parse.GetValue(sku), session.Parse.GetValue(baseboard));
                sets = new[] { library.Drivers.Resolve(new DriverSetRequest { Model = hardware, Platform = platform }, session.Context()) };
            }

            var uncovered = sets.Where(s => s.Status == DriverSetStatus.NoProfile).ToList();
            foreach (var set in uncovered)
            {
                session.ItemError(new ObjectNotFoundException(ErrorIds.DriverModelNotCovered, set.Summary, set.Model.ToString()));
            }

            foreach (var warning in sets.SelectMany(s => s.Warnings))
            {
                session.Write(LogLevel.Warning, warning);
            }

            session.Result(session.Parse.GetValue(inventory) is null ? sets[0] : sets, console => DriverViews.Sets(console, sets));
            return uncovered.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
