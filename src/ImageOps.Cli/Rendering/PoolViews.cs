using System.Collections.Generic;
using System.Globalization;
using ImageOps.Engine.Pools;
using Spectre.Console;

namespace ImageOps.Cli.Rendering;

/// <summary>Human views of pools (the CLI's counterpart of the format.ps1xml views).</summary>
internal static class PoolViews
{
    public static void Table(IAnsiConsole console, IReadOnlyList<ImagePoolInfo> pools)
    {
        if (pools.Count == 0)
        {
            console.WriteLine("No image pools.");
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("Name");
        table.AddColumn("Status");
        table.AddColumn(new TableColumn("Images").RightAligned());
        table.AddColumn(new TableColumn("Tools").RightAligned());
        table.AddColumn(new TableColumn("Free").RightAligned());
        table.AddColumn("Path");
        foreach (var pool in pools)
        {
            table.AddRow(
                Markup.Escape(pool.Name),
                StatusMarkup(pool.Status),
                Count(pool.ImageCount),
                Count(pool.ToolImageCount),
                pool.FreeBytes is { } free ? ByteSize.Format(free, CultureInfo.InvariantCulture) : "-",
                Markup.Escape(pool.Path));
        }

        console.Write(table);
    }

    public static void Details(IAnsiConsole console, ImagePoolInfo pool)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string label, string? value) => grid.AddRow(new Text(label), new Text(value ?? "-"));
        Row("Name", pool.Name);
        Row("Id", pool.Id.ToString());
        Row("Path", pool.Path);
        Row("Description", pool.Description);
        Row("Status", pool.Status.ToString());
        if (pool.StatusDetail is not null)
        {
            Row("Detail", pool.StatusDetail);
        }

        Row("Images", Count(pool.ImageCount));
        Row("Tool images", Count(pool.ToolImageCount));
        Row("Capacity", pool.CapacityBytes is { } c ? ByteSize.Format(c, CultureInfo.InvariantCulture) : null);
        Row("Free", pool.FreeBytes is { } f ? ByteSize.Format(f, CultureInfo.InvariantCulture) : null);
        Row("Created", pool.CreatedUtc?.ToString("u", CultureInfo.InvariantCulture));
        Row("Registered", pool.RegisteredUtc.ToString("u", CultureInfo.InvariantCulture));
        Row("Library", pool.LibraryPath);
        console.Write(grid);
    }

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string StatusMarkup(PoolStatus status) => status == PoolStatus.Online
        ? "[green]Online[/]"
        : $"[red]{status}[/]";
}
