using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// One logical line of a section (physical lines joined at continuation backslashes): either
/// <c>key = value, value, ...</c> or, without an equals sign, just a list of values (file lists, for
/// example). A key is present only when an unquoted <c>=</c> comes before the first comma, as in
/// SetupAPI. There is always at least one value; <c>key =</c> has one empty value.
/// </summary>
public sealed class InfEntry
{
    internal InfEntry(InfField? key, IReadOnlyList<InfField> values, int line, int column)
    {
        Key = key;
        Values = values;
        Line = line;
        Column = column;
    }

    /// <summary>The key, or null for an entry without <c>=</c>.</summary>
    public InfField? Key { get; }

    /// <summary>The values after the key (or all fields, for an entry without a key).</summary>
    public IReadOnlyList<InfField> Values { get; }

    /// <summary>1-based line where the entry starts.</summary>
    public int Line { get; }

    /// <summary>1-based column where the entry starts.</summary>
    public int Column { get; }

    /// <summary>True if the entry has a key equal (ignoring case, as Windows does) to <paramref name="name"/>.</summary>
    public bool HasKey(string name) => Key is not null && string.Equals(Key.Value, name, System.StringComparison.OrdinalIgnoreCase);

    /// <summary>The value at <paramref name="index"/>, or null if the entry has fewer values.</summary>
    public InfField? ValueAt(int index) => index >= 0 && index < Values.Count ? Values[index] : null;

    /// <summary>The entry roughly as written, for messages.</summary>
    public override string ToString()
    {
        var values = string.Join(",", System.Linq.Enumerable.Select(Values, v => v.Value));
        return Key is null ? values : Key.Value + "=" + values;
    }
}
