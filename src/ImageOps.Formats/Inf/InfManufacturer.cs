using System.Collections.Generic;

namespace ImageOps.Formats.Inf;

/// <summary>
/// One entry of the <c>[Manufacturer]</c> section: <c>%strkey%=models-section-name[,TargetOSVersion]...</c>
/// or a bare <c>manufacturer-name</c> that is also the models section name.
/// Source: "INF Manufacturer Section" (learn.microsoft.com).
/// </summary>
public sealed class InfManufacturer
{
    internal InfManufacturer(string name, string modelsSectionName, IReadOnlyList<InfTargetOsVersion> targetOsVersions, int line, int column)
    {
        Name = name;
        ModelsSectionName = modelsSectionName;
        TargetOsVersions = targetOsVersions;
        Line = line;
        Column = column;
    }

    /// <summary>The manufacturer's name (after substitution).</summary>
    public string Name { get; }

    /// <summary>The undecorated models section name.</summary>
    public string ModelsSectionName { get; }

    /// <summary>The TargetOSVersion decorations, in order.</summary>
    public IReadOnlyList<InfTargetOsVersion> TargetOsVersions { get; }

    /// <summary>1-based line of the entry.</summary>
    public int Line { get; }

    /// <summary>1-based column of the entry.</summary>
    public int Column { get; }

    /// <summary>The decoration Windows picks on <paramref name="platform"/>, or null if none applies.</summary>
    public InfTargetOsVersion? SelectTargetOsVersion(InfTargetPlatform platform)
    {
        InfTargetOsVersion? best = null;
        foreach (var decoration in TargetOsVersions)
        {
            if (decoration.AppliesTo(platform) && (best is null || InfTargetOsVersion.CompareForSelection(decoration, best) > 0))
            {
                best = decoration;
            }
        }

        return best;
    }

    /// <summary>
    /// The name of the models section used on <paramref name="platform"/>, or null if none applies.
    /// A decorated section is preferred; the undecorated one is used only on x86, because since
    /// Windows Server 2003 SP1 other architectures require an architecture decoration.
    /// </summary>
    public string? SelectModelsSection(InfTargetPlatform platform)
    {
        var decoration = SelectTargetOsVersion(platform);
        if (decoration is not null)
        {
            return ModelsSectionName + "." + decoration.Text;
        }

        return platform.Architecture == InfArchitecture.X86 ? ModelsSectionName : null;
    }

    /// <summary>The manufacturer and its models section.</summary>
    public override string ToString() => Name + " = " + ModelsSectionName + (TargetOsVersions.Count == 0 ? string.Empty : "," + string.Join(",", (IEnumerable<InfTargetOsVersion>)TargetOsVersions));
}
