using System;

namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// One driver package in an offline image's driver store, as DISM lists it
/// (<see cref="DismDriverServicing.GetDrivers"/>; dismapi.h <c>DismDriverPackage</c>). Not yet exercised on Windows.
/// </summary>
public sealed class DismDriverInfo
{
    /// <summary>The published name in the store, for example <c>oem3.inf</c>.</summary>
    public string PublishedName { get; init; } = string.Empty;

    /// <summary>The INF's original file name (for an out-of-box driver, its path in the store).</summary>
    public string OriginalFileName { get; init; } = string.Empty;

    /// <summary>True for a driver that ships with Windows.</summary>
    public bool InBox { get; init; }

    /// <summary>The package's catalog file.</summary>
    public string CatalogFile { get; init; } = string.Empty;

    /// <summary>The device setup class name, for example <c>SCSIAdapter</c>.</summary>
    public string ClassName { get; init; } = string.Empty;

    /// <summary>The device setup class GUID as DISM gives it (a string in braces).</summary>
    public string ClassGuid { get; init; } = string.Empty;

    /// <summary>The class description.</summary>
    public string ClassDescription { get; init; } = string.Empty;

    /// <summary>True if the driver is boot-critical.</summary>
    public bool BootCritical { get; init; }

    /// <summary>The signature status DISM determined.</summary>
    public DismDriverSignature Signature { get; init; }

    /// <summary>The provider named by the INF.</summary>
    public string ProviderName { get; init; } = string.Empty;

    /// <summary>The driver date (the INF's DriverVer date; no time zone), or null if DISM gave none or an invalid one.</summary>
    public DateTime? Date { get; init; }

    /// <summary>The driver version (DriverVer's four parts).</summary>
    public Version Version { get; init; } = new(0, 0, 0, 0);

    /// <inheritdoc />
    public override string ToString() => $"{PublishedName} ({OriginalFileName}, {ClassName}, {Version})";
}
