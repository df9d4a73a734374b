using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageOps.Engine.Injection;
using Spectre.Console;

namespace ImageOps.Cli.Rendering;

/// <summary>Human views of injection plans, results and an image's drivers.</summary>
internal static class InjectionViews
{
    public static void Plan(IAnsiConsole console, InjectionPlan plan)
    {
        console.WriteLine("What if: " + plan.ToString().TrimEnd());
    }

    public static void Result(IAnsiConsole console, InjectionResult result)
    {
        var verb = result.Plan.Operation == InjectionOperation.Add ? "Injected" : "Removed";
        console.WriteLine($"{verb} {result.Packages.Length} package(s): {result.DestinationPath} ({result.Format} {(result.Output == InjectionOutput.Layer ? "layer" : "flat copy")}, {Bytes(result.FileSizeBytes)}) in {result.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s by {result.Method}.");
        foreach (var package in result.Packages)
        {
            console.WriteLine($"  {package.Name} [{package.Id}] {package.Class} {package.Version} -> {package.Folder}{(package.BootStub is null ? string.Empty : $"  (boot start: {package.BootStub.Service}, {package.BootStub.Database})")}");
        }

        console.WriteLine($"  {result.FilesWritten} file(s) written ({Bytes(result.BytesWritten)}), {result.FilesDeleted} deleted, {result.RegistryChanges} registry change(s).");
        if (result.Chain.Length > 1)
        {
            console.WriteLine("  Chain: " + string.Join(" -> ", result.Chain.Select(System.IO.Path.GetFileName)));
        }
    }

    public static void Drivers(IAnsiConsole console, IReadOnlyList<ImageDriverInfo> drivers)
    {
        if (drivers.Count == 0)
        {
            console.WriteLine("No drivers.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "Kind", "Name", "Published", "Provider", "Class", "Version", "Status", "Boot" })
        {
            table.AddColumn(column);
        }

        foreach (var d in drivers)
        {
            table.AddRow(E(d.Kind.ToString()), E(d.Name), E(d.PublishedName), E(d.Provider), E(d.Class), E(d.Version), E(d.Status + (d.Attempts > 0 ? $" ({d.Attempts})" : string.Empty)), d.BootStart ? "yes" : string.Empty);
        }

        console.Write(table);
    }

    private static string E(string? text) => Markup.Escape(text ?? string.Empty);

    private static string Bytes(long bytes) => ImageOps.ByteSize.Format(bytes);
}
