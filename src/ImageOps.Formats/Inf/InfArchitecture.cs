namespace ImageOps.Formats.Inf;

/// <summary>
/// A processor architecture as INF decorations name it: <c>NTx86</c>, <c>NTamd64</c>, <c>NTarm64</c> for
/// models and install sections, <c>.x86</c>, <c>.amd64</c>, <c>.arm64</c> for SourceDisks sections.
/// Source: "INF Manufacturer Section", Architecture ("x86, ia64, amd64, arm, or arm64").
/// </summary>
public enum InfArchitecture
{
    /// <summary>No architecture given (a plain <c>NT</c> decoration, or none at all).</summary>
    Unspecified = 0,

    /// <summary>32-bit x86.</summary>
    X86,

    /// <summary>x64 (AMD64).</summary>
    Amd64,

    /// <summary>Itanium.</summary>
    Ia64,

    /// <summary>32-bit ARM.</summary>
    Arm,

    /// <summary>64-bit ARM.</summary>
    Arm64,
}
