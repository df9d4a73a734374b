using System;
using System.CommandLine;
using ImageOps.Cli.Commands.Disk;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Injection;

namespace ImageOps.Cli.Commands.Image;

/// <summary><c>imageops image remove-driver IMAGE PACKAGE... --output RESULT</c> — Remove-ImageDriver.</summary>
internal static class ImageRemoveDriverVerb
{
    public static Command Create()
    {
        var image = InjectionOptions.Image();
        var packages = new Argument<string[]>("package") { Description = "Packages ImageOps staged: staging folder name, INF name (wildcards) or package id prefix.", Arity = ArgumentArity.OneOrMore };
        var output = InjectionOptions.Output();
        var flat = InjectionOptions.Flat();
        var format = InjectionOptions.FlatFormat();
        var imageFormat = InjectionOptions.ImageFormat();
        var force = new Option<bool>("--force") { Description = "Replace an existing result once the new one is complete." };
        var roots = DiskOptions.ParentSearchPath();
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("remove-driver", "Take packages ImageOps staged out of an offline image again, into a new layer (or flat copy): their files, boot registration and first-boot entries. The image is never written.")
        {
            image, packages, output, flat, format, imageFormat, force, roots, whatIf,
        };
        VerbAction.Set(command, session =>
        {
            var request = new DriverRemovalRequest
            {
                ImagePath = CliPaths.Full(session.Parse.GetRequiredValue(image)),
                ImageFormat = session.Parse.GetValue(imageFormat),
                DestinationPath = CliPaths.Full(session.Parse.GetRequiredValue(output)),
                Output = InjectionOptions.Kind(session.Parse, flat),
                FlatFormat = session.Parse.GetValue(format),
                Packages = session.Parse.GetValue(packages) ?? Array.Empty<string>(),
                Overwrite = session.Parse.GetValue(force),
                ParentSearchPaths = CliPaths.All(session.Parse.GetValue(roots)),
            };
            var service = new DriverInjectionService();
            var plan = session.WithProgress(context => service.PlanRemove(request, context));
            if (session.Parse.GetValue(whatIf))
            {
                session.Result(plan, console => InjectionViews.Plan(console, plan));
                return ExitCodes.Success;
            }

            var result = session.WithProgress(context => service.Apply(plan, context));
            session.Result(result, console => InjectionViews.Result(console, result));
            return ExitCodes.Success;
        });
        return command;
    }
}
