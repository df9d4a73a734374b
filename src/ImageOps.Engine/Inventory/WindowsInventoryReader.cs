using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Partitions;

namespace ImageOps.Engine.Inventory;

/// <summary>What <see cref="WindowsInventoryReader"/> reads.</summary>
public sealed class WindowsInventoryOptions
{
    /// <summary>
    /// Read the drivers (the longest part: every package of the driver database). Callers that only need
    /// the version and architecture, such as injection's pre-flight, turn it off. Default true.
    /// </summary>
    public bool IncludeDrivers { get; set; } = true;
}

/// <summary>One Windows volume found by <see cref="WindowsInventoryReader"/>: where it is, the open volume, and its facts.</summary>
public sealed class WindowsVolumeScan
{
    internal WindowsVolumeScan(Partition? partition, NtfsVolume volume, WindowsInstallation installation)
    {
        Partition = partition;
        Volume = volume;
        Installation = installation;
    }

    /// <summary>The partition holding the volume, or null when the disk is one volume without a partition table.</summary>
    public Partition? Partition { get; }

    /// <summary>
    /// The volume, open for reading. It reads through the disk passed to <see cref="WindowsInventoryReader.Read"/>
    /// and is usable for as long as that disk is open.
    /// </summary>
    public NtfsVolume Volume { get; }

    /// <summary>What was read from it.</summary>
    public WindowsInstallation Installation { get; }
}

/// <summary>The result of <see cref="WindowsInventoryReader.Read"/>: the inventory and the open Windows volumes behind it.</summary>
public sealed class WindowsInventoryScan
{
    internal WindowsInventoryScan(ImageInventory inventory, IReadOnlyList<WindowsVolumeScan> volumes)
    {
        Inventory = inventory;
        Volumes = volumes;
    }

    /// <summary>The inventory (disk, boot mode, installations, problems); serializable.</summary>
    public ImageInventory Inventory { get; }

    /// <summary>The Windows volumes, in partition order, with the installation read from each.</summary>
    public IReadOnlyList<WindowsVolumeScan> Volumes { get; }
}

/// <summary>
/// Reads what an open disk holds (issue 4, item 4): its partitions, how it boots, and every Windows
/// installation on it (an NTFS volume with <c>Windows\System32\config\SOFTWARE</c>). Pure managed code
/// over any disk format and chain; nothing is written. Problems (a damaged volume, a dirty or damaged
/// hive, a value of the wrong type) are collected in <see cref="ImageInventory.Problems"/> and logged
/// as warnings, never thrown; only cancellation ends a read early.
/// </summary>
/// <remarks>
/// Injection calls it with <see cref="WindowsInventoryOptions.IncludeDrivers"/> off to learn each
/// installation's version, architecture, control set and hive states cheaply, and keeps the returned
/// volumes to read further.
/// </remarks>
public static class WindowsInventoryReader
{
    /// <summary>Reads <paramref name="disk"/>; the returned volumes read through it while it stays open.</summary>
    public static WindowsInventoryScan Read(VirtualDisk disk, WindowsInventoryOptions? options = null, OperationContext? context = null)
    {
        if (disk is null)
        {
            throw new ArgumentNullException(nameof(disk));
        }

        options ??= new WindowsInventoryOptions();
        context ??= OperationContext.None;
        var problems = new InventoryProblems(context);
        var inventory = new ImageInventory
        {
            Path = FullPath(disk.Path),
            TakenUtc = DateTime.UtcNow,
            Disk = new InventoryDisk
            {
                Format = disk.Format,
                Variant = disk.Variant,
                CapacityBytes = disk.Capacity,
                LogicalSectorSize = disk.LogicalSectorSize,
                Chain = ChainOf(disk),
            },
        };

        PartitionTable? table = null;
        try
        {
            table = PartitionTable.Read(disk);
            foreach (var problem in table.Problems)
            {
                problems.Add(ProblemSeverity.Warning, "PartitionTableProblem", problem);
            }
        }
        catch (ImageOpsException ex)
        {
            problems.Add(ProblemSeverity.Error, "PartitionTableCorrupt", $"The partition table cannot be read: {ex.Message}");
        }

        var volumes = new List<WindowsVolumeScan>();
        var partitions = new List<InventoryPartition>();
        inventory.Disk.PartitionScheme = table?.Scheme ?? PartitionScheme.None;
        inventory.Disk.DiskGuid = table?.DiskGuid;
        inventory.Disk.MbrSignature = table?.MbrSignature;
        foreach (var partition in table?.Partitions ?? Array.Empty<Partition>())
        {
            context.ThrowIfCancelled();
            var entry = Describe(partition);
            partitions.Add(entry);
            entry.FileSystem = FileSystemProbe.Identify(disk, partition.Offset, partition.Length);
            if (entry.FileSystem == FileSystemProbe.Ntfs)
            {
                var scan = Scan(disk, partition, partition.Offset, partition.Length, partition.Number, entry, options, problems, context);
                if (scan is not null)
                {
                    volumes.Add(scan);
                }
            }
        }

        // A disk without a partition table may be one volume (a "superfloppy", or a partition extracted on its own).
        if (table is { Scheme: PartitionScheme.None } && FileSystemProbe.Identify(disk, 0, disk.Capacity) == FileSystemProbe.Ntfs)
        {
            var scan = Scan(disk, null, 0, disk.Capacity, 0, null, options, problems, context);
            if (scan is not null)
            {
                volumes.Add(scan);
            }
        }

        inventory.Disk.Partitions = partitions.ToArray();
        (inventory.BootMode, inventory.BootModeReason) = BootModeOf(table);
        inventory.Installations = volumes.Select(v => v.Installation).ToArray();
        if (volumes.Count == 0)
        {
            problems.Add(ProblemSeverity.Information, "WindowsNotFound", $"No Windows installation was found on '{inventory.Path}' (no NTFS volume holds {WindowsImages.WindowsPaths.SoftwareHive}).");
        }

        inventory.Problems = problems.All.ToArray();
        return new WindowsInventoryScan(inventory, volumes);
    }

    /// <summary>UEFI when GPT has an EFI system partition; BIOS when MBR has an active partition; otherwise Unknown, with the reason.</summary>
    internal static (BootMode, string) BootModeOf(PartitionTable? table)
    {
        if (table is null)
        {
            return (BootMode.Unknown, "The partition table cannot be read.");
        }

        var esp = table.Partitions.FirstOrDefault(p => p.Kind == PartitionKind.EfiSystem);
        var active = table.Partitions.FirstOrDefault(p => p.Active);
        switch (table.Scheme)
        {
            case PartitionScheme.Gpt when esp is not null:
                return (BootMode.Uefi, $"GPT with an EFI system partition (#{esp.Number}).");
            case PartitionScheme.Gpt:
                return (BootMode.Unknown, "GPT without an EFI system partition: the disk does not boot by UEFI as it is, and GPT disks do not boot by BIOS.");
            case PartitionScheme.Mbr when active is not null:
                return (BootMode.Bios, $"MBR with an active partition (#{active.Number}).");
            case PartitionScheme.Mbr when esp is not null:
                return (BootMode.Uefi, $"MBR without an active partition, with an EFI system partition (#{esp.Number}, type 0xEF).");
            case PartitionScheme.Mbr:
                return (BootMode.Unknown, "MBR without an active partition or an EFI system partition.");
            default:
                return (BootMode.Unknown, "The disk has no partition table.");
        }
    }

    private static WindowsVolumeScan? Scan(VirtualDisk disk, Partition? partition, long offset, long length, int number, InventoryPartition? entry, WindowsInventoryOptions options, InventoryProblems problems, OperationContext context)
    {
        NtfsVolume volume;
        try
        {
            volume = NtfsVolume.Open(disk, offset, length);
            if (entry is not null)
            {
                entry.Label = volume.Label;
            }

            if (!WindowsVolumeReader.IsWindows(volume))
            {
                return null;
            }
        }
        catch (ImageOpsException ex)
        {
            problems.Add(ProblemSeverity.Error, "VolumeUnreadable", $"The NTFS volume on partition {number} cannot be read: {ex.Message}", number);
            return null;
        }

        context.Log.Verbose($"Reading the Windows installation on partition {number}.");
        WindowsInstallation installation;
        try
        {
            installation = WindowsVolumeReader.Read(volume, number, options, problems, context);
        }
        catch (ImageOpsException ex)
        {
            problems.Add(ProblemSeverity.Error, "VolumeUnreadable", $"The Windows volume on partition {number} cannot be read: {ex.Message}", number);
            return null;
        }

        if (entry is not null)
        {
            entry.HoldsWindows = true;
        }

        return new WindowsVolumeScan(partition, volume, installation);
    }

    private static InventoryPartition Describe(Partition partition) => new()
    {
        Number = partition.Number,
        Kind = partition.Kind,
        Type = partition.TypeGuid is { } guid ? guid.ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant() : "0x" + (partition.MbrType ?? 0).ToString("X2", CultureInfo.InvariantCulture),
        Name = partition.Name,
        OffsetBytes = partition.Offset,
        SizeBytes = partition.Length,
        Active = partition.Active,
    };

    /// <summary>The full path of a disk file; a disk over memory or a stream keeps the name it was given.</summary>
    private static string FullPath(string name)
    {
        try
        {
            return Path.IsPathRooted(name) ? Path.GetFullPath(name) : name;
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return name;
        }
    }

    private static string[] ChainOf(VirtualDisk disk)
    {
        var chain = new List<string>();
        for (var layer = disk; layer is not null && chain.Count <= DiskOpenContext.MaxChainDepth; layer = layer.Parent)
        {
            chain.Add(FullPath(layer.Path));
        }

        return chain.ToArray();
    }
}
