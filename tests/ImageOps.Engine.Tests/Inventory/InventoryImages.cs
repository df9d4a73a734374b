using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Engine.Disks;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.Samples;
using ImageOps.Engine.Tests.OfflineVolumes;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Partitions;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Inventory;

/// <summary>
/// The images the inventory tests read, built once: synthetic Windows images in several formats
/// (Windows 11 VHDX UEFI, the same a month later as VMDK, Windows 7 QCOW2 BIOS, Windows 10 x86 raw BIOS),
/// differencing children of the Windows 11 image changed through libntfs-3g (a newer UBR, a dirty SYSTEM
/// hive with and without its log, a damaged hive, a damaged volume), and disks without Windows.
/// </summary>
public sealed class InventoryImages : IDisposable
{
    /// <summary>The provider the replayed SYSTEM log gives netkvm, so tests see the log was applied.</summary>
    public const string ReplayedProvider = "Red Hat, Inc. (from the log)";

    public InventoryImages()
    {
        NtfsTooling.Require();

        Folder = new TempFolder("inventory");
        Win11 = Folder.Combine("win11.vhdx");
        SyntheticWindowsImage.Create(Win11, new WindowsImageSpec());

        NextMonth = Folder.Combine("win11-next.vmdk");
        SyntheticWindowsImage.Create(NextMonth, new WindowsImageSpec { Format = DiskFormat.Vmdk, Ubr = 2605, Drivers = SampleDrivers.NextMonth() });

        Win7 = Folder.Combine("win7.qcow2");
        var win7 = WindowsImageSpec.ForBuild(7601, 24214);
        win7.Format = DiskFormat.Qcow2;
        win7.Uefi = false;
        SyntheticWindowsImage.Create(Win7, win7);

        Win10X86 = Folder.Combine("win10-x86.img");
        var x86 = WindowsImageSpec.ForBuild(19045, 5011);
        x86.Format = DiskFormat.Raw;
        x86.Uefi = false;
        x86.Architecture = "x86";
        x86.EditionId = "Enterprise";
        x86.ProductName = "Windows 10 Enterprise";
        SyntheticWindowsImage.Create(Win10X86, x86);

        NewerUbr = Child("ubr.vhdx", volume =>
        {
            var spec = new WindowsImageSpec { Ubr = 2400 };
            volume.WriteFile(WindowsPaths.SoftwareHive, new MemoryStream(SampleHives.Software(spec)));
        });

        DirtyWithLog = Child("dirty-log.vhdx", volume =>
        {
            var (primary, log) = DirtySystem(volume.ReadAllBytes(WindowsPaths.SystemHive), withLog: true);
            volume.WriteFile(WindowsPaths.SystemHive, new MemoryStream(primary));
            volume.WriteFile(WindowsPaths.SystemHive + ".LOG1", new MemoryStream(log!));
        });

        DirtyWithoutLog = Child("dirty.vhdx", volume =>
        {
            var (primary, _) = DirtySystem(volume.ReadAllBytes(WindowsPaths.SystemHive), withLog: false);
            volume.WriteFile(WindowsPaths.SystemHive, new MemoryStream(primary));
        });

        // A package staged in the store only, oem1's database entry without its Version value and
        // Descriptors (the INF in the store fills them), and PROCESSOR_ARCHITECTURE saying x86 on a
        // volume with SysWOW64.
        Staged = Child("staged.vhdx", volume =>
        {
            var staged = SampleDrivers.ThirdParty("viostor.inf", "oem9.inf", "Red Hat, Inc.", "SCSIAdapter", SampleDrivers.ScsiAdapter, "viostor", 0, new DateTime(2024, 9, 1), new Version(100, 95, 104, 26400), @"PCI\VEN_1AF4&DEV_1001&REV_00");
            var folder = $@"{WindowsPaths.DriverStore}\{staged.StoreFolder("amd64")}";
            volume.CreateDirectory(folder);
            volume.WriteFile($@"{folder}\viostor.inf", new MemoryStream(System.Text.Encoding.ASCII.GetBytes(SampleInf.Render(staged))));
            var system = RegistryHive.Open(volume.ReadAllBytes(WindowsPaths.SystemHive));
            var label = system.OpenKey(@"DriverDatabase\DriverInfFiles\oem1.inf").GetValue("Active")!.GetString();
            system.Apply(new RegistryEditPlan()
                .DeleteValue($@"DriverDatabase\DriverPackages\{label}", "Version")
                .DeleteKey($@"DriverDatabase\DriverPackages\{label}\Descriptors")
                .SetString(@"ControlSet001\Control\Session Manager\Environment", "PROCESSOR_ARCHITECTURE", "x86"));
            volume.WriteFile(WindowsPaths.SystemHive, new MemoryStream(system.ToArray()));
        });

        // Values of the wrong type and a Select\Current naming a control set the hive lacks.
        WrongTypes = Child("wrong-types.vhdx", volume =>
        {
            var software = RegistryHive.Open(volume.ReadAllBytes(WindowsPaths.SoftwareHive));
            software.Apply(new RegistryEditPlan()
                .SetString(WindowsPaths.CurrentVersionNt, "UBR", "2314")
                .SetString(WindowsPaths.CurrentVersionNt, "CurrentMajorVersionNumber", "10"));
            volume.WriteFile(WindowsPaths.SoftwareHive, new MemoryStream(software.ToArray()));
            var system = RegistryHive.Open(volume.ReadAllBytes(WindowsPaths.SystemHive));
            system.Apply(new RegistryEditPlan().SetDWord("Select", "Current", 7));
            volume.WriteFile(WindowsPaths.SystemHive, new MemoryStream(system.ToArray()));
        });

        DamagedHive = Child("damaged-hive.vhdx", volume =>
            volume.WriteFile(WindowsPaths.SoftwareHive, new MemoryStream(Enumerable.Range(0, 8192).Select(i => (byte)(i * 7)).ToArray())));

        DamagedVolume = Folder.Combine("damaged-volume.vhdx");
        new DiskFileService().Create(new NewDiskRequest { Path = DamagedVolume, Format = DiskFormat.Vhdx, ParentPath = Win11 });
        using (var disk = new DiskOpener().Open(DamagedVolume, writable: true))
        {
            // Break the signature of MFT record 0 ($MFT itself): nothing on the volume can be found.
            var windows = PartitionTable.Read(disk).Partitions.Last();
            var boot = NtfsVolume.Open(disk, windows).BootSector;
            disk.Write(windows.Offset + (boot.MftCluster * boot.ClusterSize), "XXXX"u8);
        }

        NoWindows = Folder.Combine("data.img");
        using (var disk = DiskFormats.Get(DiskFormat.Raw).Create(Formats.Disks.Storage.FileBlockStorage.Create(NoWindows), new DiskCreateOptions { Capacity = 64L << 20, Variant = DiskVariant.Fixed }))
        {
            var table = PartitionTableWriter.WriteGpt(disk, new[] { new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = 0, Name = "Data" } });
            NtfsVolumeFormatter.Format(disk, table.Partitions[0], new NtfsFormatOptions { Label = "Data" });
            using var volume = Ntfs3gVolume.Open(disk, table.Partitions[0]);
            volume.CreateDirectory(@"Windows\System32");
            volume.WriteFile(@"Windows\notes.txt", new MemoryStream("not a Windows volume"u8.ToArray()));
            volume.Flush();
        }

        Blank = Folder.Combine("blank.img");
        using (var file = File.Create(Blank))
        {
            file.SetLength(8L << 20);
        }
    }

    public TempFolder Folder { get; }

    public string Win11 { get; }

    public string NextMonth { get; }

    public string Win7 { get; }

    public string Win10X86 { get; }

    public string NewerUbr { get; }

    public string DirtyWithLog { get; }

    public string DirtyWithoutLog { get; }

    public string Staged { get; }

    public string WrongTypes { get; }

    public string DamagedHive { get; }

    public string DamagedVolume { get; }

    public string NoWindows { get; }

    public string Blank { get; }

    public void Dispose() => Folder.Dispose();

    /// <summary>
    /// A dirty copy of a SYSTEM hive as an interrupted write leaves it: the primary file unchanged but with
    /// sequence numbers s+1/s, and (with <paramref name="withLog"/>) a new-format LOG1 whose one entry holds
    /// the change that did not reach the primary: netkvm's provider renamed.
    /// </summary>
    private static (byte[] Primary, byte[]? Log) DirtySystem(byte[] clean, bool withLog)
    {
        var hive = RegistryHive.Open(clean);
        var sequence = hive.SecondarySequenceNumber;
        var before = hive.ToArray();
        var label = hive.OpenKey(@"DriverDatabase\DriverInfFiles\oem0.inf").GetValue("Active")!.GetString();
        hive.Apply(new RegistryEditPlan().SetString($@"DriverDatabase\DriverPackages\{label}", "Provider", ReplayedProvider));
        var after = hive.ToArray();

        var primary = (byte[])before.Clone();
        Patch(primary, sequence + 1, sequence, HiveFileType.Primary);
        if (!withLog)
        {
            return (primary, null);
        }

        var entry = LogEntry.Build(sequence, (uint)(after.Length - BaseBlock.Size), 0, Pages(before, after));
        var log = new byte[BaseBlock.LogCopySize + entry.Length + 1024];
        before.AsSpan(0, BaseBlock.LogCopySize).CopyTo(log);
        Patch(log, sequence, sequence, HiveFileType.NewLog);
        entry.CopyTo(log, BaseBlock.LogCopySize);
        return (primary, log);
    }

    private static (uint Offset, byte[] Data)[] Pages(byte[] before, byte[] after)
    {
        var pages = new List<(uint, byte[])>();
        for (var at = BaseBlock.Size; at < after.Length; at += 4096)
        {
            var page = after.AsSpan(at, 4096);
            if (at + 4096 > before.Length || !page.SequenceEqual(before.AsSpan(at, 4096)))
            {
                pages.Add(((uint)(at - BaseBlock.Size), page.ToArray()));
            }
        }

        return pages.ToArray();
    }

    private static void Patch(byte[] block, uint primary, uint secondary, HiveFileType type)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(BaseBlock.PrimarySequenceOffset), primary);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(BaseBlock.SecondarySequenceOffset), secondary);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(BaseBlock.FileTypeOffset), (uint)type);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(BaseBlock.ChecksumOffset), BaseBlock.ComputeChecksum(block));
    }

    /// <summary>A VHDX child of the Windows 11 image whose Windows volume <paramref name="change"/> edits through libntfs-3g.</summary>
    private string Child(string name, Action<Ntfs3gVolume> change)
    {
        var path = Folder.Combine(name);
        new DiskFileService().Create(new NewDiskRequest { Path = path, Format = DiskFormat.Vhdx, ParentPath = Win11 });
        using var disk = new DiskOpener().Open(path, writable: true);
        using var volume = Ntfs3gVolume.Open(disk, PartitionTable.Read(disk).Partitions.Last());
        change(volume);
        volume.Flush();
        return path;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InventoryCollection : ICollectionFixture<InventoryImages>
{
    public const string Name = "inventory images (serial)";
}
