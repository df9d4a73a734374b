namespace ImageOps.Formats.Inf;

/// <summary>
/// Bounds on what one INF may make the reader allocate or do (HOSTILE.md: cap every count before
/// allocating). The defaults are far above any real driver INF (the largest inbox and OEM INFs are a
/// few MiB with tens of thousands of lines) and far below what would hurt the process.
/// </summary>
public sealed record InfParseLimits
{
    /// <summary>The defaults.</summary>
    public static InfParseLimits Default { get; } = new();

    /// <summary>Largest file accepted, in bytes. Default 64 MiB.</summary>
    public long MaxFileSizeBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Longest physical line, and longest line after joining continuations, in characters. Default 64 Ki.</summary>
    public int MaxLineLength { get; init; } = 64 * 1024;

    /// <summary>Most section headers (counting repeats). Default 65,536.</summary>
    public int MaxSections { get; init; } = 65_536;

    /// <summary>Most entries (logical lines inside sections). Default 1,000,000.</summary>
    public int MaxEntries { get; init; } = 1_000_000;

    /// <summary>Most fields (keys and values) in the whole file. Default 4,000,000.</summary>
    public int MaxFields { get; init; } = 4_000_000;

    /// <summary>
    /// Longest string one substitution may produce, in characters. Windows allows 4096; longer results are
    /// reported (<see cref="InfDiagnosticCode.StringTooLong"/>) and cut at this length. Default 64 Ki.
    /// </summary>
    public int MaxExpandedStringLength { get; init; } = 64 * 1024;

    /// <summary>
    /// Total characters string substitution may produce while building the model of one INF; a file that
    /// uses small tokens to expand into far more text than it holds is refused. Default 32 Mi characters.
    /// </summary>
    public long SubstitutionBudget { get; init; } = 32L * 1024 * 1024;

    /// <summary>Most diagnostics kept per INF; the rest are counted. Default 1000.</summary>
    public int MaxDiagnostics { get; init; } = 1000;

    /// <summary>Deepest chain of Include directives followed inside a package. Default 4.</summary>
    public int MaxIncludeDepth { get; init; } = 4;

    /// <summary>Most included INFs read from one package. Default 32.</summary>
    public int MaxIncludedFiles { get; init; } = 32;
}
