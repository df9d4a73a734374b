using System;
using System.CommandLine;
using System.Linq;
using ImageOps.Cli.Commands.Disk;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Injection;

namespace ImageOps.Cli.Commands.Image;

/// <summary><c>imageops image drivers IMAGE</c> — Get-ImageDriver.</summary>
internal static class ImageDriversVerb
{
    public static Command Create()
    {
        var image = InjectionOptions.Image();
        var kind = new Option<ImageDriverKind[]>("--kind") { Description = "Only these kinds: inbox, installed, staged (repeatable).", Arity = ArgumentArity.ZeroOrMore };
        var imageFormat = InjectionOptions.ImageFormat();
        var roots = DiskOptions.ParentSearchPath();
        var command = new Command("drivers", "List the drivers of an offline Windows image: in-box, installed (driver store) and staged by ImageOps with their first-boot status, read from the image.") { image, kind, imageFormat, roots };
        VerbAction.Set(command, session =>
        {
            var kinds = session.Parse.GetValue(kind) ?? Array.Empty<ImageDriverKind>();
            var drivers = new DriverInjectionService().GetDrivers(
                CliPaths.Full(session.Parse.GetRequiredValue(image)),
                session.Parse.GetValue(imageFormat),
                CliPaths.All(session.Parse.GetValue(roots)),
                session.Context())
                .Where(d => kinds.Length == 0 || kinds.Contains(d.Kind))
                .ToList();
            session.Result(drivers, console => InjectionViews.Drivers(console, drivers));
            return ExitCodes.Success;
        });
        return command;
    }
}
