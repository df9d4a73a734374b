using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using Spectre.Console;
using ImageOps.Engine.Drivers;

namespace ImageOps.Cli.Commands.Driver;

/// <summary><c>imageops driver remove ID [--force]</c> — Remove-DriverPackage.</summary>
internal static class DriverRemoveVerb
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Package id, or a unique prefix." };
        var force = new Option<bool>("--force") { Description = "Remove it even if driver profiles use it." };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("remove", "Remove a driver package; stored files no other package needs are deleted.") { id, force, whatIf };
        VerbAction.Set(command, session =>
        {
            var library = session.OpenLibrary();
            var package = library.Drivers.Packages.Get(session.Parse.GetRequiredValue(id));
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf("Remove driver package", $"driver package {package.Id} ({package.Name} {package.Version})");
                return ExitCodes.Success;
            }

            var result = library.Drivers.Packages.Remove(package.Id, session.Parse.GetValue(force), session.Context());
            session.Result(result, console => console.WriteLine($"Removed {result.Package.Name} ({result.Package.Id}); deleted {result.ObjectsDeleted} stored file(s), {ByteSize.Format(result.BytesFreed, System.Globalization.CultureInfo.InvariantCulture)} freed."));
            return ExitCodes.Success;
        });
        return command;
    }
}
