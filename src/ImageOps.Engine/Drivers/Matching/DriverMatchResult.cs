using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageOps.Engine.Drivers;

/// <summary>A device as Plug and Play reports it: its hardware ids and compatible ids, most specific first.</summary>
public sealed class DeviceIdentity
{
    /// <summary>Creates a device.</summary>
    public DeviceIdentity(IEnumerable<string>? hardwareIds, IEnumerable<string>? compatibleIds = null, string? name = null, string? instanceId = null, string? setupClass = null, string? classGuid = null)
    {
        HardwareIds = Clean(hardwareIds);
        CompatibleIds = Clean(compatibleIds);
        Name = name;
        InstanceId = instanceId;
        Class = setupClass;
        ClassGuid = classGuid;
    }

    /// <summary>Hardware ids, in the order the bus driver reports them.</summary>
    public IReadOnlyList<string> HardwareIds { get; }

    /// <summary>Compatible ids, in order.</summary>
    public IReadOnlyList<string> CompatibleIds { get; }

    /// <summary>Friendly name or description, if known.</summary>
    public string? Name { get; }

    /// <summary>Device instance id, if known.</summary>
    public string? InstanceId { get; }

    /// <summary>Device setup class name, if known.</summary>
    public string? Class { get; }

    /// <summary>Device setup class GUID, if known.</summary>
    public string? ClassGuid { get; }

    /// <summary>The name, else the first hardware id.</summary>
    public override string ToString() => Name ?? HardwareIds.FirstOrDefault() ?? CompatibleIds.FirstOrDefault() ?? "(no ids)";

    private static IReadOnlyList<string> Clean(IEnumerable<string>? ids)
        => (ids ?? Array.Empty<string>()).Select(i => i?.Trim() ?? string.Empty).Where(i => i.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).Take(64).ToArray();
}

/// <summary>One driver package's best match for a device, with its place in Windows' ranking and why.</summary>
public sealed class DriverCandidate
{
    /// <summary>The package id.</summary>
    public string PackageId { get; internal set; } = string.Empty;

    /// <summary>The INF name.</summary>
    public string InfName { get; internal set; } = string.Empty;

    /// <summary>Provider.</summary>
    public string? Provider { get; internal set; }

    /// <summary>Device setup class.</summary>
    public string? Class { get; internal set; }

    /// <summary>The DriverVer date Windows compares (the install section's, else [Version]'s).</summary>
    public DateTime? Date { get; internal set; }

    /// <summary>The DriverVer version Windows compares.</summary>
    public string? Version { get; internal set; }

    /// <summary>The models section of the matching entry.</summary>
    public string ModelsSection { get; internal set; } = string.Empty;

    /// <summary>Its TargetOSVersion decoration, or null.</summary>
    public string? Decoration { get; internal set; }

    /// <summary>The matching entry's device description.</summary>
    public string Description { get; internal set; } = string.Empty;

    /// <summary>The install section Windows would use.</summary>
    public string InstallSection { get; internal set; } = string.Empty;

    /// <summary>True if that section adds a boot-start service.</summary>
    public bool IsBootStart { get; internal set; }

    /// <summary>The rank and its components (null when the entry's models section does not apply).</summary>
    public DriverRank? Rank { get; internal set; }

    /// <summary>The rank as 0xSSGGTHHH text, or null.</summary>
    public string? RankHex => Rank?.Hex;

    /// <summary>False if Windows would not consider the entry on this platform (see <see cref="Reason"/>).</summary>
    public bool IsApplicable { get; internal set; }

    /// <summary>1-based position among applicable candidates (0 if not applicable).</summary>
    public int Position { get; internal set; }

    /// <summary>True for the driver Windows would install.</summary>
    public bool IsChosen { get; internal set; }

    /// <summary>Why it was chosen, why it lost to the chosen one, or why it does not apply.</summary>
    public string Reason { get; internal set; } = string.Empty;

    /// <summary>The groups of the package (for resolution and reports).</summary>
    public string[] Groups { get; internal set; } = Array.Empty<string>();

    /// <summary>The package, position and rank.</summary>
    public override string ToString() => (IsApplicable ? "#" + Position + " " : "n/a ") + InfName + " (" + PackageId + ") " + (RankHex ?? string.Empty);
}

/// <summary>The drivers of the library that match a device on a platform, ranked as Windows ranks them.</summary>
public sealed class DriverMatchResult
{
    /// <summary>The device.</summary>
    public DeviceIdentity Device { get; internal set; } = null!;

    /// <summary>The platform.</summary>
    public DriverPlatform Platform { get; internal set; } = null!;

    /// <summary>The driver Windows would pick, or null if none applies.</summary>
    public DriverCandidate? Chosen { get; internal set; }

    /// <summary>Applicable candidates in rank order, then the ones that do not apply.</summary>
    public IReadOnlyList<DriverCandidate> Candidates { get; internal set; } = Array.Empty<DriverCandidate>();

    /// <summary>One sentence for a person.</summary>
    public string Summary { get; internal set; } = string.Empty;

    /// <summary>The summary.</summary>
    public override string ToString() => Summary;
}
