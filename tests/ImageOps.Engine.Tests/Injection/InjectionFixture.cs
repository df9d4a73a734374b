using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using ImageOps.Engine.Disks;
using ImageOps.Engine.Injection;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.Samples;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Partitions;
using ImageOps.Formats.Registry;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Injection;

/// <summary>The injection tests run one at a time (libntfs-3g, whole images) and share their fixtures.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InjectionCollection : ICollectionFixture<InjectionFixture>
{
    public const string Name = "injection (serial)";
}

/// <summary>
/// Built once: a Windows 11 image (GPT/UEFI) and a Windows 7 image (MBR/BIOS) as raw files, the
/// Windows 11 one converted to every format, and driver packages on the host (a VirtIO storage driver,
/// a NIC, an unsigned storage driver, an x86-only package).
/// </summary>
public sealed class InjectionFixture : IDisposable
{
    public InjectionFixture()
    {
        External.Tool("mkntfs");
        Folder = new TempFolder("inject");
        Directory.CreateDirectory(Folder.Combine("images"));
        Win11Raw = Folder.Combine("images", "win11.img");
        SyntheticWindowsImage.Create(Win11Raw, new WindowsImageSpec { Format = DiskFormat.Raw, SizeBytes = 256L << 20 });
        Win7Raw = Folder.Combine("images", "win7.img");
        SyntheticWindowsImage.Create(Win7Raw, Win7Spec());
        var service = new DiskFileService();
        foreach (var format in new[] { DiskFormat.Vhd, DiskFormat.Vhdx, DiskFormat.Qcow2, DiskFormat.Vmdk })
        {
            var path = Folder.Combine("images", "win11." + format.ToString().ToLowerInvariant());
            service.Convert(new ConversionRequest { SourcePath = Win11Raw, DestinationPath = path, Format = format });
            Images[format] = path;
        }

        Images[DiskFormat.Raw] = Win11Raw;
        Storage = SampleInjectionDrivers.VirtioStorage();
        StorageInf = SampleInjectionDrivers.Write(Folder.Combine("drivers", "viostor"), Storage);
        Nic = SampleInjectionDrivers.Network();
        NicInf = SampleInjectionDrivers.Write(Folder.Combine("drivers", "vionet"), Nic);
        var unsigned = SampleInjectionDrivers.VirtioStorage();
        unsigned.InfName = "rawstor.inf";
        unsigned.Service = "rawstor";
        UnsignedStorageInf = SampleInjectionDrivers.Write(Folder.Combine("unsigned", "rawstor"), unsigned, catalog: false);
        var x86 = SampleInjectionDrivers.Network("old32", @"PCI\VEN_10EC&DEV_8139");
        x86.Decorations = new[] { "NTx86" };
        X86Inf = SampleInjectionDrivers.Write(Folder.Combine("x86only", "old32"), x86);
    }

    public TempFolder Folder { get; }

    public string Win11Raw { get; }

    public string Win7Raw { get; }

    public Dictionary<DiskFormat, string> Images { get; } = new();

    public SampleDriver Storage { get; }

    public string StorageInf { get; }

    public SampleDriver Nic { get; }

    public string NicInf { get; }

    public string UnsignedStorageInf { get; }

    public string X86Inf { get; }

    public static WindowsImageSpec Win7Spec() => new()
    {
        Format = DiskFormat.Raw,
        SizeBytes = 256L << 20,
        Uefi = false,
        ProductName = "Windows 7 Professional",
        DisplayVersion = string.Empty,
        Build = 7601,
        Ubr = 24214,
        MajorVersion = 6,
        MinorVersion = 1,
    };

    /// <summary>A fresh folder for one test's outputs.</summary>
    public string NewFolder(string name)
    {
        var path = Folder.Combine("out", name + "-" + Guid.NewGuid().ToString("N").Substring(0, 6));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A copy of an image in its own folder (so tests may edit it or build chains over it).</summary>
    public string CopyImage(string image, string folder)
    {
        var copy = Path.Combine(folder, Path.GetFileName(image));
        File.Copy(image, copy);
        return copy;
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        using var sha = SHA256.Create();
        return Convert.ToHexString(sha.ComputeHash(stream));
    }

    /// <summary>Reads a file of the Windows volume of an image (any chain) with ImageOps' NTFS reader.</summary>
    public static byte[]? ReadFile(string image, string path, params string[] roots)
    {
        using var disk = new DiskOpener(roots).Open(image);
        var partition = PartitionTable.Read(disk).Partitions.Last();
        using var volume = NtfsVolume.Open(disk, partition);
        return volume.TryGetEntry(path) is { IsDirectory: false } entry ? volume.ReadAllBytes(entry) : null;
    }

    /// <summary>The Windows partition of an image (any chain) flattened into a raw file, for ntfs-3g's own tools.</summary>
    public static string ExtractWindowsPartition(string image, string destination, params string[] roots)
    {
        using var disk = new DiskOpener(roots).Open(image);
        var partition = PartitionTable.Read(disk).Partitions.Last();
        using var output = new FileStream(destination, FileMode.CreateNew);
        var buffer = new byte[1 << 20];
        for (long done = 0; done < partition.Length; done += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, partition.Length - done);
            disk.Read(partition.Offset + done, buffer.AsSpan(0, n));
            output.Write(buffer, 0, n);
        }

        return destination;
    }

    /// <summary>Edits a raw image's Windows volume in place (to build hostile fixtures).</summary>
    public static void EditRaw(string rawImage, Action<IOfflineVolume> edit)
    {
        using var disk = DiskFormats.Open(rawImage, new DiskOpenOptions { Writable = true });
        var partition = PartitionTable.Read(disk).Partitions.Last();
        using (var volume = Ntfs3gVolume.Open(disk, partition))
        {
            edit(volume);
            volume.Flush();
        }

        disk.Flush();
    }

    /// <summary>Edits a hive of a raw image.</summary>
    public static void EditHive(string rawImage, string hivePath, RegistryEditPlan plan)
        => EditRaw(rawImage, volume =>
        {
            var hive = RegistryHive.Open(volume.ReadAllBytes(hivePath));
            hive.Apply(plan);
            volume.WriteAllBytes(hivePath, hive.ToArray());
        });

    public void Dispose() => Folder.Dispose();
}
