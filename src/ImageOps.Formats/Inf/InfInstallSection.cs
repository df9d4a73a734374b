using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// An install section (DDInstall, DefaultInstall or ClassInstall32) as Windows picks it for an
/// architecture, with the directives of it and of its <c>.Services</c> and <c>.CoInstallers</c> sections.
/// <para>
/// The pick follows SetupDiGetActualSectionToInstall: <c>name.NT&lt;arch&gt;</c> first, then <c>name.NT</c>,
/// then the undecorated <c>name</c> (which Windows returns without checking that it exists). For an
/// .inx template, <c>name.NT$ARCH$</c> counts as the architecture's section.
/// Sources: "INF DDInstall Section"; SetupDiGetActualSectionToInstall, Remarks (learn.microsoft.com).
/// </para>
/// </summary>
public sealed class InfInstallSection
{
    internal InfInstallSection(string baseName, string name, bool exists, string decoration)
    {
        BaseName = baseName;
        Name = name;
        Exists = exists;
        Decoration = decoration;
    }

    /// <summary>The name the models entry (or caller) gave.</summary>
    public string BaseName { get; }

    /// <summary>The section actually used, for example <c>disk.NT</c>.</summary>
    public string Name { get; }

    /// <summary>True if that section exists.</summary>
    public bool Exists { get; }

    /// <summary>The decoration that was found: <c>.NTamd64</c>, <c>.NT</c>, or empty.</summary>
    public string Decoration { get; }

    /// <summary>The DriverVer in the install section itself (it takes precedence over [Version]'s), or null.</summary>
    public InfDriverVersion? DriverVersion { get; internal set; }

    /// <summary>File-list sections named by CopyFiles in the section and in its <c>.CoInstallers</c> section.</summary>
    public IReadOnlyList<string> CopyFilesSections { get; internal set; } = Array.Empty<string>();

    /// <summary>Files named directly by <c>CopyFiles=@file</c>.</summary>
    public IReadOnlyList<string> CopyFilesSingleFiles { get; internal set; } = Array.Empty<string>();

    /// <summary>INFs named by Include in the section and its <c>.Services</c>/<c>.HW</c>/<c>.CoInstallers</c> sections.</summary>
    public IReadOnlyList<string> Includes { get; internal set; } = Array.Empty<string>();

    /// <summary>Sections named by Needs in the section and its <c>.Services</c>/<c>.HW</c>/<c>.CoInstallers</c> sections.</summary>
    public IReadOnlyList<string> Needs { get; internal set; } = Array.Empty<string>();

    /// <summary>INFs named by CopyINF.</summary>
    public IReadOnlyList<string> CopyInfs { get; internal set; } = Array.Empty<string>();

    /// <summary>The services of the <c>.Services</c> section (the section's own name plus <c>.Services</c>).</summary>
    public IReadOnlyList<InfService> Services { get; internal set; } = Array.Empty<InfService>();

    /// <summary>The section name.</summary>
    public override string ToString() => Name;
}
