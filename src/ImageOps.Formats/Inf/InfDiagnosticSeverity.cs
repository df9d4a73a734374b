namespace ImageOps.Formats.Inf;

/// <summary>How much an <see cref="InfDiagnostic"/> matters to a caller deciding whether to use the driver.</summary>
public enum InfDiagnosticSeverity
{
    /// <summary>A fact worth knowing (for example an INF included from the system); nothing is wrong.</summary>
    Info = 0,

    /// <summary>The INF is unusual or sloppy and Windows may read it differently than intended.</summary>
    Warning = 1,

    /// <summary>Windows would refuse this INF or fail to install what it names.</summary>
    Error = 2,
}
