using System;
using System.Globalization;

namespace ImageOps.Formats.Inf;

/// <summary>
/// The Windows an INF is evaluated for: architecture, version, build, product type and suite, the
/// fields a TargetOSVersion decoration can test ("INF Manufacturer Section", Remarks).
/// </summary>
public sealed class InfTargetPlatform
{
    /// <summary>VER_NT_WORKSTATION: a client edition.</summary>
    public const int ProductTypeWorkstation = 1;

    /// <summary>VER_NT_DOMAIN_CONTROLLER.</summary>
    public const int ProductTypeDomainController = 2;

    /// <summary>VER_NT_SERVER.</summary>
    public const int ProductTypeServer = 3;

    /// <summary>Creates a platform.</summary>
    /// <param name="architecture">The processor architecture; must not be <see cref="InfArchitecture.Unspecified"/>.</param>
    /// <param name="majorVersion">OS major version (10 for Windows 10, 11 and Server 2016 and later).</param>
    /// <param name="minorVersion">OS minor version.</param>
    /// <param name="buildNumber">OS build number, for example 19045 or 26100.</param>
    /// <param name="productType">1 workstation, 2 domain controller, 3 server.</param>
    /// <param name="suiteMask">VER_SUITE_* flags of the edition.</param>
    public InfTargetPlatform(InfArchitecture architecture, int majorVersion, int minorVersion, int buildNumber, int productType = ProductTypeWorkstation, int suiteMask = 0)
    {
        if (architecture == InfArchitecture.Unspecified)
        {
            throw new ArgumentException("A target platform needs an architecture.", nameof(architecture));
        }

        if (majorVersion < 0 || minorVersion < 0 || buildNumber < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(majorVersion), "Version numbers cannot be negative.");
        }

        Architecture = architecture;
        MajorVersion = majorVersion;
        MinorVersion = minorVersion;
        BuildNumber = buildNumber;
        ProductType = productType;
        SuiteMask = suiteMask;
    }

    /// <summary>Windows 10 or 11 (version 10.0) client on <paramref name="architecture"/> with the given build.</summary>
    public static InfTargetPlatform Windows10(InfArchitecture architecture, int buildNumber = 19045)
        => new(architecture, 10, 0, buildNumber);

    /// <summary>The processor architecture.</summary>
    public InfArchitecture Architecture { get; }

    /// <summary>OS major version.</summary>
    public int MajorVersion { get; }

    /// <summary>OS minor version.</summary>
    public int MinorVersion { get; }

    /// <summary>OS build number.</summary>
    public int BuildNumber { get; }

    /// <summary>VER_NT_* product type.</summary>
    public int ProductType { get; }

    /// <summary>VER_SUITE_* flags.</summary>
    public int SuiteMask { get; }

    /// <summary>For example <c>amd64 10.0.19045 type 1</c>.</summary>
    public override string ToString()
        => string.Format(CultureInfo.InvariantCulture, "{0} {1}.{2}.{3} type {4}", InfArchitectureNames.Token(Architecture), MajorVersion, MinorVersion, BuildNumber, ProductType);
}
