using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>What <see cref="InfDocumentBuilder"/> hands to the <see cref="InfDocument"/> constructor.</summary>
internal sealed class InfDocumentParts
{
    public string SourceName { get; set; } = string.Empty;

    public InfFile Syntax { get; set; } = null!;

    public IReadOnlyList<InfDiagnostic> Diagnostics { get; set; } = null!;

    public bool IsTemplate { get; set; }

    public IReadOnlyList<string> TemplatePlaceholders { get; set; } = null!;

    public InfStringTable Strings { get; set; } = null!;

    public InfVersionSection Version { get; set; } = null!;

    public IReadOnlyList<InfManufacturer> Manufacturers { get; set; } = null!;

    public IReadOnlyList<InfSourceDisk> SourceDisks { get; set; } = null!;

    public IReadOnlyList<InfSourceFile> SourceFiles { get; set; } = null!;

    public InfDestinationDirectory? DefaultDestination { get; set; }

    public Dictionary<string, InfDestinationDirectory> Destinations { get; set; } = null!;

    public IReadOnlyList<InfArchitecture> Architectures { get; set; } = null!;

    public InfParseLimits Limits { get; set; } = null!;

    public Dictionary<string, IReadOnlyList<InfModel>> Models { get; set; } = null!;

    public Dictionary<string, InfSectionDirectives> Directives { get; set; } = null!;

    public Dictionary<string, IReadOnlyList<InfFileCopy>> FileLists { get; set; } = null!;
}
