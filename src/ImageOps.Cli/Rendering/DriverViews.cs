using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageOps.Engine.Drivers;
using Spectre.Console;

namespace ImageOps.Cli.Rendering;

/// <summary>Human views of the driver library (the CLI's counterpart of the format.ps1xml views).</summary>
internal static class DriverViews
{
    public static void Imports(IAnsiConsole console, IReadOnlyList<DriverImportResult> results)
    {
        foreach (var result in results)
        {
            foreach (var item in result.Items)
            {
                var text = item.Status switch
                {
                    DriverImportStatus.Added => $"[green]added[/]    {E(item.InfPath)} as {E(item.Package!.Id)} ({E(item.Package.Class)}, {E(item.Package.Version)})",
                    DriverImportStatus.AlreadyPresent => $"[grey]present[/]  {E(item.InfPath)} is {E(item.Package!.Id)}",
                    _ => $"[red]refused[/]  {E(item.InfPath)}: {E(item.ErrorId)}",
                };
                console.MarkupLine(text);
            }

            console.WriteLine($"{result.Items.Count(i => i.Status == DriverImportStatus.Added)} added, {result.Items.Count(i => i.Status == DriverImportStatus.AlreadyPresent)} already present, {result.Items.Count(i => i.Status == DriverImportStatus.Refused)} refused from {result.Source}; {result.ObjectsStored} file(s) stored ({Bytes(result.BytesStored)}).");
        }
    }

    public static void Packages(IAnsiConsole console, IReadOnlyList<DriverPackageInfo> packages)
    {
        if (packages.Count == 0)
        {
            console.WriteLine("No driver packages.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "Id", "Name", "Class", "Provider", "Version", "Date", "Arch", "Boot", "Groups" })
        {
            table.AddColumn(column);
        }

        foreach (var p in packages)
        {
            table.AddRow(E(p.Id), E(p.Name), E(p.Class), E(p.Provider), E(p.Version), E(Date(p.Date)), E(string.Join(",", p.Architectures.Select(DriverPlatform.ArchitectureName))), p.IsBootStorageController ? "[yellow]storage[/]" : p.IsBootCritical ? "yes" : string.Empty, E(string.Join(", ", p.Groups)));
        }

        console.Write(table);
    }

    public static void Package(IAnsiConsole console, DriverPackageInfo p)
    {
        var grid = Grid();
        Row(grid, "Id", p.Id);
        Row(grid, "Name", p.Name);
        Row(grid, "Provider", p.Provider);
        Row(grid, "Class", p.Class + " " + p.ClassGuid);
        Row(grid, "Version", p.Version + " (" + Date(p.Date) + ")");
        Row(grid, "Architectures", string.Join(", ", p.Architectures.Select(DriverPlatform.ArchitectureName)));
        Row(grid, "OS targets", string.Join(", ", p.OsTargets));
        Row(grid, "Catalog", p.CatalogPresent ? "catalog present (ranked as signed; not verified)" : "no catalog (ranked as unsigned)");
        Row(grid, "Boot-critical", p.IsBootStorageController ? "yes (storage controller)" : p.IsBootCritical ? "yes" : "no");
        Row(grid, "Services", string.Join(", ", p.Services));
        Row(grid, "Groups", string.Join(", ", p.Groups));
        Row(grid, "Size", Bytes(p.SizeBytes) + " in " + p.Files.Length + " file(s)");
        Row(grid, "Imported", p.ImportedUtc.ToString("u", CultureInfo.InvariantCulture) + " from " + p.Source + " (" + p.SourceInfPath + ")");
        console.Write(grid);
        var models = new Table().Border(TableBorder.Simple).AddColumn("Section").AddColumn("Description").AddColumn("Hardware id").AddColumn("Compatible ids");
        foreach (var m in p.Models)
        {
            models.AddRow(E(m.ModelsSection), E(m.Description), E(m.HardwareId), E(string.Join(", ", m.CompatibleIds)));
        }

        console.Write(models);
        foreach (var f in p.Files)
        {
            console.WriteLine($"  {f.Path}  {Bytes(f.SizeBytes)}  {f.Sha256}");
        }
    }

    public static void Inf(IAnsiConsole console, DriverInfReport r)
    {
        var grid = Grid();
        Row(grid, "Path", r.Path);
        Row(grid, "Provider", r.Provider);
        Row(grid, "Class", r.Class + " " + r.ClassGuid);
        Row(grid, "Version", r.Version + " (" + Date(r.Date) + ")");
        Row(grid, "Encoding", r.Encoding + (r.IsTemplate ? ", stampinf template" : string.Empty));
        Row(grid, "Catalogs", string.Join(", ", r.CatalogFiles.Select(c => c.Key + "=" + c.Value)));
        Row(grid, "Architectures", string.Join(", ", r.Architectures.Select(DriverPlatform.ArchitectureName)));
        Row(grid, "OS targets", string.Join(", ", r.OsTargets));
        Row(grid, "Import", r.CanImport ? "would be imported" : "would be refused: " + string.Join("; ", r.ImportProblems.Take(5)));
        console.Write(grid);
        var models = new Table().Border(TableBorder.Simple).AddColumn("Section").AddColumn("Description").AddColumn("Hardware id").AddColumn("Compatible ids");
        foreach (var m in r.Models)
        {
            models.AddRow(E(m.ModelsSection), E(m.Description), E(m.HardwareId), E(string.Join(", ", m.CompatibleIds)));
        }

        console.Write(models);
        foreach (var p in r.Platforms)
        {
            console.WriteLine($"{DriverPlatform.ArchitectureName(p.Architecture)}: services {string.Join(", ", p.Services.Select(s => s.Name + " (" + (s.StartType?.ToString() ?? "no start type") + ")"))}; catalog {p.CatalogFile ?? "none"}{(p.CatalogPresent ? string.Empty : " (missing)")}; {(p.IsBootStorageController ? "boot-critical storage controller" : p.IsBootCritical ? "boot-critical" : "not boot-critical")}");
            foreach (var f in p.Files)
            {
                console.WriteLine($"  {f.Path} -> {string.Join(", ", f.Destinations)}");
            }
        }

        foreach (var d in r.Diagnostics.Where(d => d.Severity != Formats.Inf.InfDiagnosticSeverity.Info))
        {
            console.WriteLine(d.ToString());
        }
    }

    public static void Match(IAnsiConsole console, DriverMatchResult result)
    {
        console.WriteLine(result.Summary);
        if (result.Candidates.Count == 0)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumn("#").AddColumn("INF").AddColumn("Id").AddColumn("Rank").AddColumn("Date").AddColumn("Version").AddColumn("Why");
        foreach (var c in result.Candidates)
        {
            table.AddRow(c.IsApplicable ? c.Position.ToString(CultureInfo.InvariantCulture) : "-", E(c.InfName), E(c.PackageId), E(c.RankHex ?? "n/a"), E(Date(c.Date)), E(c.Version), E(c.Reason));
        }

        console.Write(table);
    }

    public static void Profiles(IAnsiConsole console, IReadOnlyList<DriverProfileInfo> profiles)
    {
        if (profiles.Count == 0)
        {
            console.WriteLine("No driver profiles.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumn("Name").AddColumn("Priority").AddColumn("Applies to").AddColumn("Sources").AddColumn("Exclusions");
        foreach (var p in profiles)
        {
            table.AddRow(E(p.Name), p.Priority.ToString(CultureInfo.InvariantCulture), E(p.AppliesTo), E(p.NoDrivers ? "(no drivers)" : string.Join("; ", p.Sources)), E(string.Join("; ", p.Exclusions)));
        }

        console.Write(table);
    }

    public static void Profile(IAnsiConsole console, DriverProfileInfo p)
    {
        var grid = Grid();
        Row(grid, "Name", p.Name);
        Row(grid, "Description", p.Description);
        Row(grid, "Applies to", p.AppliesTo);
        Row(grid, "Priority", p.Priority.ToString(CultureInfo.InvariantCulture));
        Row(grid, "Sources", p.NoDrivers ? "(no drivers)" : string.Join("; ", p.Sources));
        Row(grid, "Exclusions", string.Join("; ", p.Exclusions));
        Row(grid, "Modified", p.ModifiedUtc.ToString("u", CultureInfo.InvariantCulture));
        console.Write(grid);
    }

    public static void Sets(IAnsiConsole console, IReadOnlyList<DriverSet> sets)
    {
        foreach (var set in sets)
        {
            console.WriteLine(set.Summary);
            if (set.Packages.Length > 0)
            {
                var table = new Table().Border(TableBorder.Simple).AddColumn("INF").AddColumn("Id").AddColumn("Class").AddColumn("Tier").AddColumn("Boot").AddColumn("Reason");
                foreach (var p in set.Packages)
                {
                    table.AddRow(E(p.Name), E(p.PackageId), E(p.Class), p.Tier.ToString(), p.IsBootStorageController ? "storage" : p.IsBootCritical ? "yes" : string.Empty, E(p.Reason));
                }

                console.Write(table);
            }

            foreach (var e in set.Excluded)
            {
                console.WriteLine($"  left out {e.Name} ({e.PackageId}): {e.Reason}");
            }

            foreach (var d in set.Devices.Where(d => d.Coverage != DeviceCoverage.Covered || d.DiffersFromCurated))
            {
                console.WriteLine($"  device {d.Device}: {d.Coverage}{(d.DiffersFromCurated ? ", Windows would pick " + d.WindowsChoiceName : string.Empty)}");
            }
        }
    }

    public static void Coverage(IAnsiConsole console, DriverCoverageReport report)
    {
        console.WriteLine(report.ToString() + " for Windows " + report.Platform);
        var table = new Table().Border(TableBorder.Simple).AddColumn("Model").AddColumn("Result").AddColumn("PCs").AddColumn("Devices").AddColumn("Covered").AddColumn("Inbox").AddColumn("Missing").AddColumn("Packages");
        foreach (var m in report.Models)
        {
            var status = m.Status switch
            {
                CoverageStatus.Fail => "[red]FAIL[/]",
                CoverageStatus.Warning => "[yellow]WARN[/]",
                _ => "[green]PASS[/]",
            };
            table.AddRow(E(m.Model.ToString()), status, N(m.Computers), N(m.Devices), N(m.Covered), N(m.Inbox), N(m.Missing), N(m.Packages));
        }

        console.Write(table);
        foreach (var m in report.Models.Where(m => m.Problems.Length > 0))
        {
            console.WriteLine(m.Model.ToString() + ":");
            foreach (var p in m.Problems)
            {
                console.WriteLine($"  {p.Severity} {p.Kind}: {p.Message}");
            }
        }

        if (report.HtmlPath is not null)
        {
            console.WriteLine("HTML report: " + report.HtmlPath);
        }
    }

    private static Grid Grid() => new Grid().AddColumn().AddColumn();

    private static void Row(Grid grid, string label, string? value) => grid.AddRow(new Text(label), new Text(value ?? "-"));

    private static string E(string? text) => Markup.Escape(text ?? string.Empty);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Date(System.DateTime? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty;

    private static string Bytes(long bytes) => ByteSize.Format(bytes, CultureInfo.InvariantCulture);
}
