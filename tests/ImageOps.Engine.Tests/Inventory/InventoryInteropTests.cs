using System;
using System.IO;
using System.Linq;
using ImageOps.Engine.Inventory;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Partitions;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Inventory;

/// <summary>
/// The inventory agrees with independent tools on the same image: ntfs-3g's ntfscat takes the hives out of
/// the Windows volume and hivex's hivexget reads the values the inventory reports.
/// </summary>
[Collection(InventoryCollection.Name)]
public sealed class InventoryInteropTests
{
    private readonly InventoryImages _images;

    public InventoryInteropTests(InventoryImages images)
    {
        _images = images;
    }

    [SkippableFact]
    public void Version_architecture_and_driver_facts_match_what_hivexget_reads_from_the_hives_ntfscat_extracts()
    {
        var hivexget = External.Tool("hivexget");
        using var folder = new TempFolder("inventory-interop");
        var volume = ExtractWindowsVolume(_images.Win10X86, folder.Combine("windows.ntfs"));
        var software = Ntfscat(volume, WindowsPaths.SoftwareHive, folder.Combine("SOFTWARE"));
        var system = Ntfscat(volume, WindowsPaths.SystemHive, folder.Combine("SYSTEM"));
        string Get(string hive, string key, string value)
            => ProcessRunner.Run(hivexget, TimeSpan.FromMinutes(1), hive, key, value).EnsureSuccess("hivexget " + value).Out.Trim();

        var windows = new ImageInventoryService().GetInventory(_images.Win10X86).Installations.Single();
        const string Nt = @"\Microsoft\Windows NT\CurrentVersion";
        Assert.Equal(Get(software, Nt, "ProductName"), windows.ProductName);
        Assert.Equal(Get(software, Nt, "EditionID"), windows.EditionId);
        Assert.Equal(Get(software, Nt, "DisplayVersion"), windows.DisplayVersion);
        Assert.Equal($"{Get(software, Nt, "CurrentBuild")}.{Get(software, Nt, "UBR")}", windows.Build);
        Assert.Equal($"{Get(software, Nt, "CurrentMajorVersionNumber")}.{Get(software, Nt, "CurrentMinorVersionNumber")}", windows.Version);
        Assert.Equal("ControlSet00" + Get(system, @"\Select", "Current"), windows.CurrentControlSet);
        Assert.Equal("x86", Get(system, @"\ControlSet001\Control\Session Manager\Environment", "PROCESSOR_ARCHITECTURE"));
        Assert.Equal(WindowsArchitecture.X86, windows.Architecture);

        foreach (var driver in windows.Drivers)
        {
            var package = Get(system, @"\DriverDatabase\DriverInfFiles\" + driver.PublishedName, "Active");
            Assert.Equal(package, driver.DriverStoreFolder);
            Assert.Equal(Get(system, @"\DriverDatabase\DriverPackages\" + package, "Provider"), driver.Provider);
        }
    }

    /// <summary>Copies the Windows partition of a raw image into its own sparse file, as ntfscat reads volumes.</summary>
    private static string ExtractWindowsVolume(string rawImage, string target)
    {
        using var disk = DiskFormats.Open(rawImage);
        var partition = PartitionTable.Read(disk).Partitions.Last();
        var buffer = new byte[1 << 20];
        using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write);
        output.SetLength(partition.Length);
        for (var done = 0L; done < partition.Length; done += buffer.Length)
        {
            var span = buffer.AsSpan(0, (int)Math.Min(buffer.Length, partition.Length - done));
            disk.Read(partition.Offset + done, span);
            if (span.IndexOfAnyExcept((byte)0) >= 0)
            {
                output.Position = done;
                output.Write(span);
            }
        }

        return target;
    }

    private static string Ntfscat(string volume, string path, string target)
    {
        var info = new System.Diagnostics.ProcessStartInfo(External.Tool("ntfscat")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(volume);
        info.ArgumentList.Add("/" + path.Replace('\\', '/'));
        using var process = System.Diagnostics.Process.Start(info)!;
        using (var output = File.Create(target))
        {
            var errors = process.StandardError.ReadToEndAsync();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ntfscat {path}: {errors.Result}");
        }

        return target;
    }
}
