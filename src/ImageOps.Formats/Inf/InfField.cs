namespace ImageOps.Formats.Inf;

/// <summary>
/// One comma-separated field of an INF entry (or its key) as written: quotes removed, doubled quotes
/// made single, surrounding spaces trimmed, <c>%strkey%</c> tokens not yet substituted.
/// Source: "General Syntax Rules for INF Files" (learn.microsoft.com), Line Format, Continuation, and Comments.
/// </summary>
public sealed class InfField
{
    internal InfField(string value, int line, int column, bool isQuoted)
    {
        Value = value;
        Line = line;
        Column = column;
        IsQuoted = isQuoted;
    }

    /// <summary>The text of the field before string substitution.</summary>
    public string Value { get; }

    /// <summary>1-based line where the field starts.</summary>
    public int Line { get; }

    /// <summary>1-based column (UTF-16 code units) where the field starts.</summary>
    public int Column { get; }

    /// <summary>True if any part of the field was written in double quotes.</summary>
    public bool IsQuoted { get; }

    /// <summary>The field's text.</summary>
    public override string ToString() => Value;
}
