using System;
using System.Globalization;

namespace ImageOps.Formats.Inf;

/// <summary>
/// The INF cannot be read at all: a section header without its bracket, a section name Windows
/// rejects, or input beyond a size limit. Conditions that leave the file readable are reported as
/// <see cref="InfDiagnostic"/>s instead. The error names the file, the line, the column and the byte
/// offset, as HOSTILE.md asks of every parser.
/// </summary>
public class InfMalformedException : CorruptImageException
{
    /// <summary>Stable id for a syntax error.</summary>
    public const string MalformedErrorId = "DriverInfMalformed";

    /// <summary>Stable id for input that exceeds a size, count or substitution limit.</summary>
    public const string TooLargeErrorId = "DriverInfTooLarge";

    /// <summary>Creates the error.</summary>
    /// <param name="sourceName">The INF (a name for messages).</param>
    /// <param name="code">Which condition made it unreadable.</param>
    /// <param name="line">1-based line, or 0 if it concerns the whole file.</param>
    /// <param name="column">1-based column, or 0.</param>
    /// <param name="byteOffset">Byte offset in the file, or -1 when unknown.</param>
    /// <param name="detail">What is wrong.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public InfMalformedException(string sourceName, InfDiagnosticCode code, int line, int column, long byteOffset, string detail, Exception? innerException = null)
        : base(sourceName, "INF", byteOffset, Describe(code, line, column), detail, ErrorIdFor(code), innerException)
    {
        Code = code;
        Line = line;
        Column = column;
    }

    /// <summary>Which condition made the file unreadable.</summary>
    public InfDiagnosticCode Code { get; }

    /// <summary>1-based line of the problem, or 0 if it concerns the whole file.</summary>
    public int Line { get; }

    /// <summary>1-based column of the problem, or 0.</summary>
    public int Column { get; }

    private static string ErrorIdFor(InfDiagnosticCode code) => code switch
    {
        InfDiagnosticCode.FileTooLarge or InfDiagnosticCode.LineTooLong or InfDiagnosticCode.TooManySections
            or InfDiagnosticCode.TooManyEntries or InfDiagnosticCode.TooManyFields
            or InfDiagnosticCode.SubstitutionBudgetExceeded => TooLargeErrorId,
        _ => MalformedErrorId,
    };

    private static string Describe(InfDiagnosticCode code, int line, int column)
        => line > 0
            ? string.Format(CultureInfo.InvariantCulture, "{0} (line {1}, column {2})", code, line, column)
            : code.ToString();
}
