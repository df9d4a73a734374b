using System.Globalization;

namespace ImageOps.Formats.Inf;

/// <summary>
/// A destination directory: a dirid (10 Windows, 11 System32, 12 System32\drivers, 13 the driver
/// store, ...) and an optional subdirectory beneath it.
/// Source: "INF DestinationDirs Section" and "Using Dirids" (learn.microsoft.com).
/// </summary>
public sealed class InfDestinationDirectory
{
    internal InfDestinationDirectory(string name, int directoryId, string subdirectory, int line, int column)
    {
        Name = name;
        DirectoryId = directoryId;
        Subdirectory = subdirectory;
        Line = line;
        Column = column;
    }

    /// <summary>The DestinationDirs key: a file-list section name or <c>DefaultDestDir</c>.</summary>
    public string Name { get; }

    /// <summary>The dirid.</summary>
    public int DirectoryId { get; }

    /// <summary>The subdirectory beneath the dirid, with '/' separators, or empty.</summary>
    public string Subdirectory { get; }

    /// <summary>1-based line of the entry.</summary>
    public int Line { get; }

    /// <summary>1-based column of the entry.</summary>
    public int Column { get; }

    /// <summary>For example <c>%12%</c> or <c>%13%/sub</c>.</summary>
    public override string ToString()
        => string.Format(CultureInfo.InvariantCulture, "%{0}%{1}", DirectoryId, Subdirectory.Length == 0 ? string.Empty : "/" + Subdirectory);
}
