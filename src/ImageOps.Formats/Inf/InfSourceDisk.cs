namespace ImageOps.Formats.Inf;

/// <summary>
/// A <c>[SourceDisksNames(.arch)]</c> entry: <c>diskid = disk-description[,[tag-or-cab-file],[unused],[path],[flags][,tag-file]]</c>.
/// The path is relative to the folder holding the INF (a leading backslash means that folder, not a
/// drive root). Source: "INF SourceDisksNames Section" (learn.microsoft.com).
/// </summary>
public sealed class InfSourceDisk
{
    internal InfSourceDisk(int diskId, string description, string? tagFile, string path, uint flags, InfArchitecture architecture, bool isArchitecturePlaceholder, int line, int column)
    {
        DiskId = diskId;
        Description = description;
        TagFile = tagFile;
        Path = path;
        Flags = flags;
        Architecture = architecture;
        IsArchitecturePlaceholder = isArchitecturePlaceholder;
        Line = line;
        Column = column;
    }

    /// <summary>The disk id.</summary>
    public int DiskId { get; }

    /// <summary>The disk description (after substitution).</summary>
    public string Description { get; }

    /// <summary>The tag or cabinet file, or null.</summary>
    public string? TagFile { get; }

    /// <summary>The folder of the disk relative to the INF's folder, with '/' separators; empty for the INF's folder.</summary>
    public string Path { get; }

    /// <summary>The flags field (0x10: the tag file is a cabinet).</summary>
    public uint Flags { get; }

    /// <summary>The architecture of the section (<see cref="InfArchitecture.Unspecified"/> for the undecorated section).</summary>
    public InfArchitecture Architecture { get; }

    /// <summary>True if the section is decorated with stampinf's <c>$ARCH$</c>.</summary>
    public bool IsArchitecturePlaceholder { get; }

    /// <summary>1-based line of the entry.</summary>
    public int Line { get; }

    /// <summary>1-based column of the entry.</summary>
    public int Column { get; }
}
