using System.CommandLine;

namespace ImageOps.Cli.Commands.Profile;

/// <summary><c>imageops profile</c>: the driver profile verbs, mirroring the *-DriverProfile cmdlets and Resolve-DriverSet.</summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var profile = new Command("profile", "Manage driver profiles (which hardware models get which drivers) and resolve a model's driver set.");
        profile.Subcommands.Add(ProfileNewVerb.Create());
        profile.Subcommands.Add(ProfileListVerb.Create());
        profile.Subcommands.Add(ProfileShowVerb.Create());
        profile.Subcommands.Add(ProfileSetVerb.Create());
        profile.Subcommands.Add(ProfileRemoveVerb.Create());
        profile.Subcommands.Add(ProfileResolveVerb.Create());
        return profile;
    }
}
