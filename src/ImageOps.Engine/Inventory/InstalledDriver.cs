using System;

namespace ImageOps.Engine.Inventory;

/// <summary>
/// A driver package of an offline Windows installation. From Windows 8 on, the facts come from the
/// SYSTEM hive's DriverDatabase (DriverInfFiles names the active package of each published INF,
/// DriverPackages holds its provider and version) and, where the database lacks one, from the INF in
/// the driver store; before Windows 8, from the INFs in <c>Windows\INF</c>, the services and the
/// CriticalDeviceDatabase.
/// </summary>
public sealed class InstalledDriver
{
    /// <summary>The name Windows knows it by: <c>oem3.inf</c> for a third-party package, the INF's own name for an in-box one.</summary>
    public string PublishedName { get; set; } = string.Empty;

    /// <summary>The INF's original name, for example <c>netkvm.inf</c> (what diffs match on).</summary>
    public string OriginalName { get; set; } = string.Empty;

    /// <summary>In-box (shipped with Windows) or third-party (published as oemN.inf).</summary>
    public DriverOrigin Origin { get; set; }

    /// <summary>Where the facts were found.</summary>
    public DriverSource Source { get; set; }

    /// <summary>The provider.</summary>
    public string? Provider { get; set; }

    /// <summary>The device setup class name, for example <c>Net</c>.</summary>
    public string? ClassName { get; set; }

    /// <summary>The device setup class GUID.</summary>
    public Guid? ClassGuid { get; set; }

    /// <summary>The DriverVer date (a date, at midnight UTC).</summary>
    public DateTime? Date { get; set; }

    /// <summary>The DriverVer version, for example <c>100.95.104.26200</c>.</summary>
    public string? Version { get; set; }

    /// <summary>The driver store folder (package label), for example <c>netkvm.inf_amd64_…</c>, or null.</summary>
    public string? DriverStoreFolder { get; set; }

    /// <summary>Hardware and compatible IDs the package matches.</summary>
    public string[] HardwareIds { get; set; } = Array.Empty<string>();

    /// <summary>The services it installs that exist in the current control set.</summary>
    public string[] Services { get; set; } = Array.Empty<string>();

    /// <summary>True if one of its services starts at boot (start type 0), or the CriticalDeviceDatabase names it.</summary>
    public bool BootCritical { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"{PublishedName} ({OriginalName}, {Provider}, {Version})";
}

/// <summary>Whether a driver came with Windows.</summary>
public enum DriverOrigin
{
    /// <summary>Shipped with Windows (published under its own name).</summary>
    Inbox,

    /// <summary>Added later: published as oemN.inf (or, only staged in the store, from a provider other than Microsoft).</summary>
    ThirdParty,
}

/// <summary>Where a driver's facts were read.</summary>
public enum DriverSource
{
    /// <summary>The SYSTEM hive's DriverDatabase (Windows 8 and later): installed.</summary>
    DriverDatabase,

    /// <summary>Only a driver store folder, which no DriverDatabase entry names: staged, not installed.</summary>
    DriverStore,

    /// <summary>An INF in <c>Windows\INF</c> (before Windows 8).</summary>
    InfFolder,
}
