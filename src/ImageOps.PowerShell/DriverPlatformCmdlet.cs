using System;
using System.Management.Automation;
using ImageOps.Engine.Drivers;
using ImageOps.Formats.Inf;

namespace ImageOps.PowerShell;

/// <summary>Base of the driver cmdlets that decide for a Windows platform: -Architecture, -OSVersion, -ProductType.</summary>
public abstract class DriverPlatformCmdlet : ImageOpsCmdlet
{
    /// <summary>
    /// <para>The processor architecture of the Windows the drivers are for: X86, Amd64 or Arm64. The
    /// default is Amd64.</para>
    /// </summary>
    [Parameter]
    public InfArchitecture? Architecture { get; set; }

    /// <summary>
    /// <para>The Windows version with its build number, for example 10.0.22631 (Windows 11 23H2) or
    /// 10.0.19045 (Windows 10 22H2). It decides which TargetOSVersion-decorated models sections apply.
    /// The default is 10.0.26100 (Windows 11 24H2).</para>
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public Version? OSVersion { get; set; }

    /// <summary>
    /// <para>The edition type: Workstation (the default), Server or DomainController. Models sections
    /// decorated with a product type apply only to it.</para>
    /// </summary>
    [Parameter]
    public DriverProductType? ProductType { get; set; }

    /// <summary>The platform the parameters describe.</summary>
    protected DriverPlatform Platform() => DriverPlatform.Of(Architecture, OSVersion, ProductType);
}
