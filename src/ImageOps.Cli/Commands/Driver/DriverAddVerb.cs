using System.CommandLine;
using System.Linq;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Drivers;

namespace ImageOps.Cli.Commands.Driver;

/// <summary><c>imageops driver add PATH... [--group G]... [--architecture A]...</c> — Add-DriverPackage. Exit 1 if any INF was refused.</summary>
internal static class DriverAddVerb
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("path") { Description = "Folders (searched recursively), INF files, .zip archives or .cab files.", Arity = ArgumentArity.OneOrMore };
        var groups = DriverOptions.Many("--group", "Group to put the packages in (repeatable).", "GROUP");
        var architectures = DriverOptions.Many("--architecture", "Import only these architectures (x86, amd64, arm64); by default every one the INF declares.", "ARCH");
        var whatIf = CommonOptions.WhatIf();
        var command = new Command("add", "Import driver packages (one per INF) from folders, INFs, .zip or .cab into the library.") { paths, groups, architectures, whatIf };
        VerbAction.Set(command, session =>
        {
            var group = session.Parse.GetValue(groups) ?? System.Array.Empty<string>();
            var arch = (session.Parse.GetValue(architectures) ?? System.Array.Empty<string>()).Select(DriverOptions.ParseArchitecture).ToArray();
            var failed = false;
            var results = new System.Collections.Generic.List<DriverImportResult>();
            foreach (var raw in session.Parse.GetRequiredValue(paths))
            {
                var path = CliPaths.Full(raw);
                if (session.Parse.GetValue(whatIf))
                {
                    session.WhatIf("Import driver packages" + (group.Length == 0 ? string.Empty : " into group(s) " + string.Join(", ", group)), path);
                    continue;
                }

                try
                {
                    var result = session.WithProgress(context => session.OpenLibrary().Drivers.Packages.Add(new DriverImportRequest { Path = path, Groups = group, Architectures = arch }, context));
                    foreach (var item in result.Items.Where(i => i.Error is not null))
                    {
                        session.ItemError(item.Error!);
                        failed = true;
                    }

                    results.Add(result);
                }
                catch (ImageOpsException ex)
                {
                    session.ItemError(ex);
                    failed = true;
                }
            }

            if (!session.Parse.GetValue(whatIf))
            {
                session.Result(results, console => DriverViews.Imports(console, results));
            }

            return failed ? ExitCodes.Failure : ExitCodes.Success;
        });
        return command;
    }
}
