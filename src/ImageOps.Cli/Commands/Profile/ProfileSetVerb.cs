using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Profile;

/// <summary><c>imageops profile set NAME [rules] [--new-name N]</c> — Set-DriverProfile. A list option replaces the list; given with no value it clears it.</summary>
internal static class ProfileSetVerb
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Profile name." };
        var newName = new Option<string?>("--new-name") { Description = "Rename the profile." };
        var rules = new ProfileRuleOptions();
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("set", "Change a driver profile: only the options given change; a list option replaces the stored list (given with no value, it clears it).") { name, newName };
        rules.AddTo(command);
        command.Options.Add(whatIf);
        VerbAction.Set(command, session =>
        {
            var library = session.OpenLibrary();
            var profile = library.Drivers.Profiles.Get(session.Parse.GetRequiredValue(name));
            var rename = session.Parse.GetValue(newName);
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf(rename is null ? "Change driver profile" : $"Change driver profile and rename it to '{rename}'", $"driver profile '{profile.Name}'");
                return ExitCodes.Success;
            }

            var changed = library.Drivers.Profiles.Update(profile.Name, rules.Changes(session, rename), session.Context());
            session.Result(changed, console => DriverViews.Profile(console, changed));
            return ExitCodes.Success;
        });
        return command;
    }
}
