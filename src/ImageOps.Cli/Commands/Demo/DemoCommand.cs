using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using ImageOps.Cli.Infrastructure;
using ImageOps.Engine.Library;
using ImageOps.Engine;
using Spectre.Console;

namespace ImageOps.Cli.Commands.Demo;

/// <summary>
/// <c>imageops demo [--path DIR]</c>: builds a demo library in a folder it names and walks through
/// what ImageOps can do, printing each step. Safe to re-run: it only ever clears a folder it made.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Marks a folder as made by the demo, so a re-run may clear it (and nothing else).</summary>
    internal const string MarkerFile = ".imageops-demo";

    /// <summary>The chapters, in order. Each capability adds its own.</summary>
    internal static IReadOnlyList<IDemoStep> Steps() => new IDemoStep[]
    {
        new PoolDemoStep(),
        new DiskDemoStep(),
        new InventoryDemoStep(),
        new DriverDemoStep(),
        new InjectionDemoStep(),
    };

    public static Command Create()
    {
        var path = new Option<string>("--path")
        {
            Description = "Folder for the demo library and its files (default: ./imageops-demo).",
            DefaultValueFactory = _ => "imageops-demo",
        };
        var command = new Command("demo", "Create a demo library and walk through what ImageOps can do.") { path };
        VerbAction.Set(command, session =>
        {
            var root = Prepare(CliPaths.Full(session.Parse.GetValue(path)!));
            var library = ImageLibrary.Open(Path.Combine(root, "library"), session);
            var demo = new DemoContext(root, library, session);
            session.Console.WriteLine($"ImageOps demo in {root}");
            session.Console.WriteLine($"Library: {library.RootPath}  (use it with --library or $IMAGEOPS_HOME)");
            var steps = Steps();
            for (var i = 0; i < steps.Count; i++)
            {
                session.Cancellation.ThrowIfCancellationRequested();
                session.Console.WriteLine();
                session.Console.WriteLine($"[{i + 1}/{steps.Count}] {steps[i].Title}");
                steps[i].Run(demo);
            }

            session.Console.WriteLine();
            session.Console.WriteLine($"Done. Everything the demo made is in {root}.");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Creates the demo folder, or clears one an earlier demo run made; refuses any other non-empty folder.</summary>
    internal static string Prepare(string root)
    {
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            if (!File.Exists(Path.Combine(root, MarkerFile)))
            {
                throw new InvalidRequestException("DemoFolderNotEmpty", $"'{root}' is not empty and was not made by the demo; choose another folder with --path.", root);
            }

            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, MarkerFile), "Made by 'imageops demo'; a re-run deletes this folder.\n");
        return root;
    }
}
