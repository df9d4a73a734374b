using System;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Engine.Disks;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Partitions;

namespace ImageOps.Engine.Samples;

/// <summary>
/// Builds a synthetic Windows-like disk in any format, for tests and the demo (issue 4, item 6): GPT
/// with EFI system, MSR and NTFS partitions (or MBR with System Reserved and Windows for BIOS), and
/// on the Windows volume the SYSTEM and SOFTWARE hives, <c>Windows\INF</c>, driver binaries and the
/// driver store, as <see cref="WindowsImageSpec"/> describes. Real formats throughout: mkntfs and
/// libntfs-3g write the volume, the regf writer the hives. The EFI partition is left unformatted.
/// </summary>
public static class SyntheticWindowsImage
{
    /// <summary>Size of the EFI system partition.</summary>
    public const long EfiBytes = 100L << 20;

    /// <summary>Size of the Microsoft reserved partition.</summary>
    public const long MsrBytes = 16L << 20;

    /// <summary>Size of the BIOS System Reserved partition.</summary>
    public const long SystemReservedBytes = 50L << 20;

    /// <summary>Smallest image made: room for the EFI system and MSR partitions and a Windows volume.</summary>
    public const long MinSizeBytes = 256L << 20;

    /// <summary>Largest image made (the image is sparse, but mkntfs writes a bitmap for the whole volume).</summary>
    public const long MaxSizeBytes = 2L << 40;

    /// <summary>Creates the image at <paramref name="path"/> and returns its description.</summary>
    public static DiskFileInfo Create(string path, WindowsImageSpec spec, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        if (spec.SizeBytes < MinSizeBytes || spec.SizeBytes > MaxSizeBytes || spec.SizeBytes % (1 << 20) != 0)
        {
            throw new InvalidRequestException(ErrorIds.InvalidArgument, $"A sample image is a whole number of MiB from {MinSizeBytes >> 20} MiB to {MaxSizeBytes >> 30} GiB, not {spec.SizeBytes} bytes.", spec.SizeBytes);
        }

        if (spec.Build <= 0 || spec.Ubr < 0)
        {
            throw new InvalidRequestException(ErrorIds.InvalidArgument, $"The build ({spec.Build}) must be positive and the UBR ({spec.Ubr}) not negative.", spec.Build);
        }

        var full = Path.GetFullPath(path);
        var raw = spec.Format == DiskFormat.Raw ? full : full + ".building.raw";
        if (File.Exists(full))
        {
            throw new ObjectExistsException("DiskFileExists", $"'{full}' exists.", full);
        }

        try
        {
            using (var disk = DiskFormats.Get(DiskFormat.Raw).Create(FileBlockStorage.Create(raw), new DiskCreateOptions { Capacity = spec.SizeBytes, Variant = DiskVariant.Fixed }))
            {
                var table = spec.Uefi
                    ? PartitionTableWriter.WriteGpt(disk, new[]
                    {
                        new PartitionSpec { Kind = PartitionKind.EfiSystem, SizeBytes = EfiBytes, Name = "EFI system partition" },
                        new PartitionSpec { Kind = PartitionKind.MicrosoftReserved, SizeBytes = MsrBytes, Name = "Microsoft reserved partition" },
                        new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = 0, Name = "Basic data partition" },
                    })
                    : PartitionTableWriter.WriteMbr(disk, new[]
                    {
                        new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = SystemReservedBytes, Active = true },
                        new PartitionSpec { Kind = PartitionKind.BasicData, SizeBytes = 0 },
                    });

                if (!spec.Uefi)
                {
                    NtfsVolumeFormatter.Format(disk, table.Partitions[0], new NtfsFormatOptions { Label = "System Reserved" });
                }

                var windows = table.Partitions.Last();
                NtfsVolumeFormatter.Format(disk, windows, new NtfsFormatOptions { Label = "Windows" });
                using (var volume = Ntfs3gVolume.Open(disk, windows))
                {
                    Populate(volume, spec);
                    volume.Flush();
                }

                disk.Flush();
            }

            if (spec.Format != DiskFormat.Raw)
            {
                new DiskFileService().Convert(new ConversionRequest { SourcePath = raw, DestinationPath = full, Format = spec.Format }, context);
            }

            context.Log.Verbose($"Built a synthetic {spec.ProductName} {spec.DisplayVersion} ({spec.Build}.{spec.Ubr}, {spec.Architecture}, {(spec.Uefi ? "UEFI" : "BIOS")}) image at '{full}'.");
            return new DiskFileService().GetInfo(full, context: context);
        }
        finally
        {
            if (!string.Equals(raw, full, StringComparison.Ordinal) && File.Exists(raw))
            {
                File.Delete(raw);
            }
        }
    }

    /// <summary>Writes the Windows tree into a volume: hives, INFs, binaries and the driver store.</summary>
    public static void Populate(IOfflineVolume volume, WindowsImageSpec spec)
    {
        foreach (var folder in new[] { @"Windows\System32\config", WindowsPaths.InfFolder, WindowsPaths.DriversFolder, WindowsPaths.DriverStore, "Program Files", @"Users\Public" })
        {
            volume.CreateDirectory(folder);
        }

        if (spec.StoreArchitecture != "x86")
        {
            // 64-bit Windows keeps its 32-bit system files here; inventory cross-checks the architecture with it.
            volume.CreateDirectory(WindowsPaths.SysWow64Folder);
        }

        volume.WriteAllBytes(WindowsPaths.SystemHive, SampleHives.System(spec));
        volume.WriteAllBytes(WindowsPaths.SoftwareHive, SampleHives.Software(spec));
        foreach (var driver in spec.Drivers)
        {
            var inf = Encoding.ASCII.GetBytes(SampleInf.Render(driver));
            var binary = SampleInf.Binary(driver);
            volume.WriteAllBytes($@"{WindowsPaths.InfFolder}\{driver.PublishedName ?? driver.InfName}", inf);
            volume.WriteAllBytes($@"{WindowsPaths.DriversFolder}\{driver.Service}.sys", binary);
            var store = $@"{WindowsPaths.DriverStore}\{driver.StoreFolder(spec.StoreArchitecture)}";
            volume.CreateDirectory(store);
            volume.WriteAllBytes($@"{store}\{driver.InfName}", inf);
            volume.WriteAllBytes($@"{store}\{driver.Service}.sys", binary);
            volume.WriteAllBytes($@"{store}\{driver.Service}.cat", Encoding.ASCII.GetBytes("catalog for " + driver.InfName));
        }
    }
}
