using System;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;

namespace ImageOps.Engine.Inventory;

/// <summary>
/// What an offline disk image holds, as Get-ImageInventory and <c>imageops image inventory</c> report
/// it: the disk and its partitions, how it boots, each Windows installation found on it with its
/// version and drivers, and the problems met while reading (a dirty hive, an unreadable volume), which
/// are reported here instead of failing the whole inventory.
/// </summary>
public sealed class ImageInventory
{
    /// <summary>Full path of the disk file (the top of its chain).</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>The disk: format, size, chain and partitions.</summary>
    public InventoryDisk Disk { get; set; } = new();

    /// <summary>UEFI, BIOS or Unknown, from the partitioning.</summary>
    public BootMode BootMode { get; set; }

    /// <summary>Why <see cref="BootMode"/> was decided so (the partitions that show it, or what is missing).</summary>
    public string BootModeReason { get; set; } = string.Empty;

    /// <summary>The Windows installations found, one per volume holding <c>Windows\System32\config\SOFTWARE</c>.</summary>
    public WindowsInstallation[] Installations { get; set; } = Array.Empty<WindowsInstallation>();

    /// <summary>What could not be read or looked wrong, from information to errors.</summary>
    public InventoryProblem[] Problems { get; set; } = Array.Empty<InventoryProblem>();

    /// <summary>When the inventory was taken (UTC).</summary>
    public DateTime TakenUtc { get; set; }
}

/// <summary>How an image boots, as its partitioning shows.</summary>
public enum BootMode
{
    /// <summary>The partitioning does not say (no table, GPT without an EFI system partition, MBR without an active partition).</summary>
    Unknown,

    /// <summary>UEFI: GPT with an EFI system partition (or MBR with one and no active partition).</summary>
    Uefi,

    /// <summary>BIOS: MBR with an active partition.</summary>
    Bios,
}

/// <summary>The disk of an inventory.</summary>
public sealed class InventoryDisk
{
    /// <summary>Container format, detected from content.</summary>
    public DiskFormat Format { get; set; }

    /// <summary>Fixed, dynamic or differencing.</summary>
    public DiskVariant Variant { get; set; }

    /// <summary>Virtual size in bytes.</summary>
    public long CapacityBytes { get; set; }

    /// <summary>Logical sector size.</summary>
    public int LogicalSectorSize { get; set; }

    /// <summary>The files of the chain read, top first (one for a disk without a parent).</summary>
    public string[] Chain { get; set; } = Array.Empty<string>();

    /// <summary>None, MBR or GPT.</summary>
    public PartitionScheme PartitionScheme { get; set; }

    /// <summary>The GPT disk GUID, or null.</summary>
    public Guid? DiskGuid { get; set; }

    /// <summary>The MBR disk signature, or null.</summary>
    public uint? MbrSignature { get; set; }

    /// <summary>The partitions, by number.</summary>
    public InventoryPartition[] Partitions { get; set; } = Array.Empty<InventoryPartition>();
}

/// <summary>One partition of an inventoried disk.</summary>
public sealed class InventoryPartition
{
    /// <summary>1-based number as Windows shows it.</summary>
    public int Number { get; set; }

    /// <summary>The well-known kind, if any.</summary>
    public PartitionKind Kind { get; set; }

    /// <summary>The type: a GPT type GUID, or an MBR type byte as <c>0x07</c>.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>The GPT partition name (empty on MBR).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Byte offset on the disk.</summary>
    public long OffsetBytes { get; set; }

    /// <summary>Length in bytes.</summary>
    public long SizeBytes { get; set; }

    /// <summary>MBR active (boot) flag.</summary>
    public bool Active { get; set; }

    /// <summary>The file system its first sector shows (NTFS, FAT12, FAT16, FAT32, exFAT), or null.</summary>
    public string? FileSystem { get; set; }

    /// <summary>The NTFS volume label, or null.</summary>
    public string? Label { get; set; }

    /// <summary>True if a Windows installation was found on it.</summary>
    public bool HoldsWindows { get; set; }
}

/// <summary>How serious an <see cref="InventoryProblem"/> is.</summary>
public enum ProblemSeverity
{
    /// <summary>Worth knowing; the inventory is complete (a hive recovered from its logs).</summary>
    Information,

    /// <summary>Some facts may be missing or stale (a dirty hive read as it is, a value of the wrong type).</summary>
    Warning,

    /// <summary>Part of the image could not be read (a damaged volume or hive).</summary>
    Error,
}

/// <summary>Something met while taking an inventory, with a stable id scripts can match on.</summary>
public sealed class InventoryProblem
{
    /// <summary>How serious it is.</summary>
    public ProblemSeverity Severity { get; set; }

    /// <summary>Stable PascalCase id, for example <c>HiveDirty</c> or <c>VolumeUnreadable</c>.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>A sentence for a person.</summary>
    public string Message { get; set; } = string.Empty;

    /// <summary>The partition it concerns, or null for the whole disk.</summary>
    public int? PartitionNumber { get; set; }

    /// <summary>The file or registry path inside the volume it concerns, or null.</summary>
    public string? Path { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"{Severity} {Id}: {Message}";
}
