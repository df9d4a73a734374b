using System;
using Newtonsoft.Json;

namespace ImageOps.Engine.Inventory;

/// <summary>
/// What changed between two images (the monthly "what's new"), as Compare-ImageInventory and
/// <c>imageops image diff</c> report it: OS fields, drivers added, removed and updated, boot mode,
/// disk and partitions.
/// </summary>
public sealed class ImageInventoryComparison
{
    /// <summary>The reference (older) image.</summary>
    public string ReferencePath { get; set; } = string.Empty;

    /// <summary>The difference (newer) image.</summary>
    public string DifferencePath { get; set; } = string.Empty;

    /// <summary>True if no change was found.</summary>
    public bool Identical { get; set; }

    /// <summary>One line for a person: the build change and the driver counts.</summary>
    public string Summary { get; set; } = string.Empty;

    /// <summary>Drivers present only in the difference image.</summary>
    public int DriversAdded { get; set; }

    /// <summary>Drivers present only in the reference image.</summary>
    public int DriversRemoved { get; set; }

    /// <summary>Drivers in both whose version, date, provider or class differ.</summary>
    public int DriversChanged { get; set; }

    /// <summary>Every change, disk first, then Windows fields, then drivers by name.</summary>
    public InventoryChange[] Changes { get; set; } = Array.Empty<InventoryChange>();

    /// <summary>The inventory of the reference image (not in the JSON, which names the files).</summary>
    [JsonIgnore]
    public ImageInventory? Reference { get; set; }

    /// <summary>The inventory of the difference image (not in the JSON, which names the files).</summary>
    [JsonIgnore]
    public ImageInventory? Difference { get; set; }
}

/// <summary>What part of an image a change is about.</summary>
public enum InventoryChangeCategory
{
    /// <summary>The disk: format, size, partition scheme.</summary>
    Disk,

    /// <summary>A partition.</summary>
    Partition,

    /// <summary>How the image boots.</summary>
    BootMode,

    /// <summary>A Windows installation's fields (build, edition, …), or an installation added or removed.</summary>
    Windows,

    /// <summary>A driver package.</summary>
    Driver,
}

/// <summary>How something changed from the reference image to the difference image.</summary>
public enum ChangeKind
{
    /// <summary>Only in the difference image.</summary>
    Added,

    /// <summary>Only in the reference image.</summary>
    Removed,

    /// <summary>Newer in the difference image (a higher build or driver version, or a later driver date).</summary>
    Updated,

    /// <summary>Older in the difference image.</summary>
    Downgraded,

    /// <summary>Different, neither newer nor older (an edition, a provider, a partition size).</summary>
    Changed,
}

/// <summary>One change between two inventories.</summary>
public sealed class InventoryChange
{
    /// <summary>What part of the image it is about.</summary>
    public InventoryChangeCategory Category { get; set; }

    /// <summary>Added, removed, updated, downgraded or changed.</summary>
    public ChangeKind Change { get; set; }

    /// <summary>What changed: a field name (<c>Build</c>), a driver (<c>netkvm.inf</c>), a partition (<c>#3</c>).</summary>
    public string Subject { get; set; } = string.Empty;

    /// <summary>The properties that differ (<c>Version, Date</c>), or empty for an addition or removal.</summary>
    public string Property { get; set; } = string.Empty;

    /// <summary>The value in the reference image, for a person.</summary>
    public string? ReferenceValue { get; set; }

    /// <summary>The value in the difference image, for a person.</summary>
    public string? DifferenceValue { get; set; }

    /// <summary>The partition of the Windows installation it concerns, or null.</summary>
    public int? PartitionNumber { get; set; }

    /// <summary>For a driver: the package in the reference image, or null.</summary>
    public InstalledDriver? ReferenceDriver { get; set; }

    /// <summary>For a driver: the package in the difference image, or null.</summary>
    public InstalledDriver? DifferenceDriver { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"{Category} {Change} {Subject} {Property}: {ReferenceValue} -> {DifferenceValue}";
}
