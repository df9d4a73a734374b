using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// A section: its name and its entries in file order. Names compare without case, and sections that
/// appear more than once are merged in order, as the general syntax rules require.
/// Source: "General Syntax Rules for INF Files", Section Names.
/// </summary>
public sealed class InfSection
{
    private readonly List<InfEntry> _entries = new();

    internal InfSection(string name, int line, int column)
    {
        Name = name;
        Line = line;
        Column = column;
    }

    /// <summary>The name as written in its first header.</summary>
    public string Name { get; }

    /// <summary>1-based line of the first header.</summary>
    public int Line { get; }

    /// <summary>1-based column of the first header's bracket.</summary>
    public int Column { get; }

    /// <summary>How many headers with this name the file has (more than one means merged).</summary>
    public int HeaderCount { get; internal set; } = 1;

    /// <summary>The entries of all headers with this name, in file order.</summary>
    public IReadOnlyList<InfEntry> Entries => _entries;

    /// <summary>The entries whose key is <paramref name="key"/> (ignoring case), in order.</summary>
    public IEnumerable<InfEntry> EntriesWithKey(string key)
    {
        foreach (var entry in _entries)
        {
            if (entry.HasKey(key))
            {
                yield return entry;
            }
        }
    }

    /// <summary>
    /// The first entry whose key is <paramref name="key"/>, or null. SetupAPI's
    /// <c>SetupFindFirstLine</c> answers with the first, so a repeated key's later values are not used.
    /// </summary>
    public InfEntry? FirstWithKey(string key)
    {
        foreach (var entry in _entries)
        {
            if (entry.HasKey(key))
            {
                return entry;
            }
        }

        return null;
    }

    internal void Add(InfEntry entry) => _entries.Add(entry);

    /// <summary>The name in brackets.</summary>
    public override string ToString() => "[" + Name + "]";

    internal static StringComparer NameComparer => StringComparer.OrdinalIgnoreCase;
}
