using System.Globalization;
using System.Linq;
using ImageOps.Engine.Inventory;
using Spectre.Console;

namespace ImageOps.Cli.Rendering;

/// <summary>Human views of inventories and their diffs (the CLI's counterpart of the format.ps1xml views).</summary>
internal static class InventoryViews
{
    public static void Inventory(IAnsiConsole console, ImageInventory inventory)
    {
        var disk = inventory.Disk;
        var grid = Grid();
        Row(grid, "Path", inventory.Path);
        Row(grid, "Disk", $"{disk.Format} {disk.Variant.ToString().ToLowerInvariant()}, {Bytes(disk.CapacityBytes)}, {disk.PartitionScheme}{(disk.Chain.Length > 1 ? $", chain of {disk.Chain.Length}" : string.Empty)}");
        Row(grid, "Boot mode", $"{inventory.BootMode} ({inventory.BootModeReason.TrimEnd('.')})");
        console.Write(grid);

        if (disk.Partitions.Length > 0)
        {
            var partitions = new Table().Border(TableBorder.Simple).AddColumn("#").AddColumn("Kind").AddColumn(new TableColumn("Size").RightAligned()).AddColumn("File system").AddColumn("Label").AddColumn("Windows");
            foreach (var p in disk.Partitions)
            {
                partitions.AddRow(p.Number.ToString(CultureInfo.InvariantCulture), p.Kind.ToString(), Bytes(p.SizeBytes), p.FileSystem ?? "-", Markup.Escape(p.Label ?? string.Empty), p.HoldsWindows ? "yes" : string.Empty);
            }

            console.Write(partitions);
        }

        foreach (var windows in inventory.Installations)
        {
            Installation(console, windows);
        }

        Problems(console, inventory.Problems);
    }

    public static void Comparison(IAnsiConsole console, ImageInventoryComparison result)
    {
        console.WriteLine($"{result.ReferencePath} -> {result.DifferencePath}");
        console.WriteLine(result.Summary);
        if (result.Identical)
        {
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumn("Category").AddColumn("Change").AddColumn("Subject").AddColumn("Property").AddColumn("Reference").AddColumn("Difference");
        foreach (var change in result.Changes)
        {
            table.AddRow(change.Category.ToString(), change.Change.ToString(), Markup.Escape(change.Subject), Markup.Escape(change.Property), Markup.Escape(change.ReferenceValue ?? string.Empty), Markup.Escape(change.DifferenceValue ?? string.Empty));
        }

        console.Write(table);
    }

    private static void Installation(IAnsiConsole console, WindowsInstallation windows)
    {
        console.WriteLine();
        console.WriteLine($"Windows on partition {windows.PartitionNumber} ({windows.VolumeLabel})");
        var grid = Grid();
        var stored = windows.ProductName is not null && windows.ProductName != windows.OperatingSystem ? $" (stored as '{windows.ProductName}')" : string.Empty;
        Row(grid, "Operating system", (windows.OperatingSystem ?? "(unknown)") + stored);
        Row(grid, "Edition", windows.EditionId ?? "-");
        Row(grid, "Version", string.Join(", ", new[] { windows.Version, windows.DisplayVersion, windows.Build is null ? null : "build " + windows.Build }.Where(s => s is not null)));
        Row(grid, "Installation type", windows.InstallationType ?? "-");
        Row(grid, "Architecture", windows.Architecture + (windows.ArchitectureSource is null ? string.Empty : $" ({windows.ArchitectureSource})"));
        Row(grid, "Control set", windows.CurrentControlSet ?? "-");
        Row(grid, "Hives", $"SYSTEM {windows.SystemHive}, SOFTWARE {windows.SoftwareHive}");
        var staged = windows.Drivers.Count(d => d.Source == DriverSource.DriverStore);
        var installed = windows.Drivers.Where(d => d.Source != DriverSource.DriverStore).ToList();
        Row(grid, "Drivers", $"{installed.Count(d => d.Origin == DriverOrigin.ThirdParty)} third-party, {installed.Count(d => d.Origin == DriverOrigin.Inbox)} in-box, {staged} staged only (from the {(windows.HasDriverDatabase ? "driver database" : "INF folder")}; --json lists them all)");
        console.Write(grid);

        var shown = windows.Drivers.Where(d => d.Origin == DriverOrigin.ThirdParty || d.Source == DriverSource.DriverStore).ToList();
        if (shown.Count > 0)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumn("Published").AddColumn("Original").AddColumn("Provider").AddColumn("Class").AddColumn("Version").AddColumn("Date").AddColumn("Boot").AddColumn("State");
            foreach (var d in shown)
            {
                table.AddRow(
                    Markup.Escape(d.PublishedName),
                    Markup.Escape(d.OriginalName),
                    Markup.Escape(d.Provider ?? "-"),
                    Markup.Escape(d.ClassName ?? "-"),
                    Markup.Escape(d.Version ?? "-"),
                    d.Date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "-",
                    d.BootCritical ? "yes" : string.Empty,
                    d.Source == DriverSource.DriverStore ? "staged" : "installed");
            }

            console.Write(table);
        }
    }

    private static void Problems(IAnsiConsole console, InventoryProblem[] problems)
    {
        if (problems.Length == 0)
        {
            return;
        }

        console.WriteLine();
        foreach (var problem in problems)
        {
            console.WriteLine($"{problem.Severity} {problem.Id}: {problem.Message}");
        }
    }

    private static Grid Grid() => new Grid().AddColumn().AddColumn();

    private static void Row(Grid grid, string label, string value) => grid.AddRow(new Text(label), new Text(value));

    private static string Bytes(long bytes) => ByteSize.Format(bytes, CultureInfo.InvariantCulture);
}
