using System.CommandLine;
using ImageOps.Cli.Commands.Driver;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Profile;

/// <summary><c>imageops profile list [--name PATTERN...]</c> — Get-DriverProfile.</summary>
internal static class ProfileListVerb
{
    public static Command Create()
    {
        var names = DriverOptions.Many("--name", "Only profiles whose names match (wildcards; repeatable).", "NAME");
        var command = new Command("list", "List the driver profiles.") { names };
        VerbAction.Set(command, session =>
        {
            var result = session.OpenLibrary().Drivers.Profiles.Find(session.Parse.GetValue(names), session.Context());
            foreach (var error in result.Errors)
            {
                session.ItemError(error);
            }

            session.Result(result.Profiles, console => DriverViews.Profiles(console, result.Profiles));
            return result.Errors.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }
}
