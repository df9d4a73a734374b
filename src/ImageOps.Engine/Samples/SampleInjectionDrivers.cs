using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace ImageOps.Engine.Samples;

/// <summary>
/// Drivers to inject (as <see cref="SampleDriver"/>s) for the injection tests, the demo and the bench,
/// written to the host by the one sample package writer, <see cref="SampleDriverPackage"/>.
/// </summary>
public static class SampleInjectionDrivers
{
    /// <summary>
    /// A VirtIO block driver as virtio-win ships it: SCSIAdapter, boot start, the legacy and modern PCI ids
    /// of injection-facts.md §4.2 (vendor, device and revision).
    /// </summary>
    public static SampleDriver VirtioStorage()
    {
        var driver = new SampleDriver
        {
            InfName = "viostor.inf",
            Provider = "Red Hat, Inc.",
            ClassName = "SCSIAdapter",
            ClassGuid = SampleDrivers.ScsiAdapter,
            Service = "viostor",
            StartType = 0,
            Date = new DateTime(2024, 8, 12),
            Version = new Version(100, 95, 104, 26200),
        };
        driver.HardwareIds.AddRange(new[] { @"PCI\VEN_1AF4&DEV_1001&REV_00", @"PCI\VEN_1AF4&DEV_1042&REV_01" });
        return driver;
    }

    /// <summary>A network driver (demand start).</summary>
    public static SampleDriver Network(string service = "vionet", string hardwareId = @"PCI\VEN_1AF4&DEV_1041")
    {
        var driver = new SampleDriver
        {
            InfName = service + ".inf",
            Provider = "Contoso",
            ClassName = "Net",
            ClassGuid = SampleDrivers.Net,
            Service = service,
            StartType = 3,
            Date = new DateTime(2024, 3, 1),
            Version = new Version(2, 1, 0, 7),
        };
        driver.HardwareIds.Add(hardwareId);
        return driver;
    }

    /// <summary>
    /// <paramref name="count"/> packages of mixed classes (every tenth a boot-start storage controller),
    /// as a model's driver set might be.
    /// </summary>
    public static List<SampleDriver> Set(int count)
    {
        var drivers = new List<SampleDriver>();
        for (var i = 0; i < count; i++)
        {
            var storage = i % 10 == 0;
            var service = string.Format(CultureInfo.InvariantCulture, storage ? "stor{0:D2}" : "dev{0:D2}", i);
            var driver = new SampleDriver
            {
                InfName = service + ".inf",
                Provider = "Contoso",
                ClassName = storage ? "SCSIAdapter" : i % 3 == 0 ? "Display" : "Net",
                ClassGuid = storage ? SampleDrivers.ScsiAdapter : i % 3 == 0 ? SampleDrivers.Display : SampleDrivers.Net,
                Service = service,
                StartType = storage ? 0 : 3,
                Date = new DateTime(2024, 1, 1).AddDays(i),
                Version = new Version(1, 0, i, 0),
            };
            driver.HardwareIds.Add(string.Format(CultureInfo.InvariantCulture, @"PCI\VEN_8086&DEV_{0:X4}", 0x1000 + i));
            drivers.Add(driver);
        }

        return drivers;
    }

    /// <summary>
    /// Writes a package into <paramref name="folder"/> (INF, driver binary of <paramref name="binaryBytes"/>
    /// and, unless <paramref name="catalog"/> is false, the catalog) and returns the INF's path.
    /// </summary>
    public static string Write(string folder, SampleDriver driver, bool catalog = true, int binaryBytes = 4096)
    {
        var package = SampleInf.Package(driver);
        package.BinarySize = binaryBytes;
        var inf = package.WriteTo(folder);
        if (!catalog)
        {
            File.Delete(Path.Combine(folder, driver.Service + ".cat"));
            File.WriteAllText(inf, package.Text().Replace("CatalogFile=" + driver.Service + ".cat\r\n", string.Empty), Encoding.ASCII);
        }

        return inf;
    }
}
