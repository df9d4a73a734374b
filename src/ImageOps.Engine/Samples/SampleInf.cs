using System.Globalization;

namespace ImageOps.Engine.Samples;

/// <summary>The INF and files of a <see cref="SampleDriver"/> in a synthetic image, rendered by <see cref="SampleDriverPackage"/>.</summary>
public static class SampleInf
{
    /// <summary>The package description for a sample driver: one models section per architecture, binaries in System32\drivers.</summary>
    public static SampleDriverPackage Package(SampleDriver driver)
    {
        var package = new SampleDriverPackage(driver.InfName, driver.Provider, driver.ClassName, "{" + driver.ClassGuid.ToString().ToUpperInvariant() + "}")
        {
            Date = driver.Date.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture),
            Version = driver.Version.ToString(),
            StartType = driver.StartType,
            Service = driver.Service,
            DestinationDirId = 12,
        };
        foreach (var decoration in driver.Decorations)
        {
            package.Models(decoration, driver.HardwareIds.ToArray());
        }

        return package;
    }

    /// <summary>The INF text (ASCII, CRLF).</summary>
    public static string Render(SampleDriver driver) => Package(driver).Text();

    /// <summary>The placeholder driver binary.</summary>
    public static byte[] Binary(SampleDriver driver) => Package(driver).SysFile();
}
