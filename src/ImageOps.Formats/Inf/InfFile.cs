using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// An INF as text structure: its sections and their entries, before any interpretation. Every entry
/// and field keeps its line and column.
/// </summary>
public sealed class InfFile
{
    private readonly Dictionary<string, InfSection> _byName;

    internal InfFile(string sourceName, InfTextEncoding encoding, bool hasByteOrderMark, IReadOnlyList<InfSection> sections, int lineCount)
    {
        SourceName = sourceName;
        Encoding = encoding;
        HasByteOrderMark = hasByteOrderMark;
        Sections = sections;
        LineCount = lineCount;
        _byName = new Dictionary<string, InfSection>(InfSection.NameComparer);
        foreach (var section in sections)
        {
            _byName[section.Name] = section;
        }
    }

    /// <summary>The name the INF was read under, for messages.</summary>
    public string SourceName { get; }

    /// <summary>How the bytes were decoded.</summary>
    public InfTextEncoding Encoding { get; }

    /// <summary>True if the file began with a byte order mark.</summary>
    public bool HasByteOrderMark { get; }

    /// <summary>The sections in order of their first header.</summary>
    public IReadOnlyList<InfSection> Sections { get; }

    /// <summary>Number of physical lines in the decoded text.</summary>
    public int LineCount { get; }

    /// <summary>The section named <paramref name="name"/> (ignoring case), or null.</summary>
    public InfSection? FindSection(string name) => _byName.TryGetValue(name, out var section) ? section : null;

    /// <summary>True if a section named <paramref name="name"/> exists.</summary>
    public bool HasSection(string name) => _byName.ContainsKey(name);
}
