using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Profile;

/// <summary><c>imageops profile show NAME</c> — Get-DriverProfile NAME | Format-List.</summary>
internal static class ProfileShowVerb
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Profile name." };
        var command = new Command("show", "Show one driver profile.") { name };
        VerbAction.Set(command, session =>
        {
            var profile = session.OpenLibrary().Drivers.Profiles.Get(session.Parse.GetRequiredValue(name));
            session.Result(profile, console => DriverViews.Profile(console, profile));
            return ExitCodes.Success;
        });
        return command;
    }
}
