using System;
using System.Collections.Generic;

namespace ImageOps.Engine.Samples;

/// <summary>Realistic driver sets for synthetic images.</summary>
public static class SampleDrivers
{
    /// <summary>SCSIAdapter class GUID.</summary>
    public static readonly Guid ScsiAdapter = new("4d36e97b-e325-11ce-bfc1-08002be10318");

    /// <summary>Net class GUID.</summary>
    public static readonly Guid Net = new("4d36e972-e325-11ce-bfc1-08002be10318");

    /// <summary>DiskDrive class GUID.</summary>
    public static readonly Guid DiskDrive = new("4d36e967-e325-11ce-bfc1-08002be10318");

    /// <summary>Display class GUID.</summary>
    public static readonly Guid Display = new("4d36e968-e325-11ce-bfc1-08002be10318");

    /// <summary>In-box storage and disk drivers plus two third-party packages (VirtIO network, an Intel NIC).</summary>
    public static List<SampleDriver> Default() => new()
    {
        Inbox("storahci.inf", "SCSIAdapter", ScsiAdapter, "storahci", 0, new Version(10, 0, 26100, 1), "PCI\\CC_010601"),
        Inbox("stornvme.inf", "SCSIAdapter", ScsiAdapter, "stornvme", 0, new Version(10, 0, 26100, 1), "PCI\\CC_010802"),
        Inbox("disk.inf", "DiskDrive", DiskDrive, "disk", 0, new Version(10, 0, 26100, 1), "GenDisk"),
        ThirdParty("netkvm.inf", "oem0.inf", "Red Hat, Inc.", "Net", Net, "netkvm", 3, new DateTime(2024, 8, 12), new Version(100, 95, 104, 26200), "PCI\\VEN_1AF4&DEV_1041", "PCI\\VEN_1AF4&DEV_1000"),
        ThirdParty("e1d68x64.inf", "oem1.inf", "Intel", "Net", Net, "e1dexpress", 3, new DateTime(2023, 11, 2), new Version(12, 19, 2, 45), "PCI\\VEN_8086&DEV_15B8"),
    };

    /// <summary>
    /// <see cref="Default"/> a month later, for diffs: the VirtIO network driver updated, the Intel NIC
    /// driver removed, the VirtIO SCSI driver (boot-critical) added as oem2.inf.
    /// </summary>
    public static List<SampleDriver> NextMonth()
    {
        var drivers = Default();
        drivers.RemoveAll(d => d.InfName == "e1d68x64.inf");
        var netkvm = drivers.Find(d => d.InfName == "netkvm.inf")!;
        netkvm.Date = new DateTime(2024, 10, 1);
        netkvm.Version = new Version(100, 95, 104, 26500);
        drivers.Add(ThirdParty("vioscsi.inf", "oem2.inf", "Red Hat, Inc.", "SCSIAdapter", ScsiAdapter, "vioscsi", 0, new DateTime(2024, 9, 20), new Version(100, 95, 104, 26500), "PCI\\VEN_1AF4&DEV_1048&REV_01", "PCI\\VEN_1AF4&DEV_1004&REV_00"));
        return drivers;
    }

    /// <summary>An in-box driver (provider Microsoft, no published name).</summary>
    public static SampleDriver Inbox(string inf, string className, Guid classGuid, string service, int start, Version version, params string[] ids)
    {
        var driver = new SampleDriver { InfName = inf, Provider = "Microsoft", ClassName = className, ClassGuid = classGuid, Service = service, StartType = start, Version = version, Date = new DateTime(2006, 6, 21) };
        driver.HardwareIds.AddRange(ids);
        return driver;
    }

    /// <summary>A third-party driver published as <paramref name="published"/> (oemN.inf).</summary>
    public static SampleDriver ThirdParty(string inf, string published, string provider, string className, Guid classGuid, string service, int start, DateTime date, Version version, params string[] ids)
    {
        var driver = new SampleDriver { InfName = inf, PublishedName = published, Provider = provider, ClassName = className, ClassGuid = classGuid, Service = service, StartType = start, Date = date, Version = version };
        driver.HardwareIds.AddRange(ids);
        return driver;
    }
}
