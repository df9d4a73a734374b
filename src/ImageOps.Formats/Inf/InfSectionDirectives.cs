using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// The install directives of one section (CopyFiles, AddService, Include, Needs, CopyINF, DriverVer),
/// read once when the document is built so that every diagnostic about them is reported once.
/// </summary>
internal sealed class InfSectionDirectives
{
    public InfSectionDirectives(string sectionName)
    {
        SectionName = sectionName;
    }

    public string SectionName { get; }

    public List<string> CopyFilesSections { get; } = new();

    public List<string> CopyFilesSingleFiles { get; } = new();

    public List<InfFileCopy> SingleFileCopies { get; } = new();

    public List<string> Includes { get; } = new();

    public List<string> Needs { get; } = new();

    public List<string> CopyInfs { get; } = new();

    public List<InfService> Services { get; } = new();

    public InfDriverVersion? DriverVersion { get; set; }

    public int NeedsLine { get; set; }

    public int NeedsColumn { get; set; }
}
