using System;
using System.CommandLine;
using System.Linq;
using ImageOps.Cli.Commands.Disk;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Injection;

namespace ImageOps.Cli.Commands.Image;

/// <summary><c>imageops image add-driver IMAGE --driver PATH... --output RESULT</c> — Add-ImageDriver.</summary>
internal static class ImageAddDriverVerb
{
    public static Command Create()
    {
        var image = InjectionOptions.Image();
        var drivers = new Option<string[]>("--driver", "-d") { Description = "A driver package on this computer: an INF, or a folder searched for INFs (repeatable).", Arity = ArgumentArity.ZeroOrMore, HelpName = "PATH" };
        var packages = new Option<string[]>("--package") { Description = "A package of the driver library, by id or unique id prefix (repeatable).", Arity = ArgumentArity.ZeroOrMore, HelpName = "ID" };
        var profile = new Option<string?>("--profile") { Description = "Inject the driver set of the model this driver profile names (as `imageops profile resolve`), for the image's Windows version and architecture." };
        var manufacturer = new Option<string?>("--manufacturer") { Description = "With --model: the computer manufacturer." };
        var model = new Option<string?>("--model") { Description = "Inject the driver set the library's profiles give this hardware model." };
        var output = InjectionOptions.Output();
        var flat = InjectionOptions.Flat();
        var format = InjectionOptions.FlatFormat();
        var imageFormat = InjectionOptions.ImageFormat();
        var method = new Option<InjectionMethod>("--method") { Description = "auto (default), offlineregistry (any host: libntfs-3g, registry stubs, first-boot pnputil) or dism (Windows, VHD/VHDX; not yet exercised on Windows).", DefaultValueFactory = _ => InjectionMethod.Auto };
        var force = new Option<bool>("--force") { Description = "Replace an existing result once the new one is complete, and start the first-boot installer from a script block where Group Policy in the image sets AllSigned." };
        var forceUnsigned = new Option<bool>("--force-unsigned") { Description = "Register boot-start storage drivers that have no catalog on 64-bit Windows (test-signed images)." };
        var roots = DiskOptions.ParentSearchPath();
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("add-driver", "Inject drivers into an offline Windows image: a new layer (or flat copy) with the packages staged, boot-critical storage drivers registered, DevicePath and a first-boot pnputil installer. The image is never written.")
        {
            image, drivers, packages, profile, manufacturer, model, output, flat, format, imageFormat, method, force, forceUnsigned, roots, whatIf,
        };
        VerbAction.Set(command, session =>
        {
            var request = new DriverInjectionRequest
            {
                ImagePath = CliPaths.Full(session.Parse.GetRequiredValue(image)),
                ImageFormat = session.Parse.GetValue(imageFormat),
                DestinationPath = CliPaths.Full(session.Parse.GetRequiredValue(output)),
                Output = InjectionOptions.Kind(session.Parse, flat),
                FlatFormat = session.Parse.GetValue(format),
                DriverPaths = CliPaths.All(session.Parse.GetValue(drivers)),
                PackageIds = session.Parse.GetValue(packages) ?? Array.Empty<string>(),
                Profile = session.Parse.GetValue(profile),
                Model = session.Parse.GetValue(model) is { } m ? new HardwareModel(session.Parse.GetValue(manufacturer), m) : null,
                Force = session.Parse.GetValue(force),
                Overwrite = session.Parse.GetValue(force),
                ForceUnsigned = session.Parse.GetValue(forceUnsigned),
                Method = session.Parse.GetValue(method),
                ParentSearchPaths = CliPaths.All(session.Parse.GetValue(roots)),
            };
            var needsLibrary = request.PackageIds.Count > 0 || request.Profile is not null || request.Model is not null;
            var service = new DriverInjectionService(needsLibrary ? session.OpenLibrary() : null);
            var plan = session.WithProgress(context => service.PlanAdd(request, context));
            if (session.Parse.GetValue(whatIf))
            {
                session.Result(plan, console => InjectionViews.Plan(console, plan));
                return ExitCodes.Success;
            }

            foreach (var finding in plan.Findings.Where(f => f.Severity == InjectionSeverity.Warning))
            {
                session.Write(LogLevel.Warning, finding.Id + ": " + finding.Message);
            }

            var result = session.WithProgress(context => service.Apply(plan, context));
            session.Result(result, console => InjectionViews.Result(console, result));
            return ExitCodes.Success;
        });
        return command;
    }
}
