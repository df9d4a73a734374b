using System;

namespace ImageOps.Formats.Inf;

/// <summary>
/// A TargetOSVersion decoration of a Manufacturer entry, such as <c>NTamd64.10.0...17763</c>:
/// <c>NT[Architecture][.[OSMajorVersion][.[OSMinorVersion][.[ProductType][.[SuiteMask][.[BuildNumber]]]]]]</c>.
/// Source: "INF Manufacturer Section" and "Combining Platform Extensions with Operating System
/// Versions" (learn.microsoft.com). The same text, appended with a dot to the models section name,
/// names the models section it selects.
/// </summary>
public sealed class InfTargetOsVersion
{
    private InfTargetOsVersion(string text)
    {
        Text = text;
    }

    /// <summary>The decoration as written (after string substitution), for example <c>NTamd64.10.0...17763</c>.</summary>
    public string Text { get; }

    /// <summary>False if the text does not follow the decoration syntax; such a decoration never applies.</summary>
    public bool IsValid { get; private set; }

    /// <summary>Why the decoration is not valid, or null.</summary>
    public string? Problem { get; private set; }

    /// <summary>The architecture, or <see cref="InfArchitecture.Unspecified"/> for plain <c>NT</c> or a placeholder.</summary>
    public InfArchitecture Architecture { get; private set; }

    /// <summary>True for stampinf's <c>NT$ARCH$</c>: the template is stamped once per architecture.</summary>
    public bool IsArchitecturePlaceholder { get; private set; }

    /// <summary>OS major version, if given.</summary>
    public int? MajorVersion { get; private set; }

    /// <summary>OS minor version, if given.</summary>
    public int? MinorVersion { get; private set; }

    /// <summary>VER_NT_* product type, if given.</summary>
    public int? ProductType { get; private set; }

    /// <summary>VER_SUITE_* mask, if given.</summary>
    public int? SuiteMask { get; private set; }

    /// <summary>Minimum build number (Windows 10 1607 and later), if given.</summary>
    public int? BuildNumber { get; private set; }

    /// <summary>Reads a decoration; never throws (an unreadable one has <see cref="IsValid"/> false).</summary>
    public static InfTargetOsVersion Parse(string text)
    {
        var result = new InfTargetOsVersion(text ?? string.Empty);
        var s = result.Text.Trim();
        if (s.Length < 2 || !s.StartsWith("NT", StringComparison.OrdinalIgnoreCase))
        {
            return result.Invalid("it does not start with 'NT'");
        }

        var parts = s.Substring(2).Split('.');
        if (parts.Length > 6)
        {
            return result.Invalid("it has more than five version fields");
        }

        var arch = parts[0];
        if (arch.Length > 0)
        {
            if (InfArchitectureNames.IsPlaceholder(arch))
            {
                result.IsArchitecturePlaceholder = true;
            }
            else if (InfArchitectureNames.TryParse(arch, out var known))
            {
                result.Architecture = known;
            }
            else
            {
                return result.Invalid("'" + arch + "' is not an architecture (x86, amd64, ia64, arm, arm64)");
            }
        }

        var numbers = new int?[5];
        for (var i = 1; i < parts.Length; i++)
        {
            var field = parts[i].Trim();
            if (field.Length == 0)
            {
                continue;
            }

            if (!InfNumber.TryParseInt(field, out var n))
            {
                return result.Invalid("'" + field + "' is not a number");
            }

            numbers[i - 1] = n;
        }

        result.MajorVersion = numbers[0];
        result.MinorVersion = numbers[1];
        result.ProductType = numbers[2];
        result.SuiteMask = numbers[3];
        result.BuildNumber = numbers[4];
        result.IsValid = true;
        return result;
    }

    /// <summary>
    /// True if Windows would consider a models section with this decoration on <paramref name="platform"/>.
    /// <list type="bullet">
    /// <item>Architecture: since Windows Server 2003 SP1 a non-x86 platform requires it, so a decoration
    /// without one applies to x86 only. <c>$ARCH$</c> applies to every architecture (each stamped copy
    /// gets its own).</item>
    /// <item>Version: the decoration's major.minor must not be higher than the platform's.</item>
    /// <item>Build: evaluated only when major.minor equal the platform's exactly; a higher platform
    /// version applies regardless of build.</item>
    /// <item>Product type must be equal; every suite bit given must be present.</item>
    /// </list>
    /// </summary>
    public bool AppliesTo(InfTargetPlatform platform)
    {
        if (platform is null)
        {
            throw new ArgumentNullException(nameof(platform));
        }

        if (!IsValid)
        {
            return false;
        }

        if (!IsArchitecturePlaceholder)
        {
            var arch = Architecture == InfArchitecture.Unspecified ? InfArchitecture.X86 : Architecture;
            if (arch != platform.Architecture)
            {
                return false;
            }
        }

        var major = MajorVersion ?? 0;
        var minor = MinorVersion ?? 0;
        if (major > platform.MajorVersion || (major == platform.MajorVersion && minor > platform.MinorVersion))
        {
            return false;
        }

        if (BuildNumber is int build && major == platform.MajorVersion && minor == platform.MinorVersion && build > platform.BuildNumber)
        {
            return false;
        }

        if (ProductType is int type && type != platform.ProductType)
        {
            return false;
        }

        if (SuiteMask is int suite && (platform.SuiteMask & suite) != suite)
        {
            return false;
        }

        return true;
    }

    /// <summary>
    /// Orders applicable decorations: the higher version wins ("Windows uses the section with the highest
    /// version numbers that are not higher than the operating system version"), then the higher build,
    /// then the one that tests more of product type and suite ("a specific version number takes precedence
    /// over the product type and suite mask"), then one that names the architecture.
    /// </summary>
    internal static int CompareForSelection(InfTargetOsVersion a, InfTargetOsVersion b)
    {
        var c = (a.MajorVersion ?? -1).CompareTo(b.MajorVersion ?? -1);
        if (c != 0)
        {
            return c;
        }

        c = (a.MinorVersion ?? -1).CompareTo(b.MinorVersion ?? -1);
        if (c != 0)
        {
            return c;
        }

        c = (a.BuildNumber ?? -1).CompareTo(b.BuildNumber ?? -1);
        if (c != 0)
        {
            return c;
        }

        c = a.Specificity.CompareTo(b.Specificity);
        if (c != 0)
        {
            return c;
        }

        return a.ArchitectureRank.CompareTo(b.ArchitectureRank);
    }

    private int Specificity => (ProductType.HasValue ? 1 : 0) + (SuiteMask.HasValue ? 1 : 0);

    private int ArchitectureRank => Architecture != InfArchitecture.Unspecified ? 2 : IsArchitecturePlaceholder ? 1 : 0;

    /// <summary>The decoration as written.</summary>
    public override string ToString() => Text;

    private InfTargetOsVersion Invalid(string problem)
    {
        IsValid = false;
        Problem = problem;
        return this;
    }
}
