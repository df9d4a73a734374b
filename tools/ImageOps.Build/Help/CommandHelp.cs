using System.Collections.Generic;

namespace ImageOps.Build.Help;

/// <summary>Everything written about one cmdlet, from its XML doc comments.</summary>
internal sealed class CommandHelp
{
    public string Synopsis { get; set; } = string.Empty;

    public List<string> Description { get; } = new();

    public List<HelpExample> Examples { get; } = new();

    public List<string> Notes { get; } = new();

    /// <summary>Related cmdlets (Verb-Noun) or URLs.</summary>
    public List<string> RelatedLinks { get; } = new();

    /// <summary>Parameter name to its paragraphs.</summary>
    public Dictionary<string, List<string>> Parameters { get; } = new(System.StringComparer.OrdinalIgnoreCase);
}

/// <summary>One example: the code and what it does.</summary>
internal sealed record HelpExample(string Code, IReadOnlyList<string> Remarks);
