using System;
using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// The <c>[Version]</c> section: the signature that makes a file an INF, the device setup class, the
/// provider, DriverVer, the catalog files and PnpLockdown. Values are after string substitution.
/// Source: "INF Version Section" (learn.microsoft.com).
/// </summary>
public sealed class InfVersionSection
{
    internal InfVersionSection()
    {
    }

    /// <summary>True if the INF has a <c>[Version]</c> section.</summary>
    public bool Exists { get; internal set; }

    /// <summary>1-based line of the section header, or 0.</summary>
    public int Line { get; internal set; }

    /// <summary>The Signature value, for example <c>$Windows NT$</c>.</summary>
    public string? Signature { get; internal set; }

    /// <summary>True if Signature is <c>$Windows NT$</c> or <c>$Chicago$</c> (any case); otherwise Windows rejects the file.</summary>
    public bool IsSignatureValid { get; internal set; }

    /// <summary>The device setup class name, for example <c>SCSIAdapter</c>.</summary>
    public string? Class { get; internal set; }

    /// <summary>The ClassGuid as written.</summary>
    public string? ClassGuidText { get; internal set; }

    /// <summary>The device setup class GUID, or null if absent or not a braced GUID.</summary>
    public Guid? ClassGuid { get; internal set; }

    /// <summary>The provider (after substitution).</summary>
    public string? Provider { get; internal set; }

    /// <summary>The DriverVer of the package, or null if absent.</summary>
    public InfDriverVersion? DriverVersion { get; internal set; }

    /// <summary>The undecorated CatalogFile, or null.</summary>
    public string? CatalogFile { get; internal set; }

    /// <summary>Decorated catalog files by their decoration (<c>NT</c>, <c>NTamd64</c>, ...; keys ignore case).</summary>
    public IReadOnlyDictionary<string, string> DecoratedCatalogFiles { get; internal set; } = new Dictionary<string, string>();

    /// <summary>PnpLockdown (1 protects copied files from direct modification), or null if absent or not a number.</summary>
    public int? PnpLockdown { get; internal set; }

    /// <summary>LayoutFile names (system INFs), if any.</summary>
    public IReadOnlyList<string> LayoutFiles { get; internal set; } = Array.Empty<string>();

    /// <summary>DriverPackageType, if present.</summary>
    public string? DriverPackageType { get; internal set; }

    /// <summary>DriverPackageDisplayName (after substitution), if present.</summary>
    public string? DriverPackageDisplayName { get; internal set; }

    /// <summary>
    /// The catalog that signs the package on <paramref name="architecture"/>: <c>CatalogFile.NT&lt;arch&gt;</c>,
    /// else <c>CatalogFile.NT</c>, else the undecorated <c>CatalogFile</c> ("the undecorated entry is assumed
    /// to identify a filename.cat ... on those platforms for which a decorated entry is not specified").
    /// </summary>
    public string? GetCatalogFile(InfArchitecture architecture)
    {
        if (architecture != InfArchitecture.Unspecified
            && DecoratedCatalogFiles.TryGetValue("NT" + InfArchitectureNames.Token(architecture), out var specific))
        {
            return specific;
        }

        if (DecoratedCatalogFiles.TryGetValue("NT" + InfArchitectureNames.Placeholder, out var stamped))
        {
            return stamped;
        }

        return DecoratedCatalogFiles.TryGetValue("NT", out var nt) ? nt : CatalogFile;
    }
}
