using System.Globalization;

namespace ImageOps.Formats.Inf;

/// <summary>One condition found while reading an INF, with where it is.</summary>
public sealed class InfDiagnostic
{
    /// <summary>Creates a diagnostic.</summary>
    /// <param name="code">The stable code.</param>
    /// <param name="severity">How much it matters.</param>
    /// <param name="message">A sentence for a person.</param>
    /// <param name="sourceName">The INF it is about (a name for messages, not a path that is opened).</param>
    /// <param name="line">1-based line, or 0 when it concerns the whole file.</param>
    /// <param name="column">1-based column in UTF-16 code units, or 0 when it concerns the whole line or file.</param>
    public InfDiagnostic(InfDiagnosticCode code, InfDiagnosticSeverity severity, string message, string sourceName, int line, int column)
    {
        Code = code;
        Severity = severity;
        Message = message;
        SourceName = sourceName;
        Line = line;
        Column = column;
    }

    /// <summary>The stable code.</summary>
    public InfDiagnosticCode Code { get; }

    /// <summary>How much it matters.</summary>
    public InfDiagnosticSeverity Severity { get; }

    /// <summary>A sentence for a person.</summary>
    public string Message { get; }

    /// <summary>The INF the diagnostic is about.</summary>
    public string SourceName { get; }

    /// <summary>1-based line, or 0 when the diagnostic concerns the whole file.</summary>
    public int Line { get; }

    /// <summary>1-based column in UTF-16 code units of the decoded text, or 0.</summary>
    public int Column { get; }

    /// <summary>The diagnostic as <c>file(line,column): severity code: message</c>.</summary>
    public override string ToString()
        => string.Format(CultureInfo.InvariantCulture, "{0}({1},{2}): {3} {4}: {5}", SourceName, Line, Column, Severity, Code, Message);
}
