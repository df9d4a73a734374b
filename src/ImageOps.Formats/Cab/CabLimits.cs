namespace ImageOps.Formats.Cab;

/// <summary>Bounds on what one cabinet may make the reader allocate or produce (HOSTILE.md: sizes and counts).</summary>
public sealed record CabLimits
{
    /// <summary>The defaults.</summary>
    public static CabLimits Default { get; } = new();

    /// <summary>Most files accepted (the format allows 65,535). Default 65,535.</summary>
    public int MaxFiles { get; init; } = 65_535;

    /// <summary>Most uncompressed bytes all files together may declare. Default 16 GiB.</summary>
    public long MaxTotalBytes { get; init; } = 16L * 1024 * 1024 * 1024;
}
