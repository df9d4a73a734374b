namespace ImageOps.Formats.Inf;

/// <summary>How to read an INF.</summary>
public sealed record InfParseOptions
{
    /// <summary>The defaults: US English strings, default limits.</summary>
    public static InfParseOptions Default { get; } = new();

    /// <summary>
    /// The language whose <c>[Strings.LanguageID]</c> section is preferred, as a Windows LANGID
    /// (0x0409 is US English). Default 0x0409.
    /// </summary>
    public int LanguageId { get; init; } = 0x0409;

    /// <summary>Size and count limits.</summary>
    public InfParseLimits Limits { get; init; } = InfParseLimits.Default;
}
