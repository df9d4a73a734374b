using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Driver;

/// <summary><c>imageops driver show ID</c> — Get-DriverPackage -Id ID | Format-List.</summary>
internal static class DriverShowVerb
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Package id, or a unique prefix of at least 4 digits." };
        var command = new Command("show", "Show one driver package: metadata, models, services and files.") { id };
        VerbAction.Set(command, session =>
        {
            var package = session.OpenLibrary().Drivers.Packages.Get(session.Parse.GetRequiredValue(id));
            session.Result(package, console => DriverViews.Package(console, package));
            return ExitCodes.Success;
        });
        return command;
    }
}
