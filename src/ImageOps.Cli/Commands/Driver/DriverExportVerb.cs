using System.CommandLine;
using ImageOps.Cli.Infrastructure;
using Spectre.Console;

namespace ImageOps.Cli.Commands.Driver;

/// <summary><c>imageops driver export ID --destination DIR [--force]</c> — Export-DriverPackage.</summary>
internal static class DriverExportVerb
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Package id, or a unique prefix." };
        var destination = new Option<string>("--destination", "-d") { Description = "Folder that receives <inf name>_<id>/ with the package's files in their original layout.", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite files of the package already at the destination." };
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("export", "Write a driver package back to a folder, byte for byte in its original layout.") { id, destination, force, whatIf };
        VerbAction.Set(command, session =>
        {
            var library = session.OpenLibrary();
            var package = library.Drivers.Packages.Get(session.Parse.GetRequiredValue(id));
            var folder = CliPaths.Full(session.Parse.GetRequiredValue(destination));
            if (session.Parse.GetValue(whatIf))
            {
                session.WhatIf($"Export to '{folder}'", $"driver package {package.Id} ({package.Name})");
                return ExitCodes.Success;
            }

            var result = session.WithProgress(context => library.Drivers.Packages.Export(package.Id, folder, session.Parse.GetValue(force), context));
            session.Result(result, console => console.WriteLine($"Exported {result.FileCount} file(s) of {result.Name} ({result.PackageId}) to {result.Path}"));
            return ExitCodes.Success;
        });
        return command;
    }
}
