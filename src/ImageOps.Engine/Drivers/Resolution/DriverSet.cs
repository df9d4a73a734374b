using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageOps.Engine.Drivers;

/// <summary>Where a package in a driver set comes from: a curated source wins over an OEM one for the devices it matches by hardware id.</summary>
public enum DriverSourceTier
{
    /// <summary>An OEM pack or another standard source.</summary>
    Oem = 0,

    /// <summary>A source the administrator curated.</summary>
    Curated = 1,
}

/// <summary>The outcome of resolving a model's drivers.</summary>
public enum DriverSetStatus
{
    /// <summary>Profiles apply; <see cref="DriverSet.Packages"/> is what to inject (it may be empty).</summary>
    Resolved,

    /// <summary>A profile explicitly says the model gets no drivers.</summary>
    NoDrivers,

    /// <summary>No profile applies to the model: it is missing from the library's rules.</summary>
    NoProfile,
}

/// <summary>What to resolve: a hardware model on a platform, and optionally the devices it has.</summary>
public sealed class DriverSetRequest
{
    /// <summary>The model.</summary>
    public HardwareModel Model { get; set; } = new(null, null);

    /// <summary>The Windows drivers are for; defaults to <see cref="DriverPlatform.Default"/>.</summary>
    public DriverPlatform? Platform { get; set; }

    /// <summary>
    /// The model's devices, if known (from an inventory). With devices, the set is exactly the packages
    /// chosen for them; without, every package the profiles name that would win for at least one of the
    /// hardware ids it lists.
    /// </summary>
    public IReadOnlyList<DeviceIdentity>? Devices { get; set; }

    /// <summary>For each device, the INF it uses now, when known (same order as <see cref="Devices"/>).</summary>
    public IReadOnlyList<string?>? CurrentDriverInfs { get; set; }
}

/// <summary>
/// The exact driver packages to inject for a model, each with its reason, and what was left out and why.
/// A later injection step takes <see cref="Packages"/> as is: each entry names its package id and the
/// store paths of its files.
/// </summary>
public sealed class DriverSet
{
    /// <summary>The model.</summary>
    public HardwareModel Model { get; internal set; } = null!;

    /// <summary>The platform.</summary>
    public DriverPlatform Platform { get; internal set; } = null!;

    /// <summary>The outcome.</summary>
    public DriverSetStatus Status { get; internal set; }

    /// <summary>The profiles that applied, in precedence order (highest first).</summary>
    public string[] Profiles { get; internal set; } = Array.Empty<string>();

    /// <summary>The profile whose "no drivers" choice ended the walk, if any.</summary>
    public string? StoppedBy { get; internal set; }

    /// <summary>The packages to inject.</summary>
    public DriverSetPackage[] Packages { get; internal set; } = Array.Empty<DriverSetPackage>();

    /// <summary>Packages the profiles named that are not in the set, with why.</summary>
    public DriverSetExclusion[] Excluded { get; internal set; } = Array.Empty<DriverSetExclusion>();

    /// <summary>With devices: how many packages the profiles name that match none of them (not listed in <see cref="Excluded"/>).</summary>
    public int NotMatching { get; internal set; }

    /// <summary>Per device, when devices were given.</summary>
    public DeviceResolution[] Devices { get; internal set; } = Array.Empty<DeviceResolution>();

    /// <summary>Things to look at (missing sources, curated drivers Windows may not pick).</summary>
    public string[] Warnings { get; internal set; } = Array.Empty<string>();

    /// <summary>Number of packages to inject.</summary>
    public int PackageCount => Packages.Length;

    /// <summary>Total size of their files.</summary>
    public long SizeBytes => Packages.Sum(p => p.Files.Sum(f => f.SizeBytes));

    /// <summary>One line for a person.</summary>
    public string Summary => Status switch
    {
        DriverSetStatus.NoProfile => "No driver profile applies to " + Model + " on " + Platform + ".",
        DriverSetStatus.NoDrivers => "Profile '" + StoppedBy + "' says " + Model + " gets no drivers.",
        _ => Packages.Length + " package(s) for " + Model + " on " + Platform + " from profile(s) " + string.Join(", ", Profiles) + ".",
    };

    /// <summary>The summary.</summary>
    public override string ToString() => Summary;
}

/// <summary>A package in a driver set.</summary>
public sealed class DriverSetPackage
{
    /// <summary>The package id.</summary>
    public string PackageId { get; internal set; } = string.Empty;

    /// <summary>The INF name.</summary>
    public string Name { get; internal set; } = string.Empty;

    /// <summary>Provider.</summary>
    public string? Provider { get; internal set; }

    /// <summary>Device setup class.</summary>
    public string? Class { get; internal set; }

    /// <summary>DriverVer version.</summary>
    public string? Version { get; internal set; }

    /// <summary>DriverVer date.</summary>
    public DateTime? Date { get; internal set; }

    /// <summary>Curated or OEM.</summary>
    public DriverSourceTier Tier { get; internal set; }

    /// <summary>The profile and source that brought it in.</summary>
    public string Source { get; internal set; } = string.Empty;

    /// <summary>Why it is in the set.</summary>
    public string Reason { get; internal set; } = string.Empty;

    /// <summary>True if it adds a boot-start service on this architecture (it must be registered offline, not only staged).</summary>
    public bool IsBootCritical { get; internal set; }

    /// <summary>True if it is a boot-start storage controller driver.</summary>
    public bool IsBootStorageController { get; internal set; }

    /// <summary>The devices it was chosen for (inventory mode) or the hardware ids it wins (model mode).</summary>
    public string[] ChosenFor { get; internal set; } = Array.Empty<string>();

    /// <summary>The INF's path in the store.</summary>
    public string InfStorePath { get; internal set; } = string.Empty;

    /// <summary>Its files with their store paths.</summary>
    public DriverPackageFileInfo[] Files { get; internal set; } = Array.Empty<DriverPackageFileInfo>();

    /// <summary>The name, id and tier.</summary>
    public override string ToString() => Name + " (" + PackageId + ", " + Tier + ")";
}

/// <summary>A package a profile named that is not in the set.</summary>
public sealed class DriverSetExclusion
{
    /// <summary>The package id.</summary>
    public string PackageId { get; internal set; } = string.Empty;

    /// <summary>The INF name.</summary>
    public string Name { get; internal set; } = string.Empty;

    /// <summary>Device setup class.</summary>
    public string? Class { get; internal set; }

    /// <summary>Why it was left out.</summary>
    public string Reason { get; internal set; } = string.Empty;

    /// <summary>The name and reason.</summary>
    public override string ToString() => Name + ": " + Reason;
}

/// <summary>How a device of a model is covered.</summary>
public enum DeviceCoverage
{
    /// <summary>A package in the set drives it.</summary>
    Covered,

    /// <summary>It uses a driver that ships with Windows (per the inventory's driver INF), and the library has none for it.</summary>
    Inbox,

    /// <summary>No package in the set matches it.</summary>
    NoDriver,

    /// <summary>The model gets no drivers by an explicit profile choice.</summary>
    NotRequested,
}

/// <summary>One device of a model and the driver chosen for it.</summary>
public sealed class DeviceResolution
{
    /// <summary>The device.</summary>
    public DeviceIdentity Device { get; internal set; } = null!;

    /// <summary>Its setup class (from the inventory, else the chosen package's).</summary>
    public string? Class { get; internal set; }

    /// <summary>How it is covered.</summary>
    public DeviceCoverage Coverage { get; internal set; }

    /// <summary>The package chosen for it.</summary>
    public string? PackageId { get; internal set; }

    /// <summary>That package's INF name.</summary>
    public string? PackageName { get; internal set; }

    /// <summary>Curated or OEM.</summary>
    public DriverSourceTier? Tier { get; internal set; }

    /// <summary>The package Windows itself would pick among the packages of the set (it ranks them at first boot).</summary>
    public string? WindowsChoiceId { get; internal set; }

    /// <summary>That package's INF name.</summary>
    public string? WindowsChoiceName { get; internal set; }

    /// <summary>The best curated package that matches the device, if any.</summary>
    public string? CuratedId { get; internal set; }

    /// <summary>True if a curated package matches but Windows would pick another package of the set.</summary>
    public bool DiffersFromCurated { get; internal set; }

    /// <summary>True if the chosen driver's install section adds a boot-start service.</summary>
    public bool IsBootStart { get; internal set; }

    /// <summary>The INF the device uses now, per the inventory.</summary>
    public string? CurrentDriverInf { get; internal set; }

    /// <summary>Why.</summary>
    public string Reason { get; internal set; } = string.Empty;

    /// <summary>The device and its coverage.</summary>
    public override string ToString() => Device + ": " + Coverage + (PackageName is null ? string.Empty : " by " + PackageName);
}
