namespace ImageOps.Formats.Inf;

/// <summary>
/// A <c>[SourceDisksFiles(.arch)]</c> entry: <c>filename=diskid[,[subdir][,size]]</c>. SetupAPI looks a
/// file up in the section for the platform's architecture before the undecorated one.
/// Source: "INF SourceDisksFiles Section" (learn.microsoft.com).
/// </summary>
public sealed class InfSourceFile
{
    internal InfSourceFile(string fileName, int diskId, string subdirectory, long? size, InfArchitecture architecture, bool isArchitecturePlaceholder, int line, int column)
    {
        FileName = fileName;
        DiskId = diskId;
        Subdirectory = subdirectory;
        Size = size;
        Architecture = architecture;
        IsArchitecturePlaceholder = isArchitecturePlaceholder;
        Line = line;
        Column = column;
    }

    /// <summary>The file name on the source media.</summary>
    public string FileName { get; }

    /// <summary>The disk id (a key of SourceDisksNames).</summary>
    public int DiskId { get; }

    /// <summary>The subdirectory beneath the disk's path, with '/' separators, or empty.</summary>
    public string Subdirectory { get; }

    /// <summary>The uncompressed size, if given.</summary>
    public long? Size { get; }

    /// <summary>The architecture of the section (<see cref="InfArchitecture.Unspecified"/> for the undecorated section).</summary>
    public InfArchitecture Architecture { get; }

    /// <summary>True if the section is decorated with stampinf's <c>$ARCH$</c>.</summary>
    public bool IsArchitecturePlaceholder { get; }

    /// <summary>1-based line of the entry.</summary>
    public int Line { get; }

    /// <summary>1-based column of the entry.</summary>
    public int Column { get; }

    /// <summary>The file name.</summary>
    public override string ToString() => FileName;
}
