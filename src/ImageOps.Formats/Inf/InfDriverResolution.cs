using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// What an INF installs on one platform: its devices, install sections, services, the complete list of
/// package files with their destinations, the catalog, the boot classification and, when read through
/// an <see cref="InfPackage"/>, the files missing from the package.
/// </summary>
public sealed class InfDriverResolution
{
    internal InfDriverResolution(InfTargetPlatform platform)
    {
        Platform = platform;
    }

    /// <summary>The platform the INF was evaluated for.</summary>
    public InfTargetPlatform Platform { get; }

    /// <summary>The models sections that apply (one per manufacturer at most).</summary>
    public IReadOnlyList<string> ModelsSections { get; internal set; } = new List<string>();

    /// <summary>The devices (models entries) and their install sections.</summary>
    public IReadOnlyList<InfDevice> Devices { get; internal set; } = new List<InfDevice>();

    /// <summary>The distinct install sections used, including DefaultInstall and ClassInstall32 when present.</summary>
    public IReadOnlyList<InfInstallSection> InstallSections { get; internal set; } = new List<InfInstallSection>();

    /// <summary>The services added, by name (first definition wins), including those reached through Needs.</summary>
    public IReadOnlyList<InfService> Services { get; internal set; } = new List<InfService>();

    /// <summary>Every file copy the install sections make.</summary>
    public IReadOnlyList<InfFileCopy> FileCopies { get; internal set; } = new List<InfFileCopy>();

    /// <summary>The package's files for this platform: every applicable SourceDisksFiles entry, with its copies.</summary>
    public IReadOnlyList<InfPackageFile> Files { get; internal set; } = new List<InfPackageFile>();

    /// <summary>The catalog file that signs the package on this platform, or null.</summary>
    public string? CatalogFile { get; internal set; }

    /// <summary>INFs copied by CopyINF.</summary>
    public IReadOnlyList<string> CopiedInfs { get; internal set; } = new List<string>();

    /// <summary>Needs sections expected in system INFs outside the package (for example ks.inf's KS.Registration).</summary>
    public IReadOnlyList<string> ExternalNeeds { get; internal set; } = new List<string>();

    /// <summary>Whether the package is boot-critical on this platform, and why.</summary>
    public InfBootClassification Boot { get; internal set; } = null!;

    /// <summary>
    /// Paths (relative to the package root, '/' separators) of files this platform needs that the package
    /// lacks: source files, the catalog, CopyINF files. Empty when the INF was read without a package.
    /// </summary>
    public IReadOnlyList<string> MissingFiles { get; internal set; } = new List<string>();

    /// <summary>Diagnostics that depend on the platform (the document's own are on <see cref="InfDocument.Diagnostics"/>).</summary>
    public IReadOnlyList<InfDiagnostic> Diagnostics { get; internal set; } = new List<InfDiagnostic>();
}
