using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;

namespace ImageOps.Cli.Commands.Profile;

/// <summary><c>imageops profile new --name NAME [rules]</c> — New-DriverProfile.</summary>
internal static class ProfileNewVerb
{
    public static Command Create()
    {
        var name = new Option<string>("--name") { Description = "Name of the new profile.", Required = true };
        var rules = new ProfileRuleOptions();
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("new", "Create a driver profile: hardware models (wildcards), Windows versions and architecture mapped to package groups, with curated sources, exclusions or an explicit 'no drivers'.") { name };
        rules.AddTo(command);
        command.Options.Add(whatIf);
        VerbAction.Set(command, session =>
        {
            var profileName = session.Parse.GetRequiredValue(name);
            var definition = rules.Rules(session);
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf("Create driver profile", $"driver profile '{profileName}' for {definition.DescribeSelector()}");
                return ExitCodes.Success;
            }

            var profile = session.OpenLibrary().Drivers.Profiles.Create(profileName, definition, session.Context());
            session.Result(profile, console => DriverViews.Profile(console, profile));
            return ExitCodes.Success;
        });
        return command;
    }
}
