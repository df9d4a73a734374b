using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using Spectre.Console;

namespace ImageOps.Cli.Commands.Profile;

/// <summary><c>imageops profile remove NAME</c> — Remove-DriverProfile.</summary>
internal static class ProfileRemoveVerb
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Profile name." };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("remove", "Remove a driver profile (its packages stay in the library).") { name, whatIf };
        VerbAction.Set(command, session =>
        {
            var library = session.OpenLibrary();
            var profile = library.Drivers.Profiles.Get(session.Parse.GetRequiredValue(name));
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf("Remove driver profile", $"driver profile '{profile.Name}'");
                return ExitCodes.Success;
            }

            var removed = library.Drivers.Profiles.Remove(profile.Name, session.Context());
            session.Result(removed, console => console.WriteLine($"Removed driver profile '{removed.Name}'."));
            return ExitCodes.Success;
        });
        return command;
    }
}
