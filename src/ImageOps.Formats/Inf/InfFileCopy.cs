namespace ImageOps.Formats.Inf;

/// <summary>
/// One file a CopyFiles directive copies: an entry of a file-list section
/// (<c>destination-file-name[,[source-file-name][,[unused][,flag]]]</c>) or a direct <c>@filename</c>.
/// Source: "INF CopyFiles Directive" (learn.microsoft.com).
/// </summary>
public sealed class InfFileCopy
{
    internal InfFileCopy(string destinationFileName, string sourceFileName, uint flags, string? fileListSection, InfDestinationDirectory? destination, string definedIn, int line, int column)
    {
        DestinationFileName = destinationFileName;
        SourceFileName = sourceFileName;
        Flags = flags;
        FileListSection = fileListSection;
        Destination = destination;
        DefinedIn = definedIn;
        Line = line;
        Column = column;
    }

    /// <summary>The name the file gets at its destination.</summary>
    public string DestinationFileName { get; }

    /// <summary>The name of the file in the package (the destination name unless renamed).</summary>
    public string SourceFileName { get; }

    /// <summary>The COPYFLG_* flags.</summary>
    public uint Flags { get; }

    /// <summary>The file-list section, or null for a direct <c>CopyFiles=@file</c>.</summary>
    public string? FileListSection { get; }

    /// <summary>
    /// Where it is copied: the DestinationDirs entry of its file-list section, else DefaultDestDir; null
    /// if the INF has neither (reported as <see cref="InfDiagnosticCode.DestinationDirMissing"/>).
    /// </summary>
    public InfDestinationDirectory? Destination { get; }

    /// <summary>The INF that holds the copy (the package's INF, or an INF it includes).</summary>
    public string DefinedIn { get; }

    /// <summary>1-based line of the file-list entry or CopyFiles directive.</summary>
    public int Line { get; }

    /// <summary>1-based column.</summary>
    public int Column { get; }

    /// <summary>For example <c>disk.sys -&gt; %12%</c>.</summary>
    public override string ToString() => SourceFileName + " -> " + (Destination?.ToString() ?? "?") + (DestinationFileName == SourceFileName ? string.Empty : " as " + DestinationFileName);
}
