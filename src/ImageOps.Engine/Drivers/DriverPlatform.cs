using System;
using System.Globalization;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Drivers;

/// <summary>The edition type a TargetOSVersion decoration can test (VER_NT_* product types).</summary>
public enum DriverProductType
{
    /// <summary>A client edition (VER_NT_WORKSTATION, 1).</summary>
    Workstation = 1,

    /// <summary>A domain controller (VER_NT_DOMAIN_CONTROLLER, 2).</summary>
    DomainController = 2,

    /// <summary>A server edition (VER_NT_SERVER, 3).</summary>
    Server = 3,
}

/// <summary>
/// The Windows drivers are chosen for: processor architecture, version with build number, and product
/// type. The default is Windows 11 24H2 (10.0.26100) on x64 workstations.
/// </summary>
public sealed class DriverPlatform
{
    /// <summary>Creates a platform.</summary>
    /// <param name="architecture">Processor architecture (not Unspecified).</param>
    /// <param name="osVersion">Windows version with build, for example 10.0.22631.</param>
    /// <param name="productType">Edition type.</param>
    public DriverPlatform(InfArchitecture architecture, Version osVersion, DriverProductType productType = DriverProductType.Workstation)
    {
        if (architecture == InfArchitecture.Unspecified)
        {
            throw new InvalidRequestException(ErrorIds.InvalidArgument, "A driver platform needs an architecture (x86, amd64, arm64...).", architecture);
        }

        Architecture = architecture;
        OSVersion = osVersion ?? throw new ArgumentNullException(nameof(osVersion));
        ProductType = productType;
    }

    /// <summary>Windows 11 24H2 client on x64.</summary>
    public static DriverPlatform Default { get; } = new(InfArchitecture.Amd64, new Version(10, 0, 26100));

    /// <summary>The processor architecture.</summary>
    public InfArchitecture Architecture { get; }

    /// <summary>Major.minor.build of Windows.</summary>
    [Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.VersionConverter))]
    public Version OSVersion { get; }

    /// <summary>The edition type.</summary>
    public DriverProductType ProductType { get; }

    /// <summary>The platform with defaults for what is not given.</summary>
    public static DriverPlatform Of(InfArchitecture? architecture, Version? osVersion, DriverProductType? productType = null)
        => new(architecture ?? Default.Architecture, osVersion ?? Default.OSVersion, productType ?? Default.ProductType);

    /// <summary>The INF reader's view of the platform.</summary>
    public InfTargetPlatform ToInf() => new(Architecture, OSVersion.Major, Math.Max(0, OSVersion.Minor), Math.Max(0, OSVersion.Build), (int)ProductType);

    /// <summary>For example <c>amd64 10.0.26100 Workstation</c>.</summary>
    public override string ToString()
        => string.Format(CultureInfo.InvariantCulture, "{0} {1}.{2}.{3} {4}", ArchitectureName(Architecture), OSVersion.Major, Math.Max(0, OSVersion.Minor), Math.Max(0, OSVersion.Build), ProductType);

    /// <summary>The INF spelling of an architecture (x86, amd64, arm64...).</summary>
    public static string ArchitectureName(InfArchitecture architecture) => architecture switch
    {
        InfArchitecture.X86 => "x86",
        InfArchitecture.Amd64 => "amd64",
        InfArchitecture.Arm64 => "arm64",
        InfArchitecture.Arm => "arm",
        InfArchitecture.Ia64 => "ia64",
        _ => "any",
    };
}
