using System.Globalization;
using System.Linq;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Samples;

/// <summary>
/// SYSTEM and SOFTWARE hives with the keys Windows keeps and ImageOps reads or edits: version values,
/// Select, services, device classes, the driver database (Windows 8+) or the critical device database
/// (earlier), DevicePath, PowerShell execution policy.
/// </summary>
internal static class SampleHives
{
    public static byte[] System(WindowsImageSpec spec)
    {
        var hive = RegistryHive.Create(new RegistryHiveCreateOptions { FileName = @"\SystemRoot\System32\Config\SYSTEM" });
        var plan = new RegistryEditPlan();
        plan.SetDWord("Select", "Current", 1).SetDWord("Select", "Default", 1).SetDWord("Select", "Failed", 0).SetDWord("Select", "LastKnownGood", 1);
        const string Cs = "ControlSet001";
        plan.SetString($@"{Cs}\Control\Session Manager\Environment", "PROCESSOR_ARCHITECTURE", spec.Architecture);
        plan.SetDWord($@"{Cs}\Control\CrashControl", "AutoReboot", 1);
        plan.SetString($@"{Cs}\Control\ComputerName\ComputerName", "ComputerName", "GOLD-IMAGE");
        foreach (var group in spec.Drivers.GroupBy(d => d.ClassGuid))
        {
            var key = $@"{Cs}\Control\Class\{{{group.Key.ToString().ToLowerInvariant()}}}";
            plan.SetString(key, "Class", group.First().ClassName);
        }

        foreach (var driver in spec.Drivers)
        {
            var service = $@"{Cs}\Services\{driver.Service}";
            plan.SetDWord(service, "Type", 1)
                .SetDWord(service, "Start", (uint)driver.StartType)
                .SetDWord(service, "ErrorControl", 1)
                .SetExpandString(service, "ImagePath", $@"\SystemRoot\System32\drivers\{driver.Service}.sys")
                .SetString(service, "DisplayName", driver.Service);
            if (driver.StartType == 0 && driver.ClassName == "SCSIAdapter")
            {
                plan.SetString(service, "Group", "SCSI miniport");
            }

            if (spec.HasDriverDatabase)
            {
                AddToDriverDatabase(plan, driver, spec.StoreArchitecture);
            }
            else if (driver.StartType == 0)
            {
                foreach (var id in driver.HardwareIds.Where(i => i.StartsWith("PCI\\", global::System.StringComparison.OrdinalIgnoreCase)))
                {
                    var cdd = $@"{Cs}\Control\CriticalDeviceDatabase\{id.Replace('\\', '#').ToLowerInvariant()}";
                    plan.SetString(cdd, "Service", driver.Service).SetString(cdd, "ClassGUID", "{" + driver.ClassGuid.ToString().ToUpperInvariant() + "}");
                }
            }
        }

        hive.Apply(plan);
        return hive.ToArray();
    }

    public static byte[] Software(WindowsImageSpec spec)
    {
        var hive = RegistryHive.Create(new RegistryHiveCreateOptions { FileName = @"\SystemRoot\System32\Config\SOFTWARE" });
        var build = spec.Build.ToString(CultureInfo.InvariantCulture);
        var nt = WindowsPaths.CurrentVersionNt;
        var plan = new RegistryEditPlan()
            .SetString(nt, "ProductName", spec.ProductName)
            .SetString(nt, "EditionID", spec.EditionId)
            .SetString(nt, "DisplayVersion", spec.DisplayVersion)
            .SetString(nt, "ReleaseId", spec.DisplayVersion.Contains("H") ? "2009" : spec.DisplayVersion)
            .SetString(nt, "CurrentBuild", build)
            .SetString(nt, "CurrentBuildNumber", build)
            .SetDWord(nt, "UBR", (uint)spec.Ubr)
            .SetString(nt, "CurrentVersion", spec.MajorVersion >= 10 ? "6.3" : string.Format(CultureInfo.InvariantCulture, "{0}.{1}", spec.MajorVersion, spec.MinorVersion))
            .SetString(nt, "InstallationType", spec.InstallationType)
            .SetString(nt, "BuildLabEx", $"{build}.1.{spec.StoreArchitecture}fre.ge_release.240331-1435")
            .SetString(nt, "SystemRoot", @"C:\WINDOWS")
            .SetString(nt, "RegisteredOwner", "ImageOps");
        if (spec.MajorVersion >= 10)
        {
            plan.SetDWord(nt, "CurrentMajorVersionNumber", (uint)spec.MajorVersion).SetDWord(nt, "CurrentMinorVersionNumber", (uint)spec.MinorVersion);
        }

        plan.SetExpandString(WindowsPaths.CurrentVersion, "DevicePath", @"%SystemRoot%\inf")
            .SetString(WindowsPaths.CurrentVersion, "ProgramFilesDir", @"C:\Program Files")
            .CreateKey($@"{WindowsPaths.CurrentVersion}\Component Based Servicing")
            .CreateKey($@"{WindowsPaths.CurrentVersion}\WindowsUpdate\Auto Update")
            .SetString(@"Microsoft\PowerShell\1\ShellIds\Microsoft.PowerShell", "ExecutionPolicy", "RemoteSigned");
        hive.Apply(plan);
        return hive.ToArray();
    }

    private static void AddToDriverDatabase(RegistryEditPlan plan, SampleDriver driver, string architecture)
    {
        var package = driver.StoreFolder(architecture);
        var inf = driver.PublishedName ?? driver.InfName;
        var db = WindowsPaths.DriverDatabase;
        plan.SetMultiString($@"{db}\DriverInfFiles\{inf}", string.Empty, new[] { package })
            .SetString($@"{db}\DriverInfFiles\{inf}", "Active", package);
        var pkg = $@"{db}\DriverPackages\{package}";
        plan.SetBinary(pkg, "Version", new DriverDatabaseVersion(driver.ClassGuid, driver.Date, driver.Version).Encode())
            .SetString(pkg, "Provider", driver.Provider)
            .SetString(pkg, "InfName", inf)
            .SetString(pkg, "SignerName", driver.IsInbox ? "Microsoft Windows" : "Microsoft Windows Hardware Compatibility Publisher")
            .SetDWord(pkg, "SignerScore", driver.IsInbox ? 0x0D000003u : 0x0D000005u)
            .SetString($@"{pkg}\Configurations\{driver.Service}_Inst", "Service", driver.Service);
        foreach (var id in driver.HardwareIds)
        {
            var parts = id.Split(new[] { '\\' }, 2);
            var path = parts.Length == 2 ? $@"{db}\DeviceIds\{parts[0]}\{parts[1]}" : $@"{db}\DeviceIds\{id}";
            plan.SetBinary(path, inf, new byte[] { 0x01, 0xFF, 0x00, 0x00 });
            plan.SetString($@"{pkg}\Descriptors\{id}", "Configuration", driver.Service + "_Inst");
        }
    }
}
