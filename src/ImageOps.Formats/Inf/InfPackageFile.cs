using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// A file of the driver package for one platform: where it is in the package (from
/// SourceDisksNames + SourceDisksFiles) and where CopyFiles puts it (DestinationDirs).
/// </summary>
public sealed class InfPackageFile
{
    internal InfPackageFile(string fileName, string sourcePath, InfSourceFile source, InfSourceDisk disk, string definedIn, IReadOnlyList<InfFileCopy> copies)
    {
        FileName = fileName;
        SourcePath = sourcePath;
        Source = source;
        Disk = disk;
        DefinedIn = definedIn;
        Copies = copies;
    }

    /// <summary>The file name in the package.</summary>
    public string FileName { get; }

    /// <summary>
    /// The file's path relative to the folder holding the INF, with '/' separators (for example
    /// <c>amd64/disk.sys</c>). It never contains <c>..</c>, a drive or a root: such references are refused
    /// with <see cref="InfDiagnosticCode.UnsafeFileReference"/> instead.
    /// </summary>
    public string SourcePath { get; }

    /// <summary>The SourceDisksFiles entry that locates the file.</summary>
    public InfSourceFile Source { get; }

    /// <summary>The SourceDisksNames entry of its disk.</summary>
    public InfSourceDisk Disk { get; }

    /// <summary>The INF whose SourceDisksFiles lists the file.</summary>
    public string DefinedIn { get; }

    /// <summary>The copies of the file the install sections for this platform make (empty if none does).</summary>
    public IReadOnlyList<InfFileCopy> Copies { get; }

    /// <summary>True if some CopyFiles directive for this platform copies the file.</summary>
    public bool IsCopied => Copies.Count > 0;

    /// <summary>The source path.</summary>
    public override string ToString() => SourcePath;
}
