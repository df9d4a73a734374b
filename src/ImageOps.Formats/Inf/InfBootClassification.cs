using System;
using System.Collections.Generic;
using System.Globalization;

namespace ImageOps.Formats.Inf;

/// <summary>
/// Whether a driver package must be present and registered when an image boots.
/// <para>
/// The rule: a package is boot-critical on a platform if an install section for that platform adds a
/// service with StartType 0 (SERVICE_BOOT_START). Why this and not the class or the load order group:
/// <list type="bullet">
/// <item>"INF AddService Directive", StartType: SERVICE_BOOT_START "indicates a driver started by the
/// operating system loader. This value must be used for drivers of devices required for loading the
/// operating system."</item>
/// <item>"Specifying Driver Load Order": "the operating system loader loads drivers of type
/// SERVICE_BOOT_START before it transfers control to the kernel"; every other driver is loaded later by
/// PnP or the SCM from the driver store, so an injected non-boot driver works without offline
/// registration, while a missing boot-start storage driver stops the boot with 0x7B.</item>
/// <item>The same page: boot-start drivers "can use LoadOrderGroup entries to order their loading", and
/// PnP "ignores registry entries that were created as a result of INF ... LoadOrderGroup entries" for the
/// drivers it loads. A boot group (SCSI miniport, Boot Bus Extender...) on a non-boot driver therefore
/// changes nothing; it is reported, not counted.</item>
/// <item>BootFlags ("Specifying Driver Load Order", Using BootFlags) promote a driver to boot start in
/// given boot scenarios (0x2 is booting from a VHD), so such packages are flagged as conditionally
/// boot-critical.</item>
/// <item>A boot-start driver of the SCSIAdapter or HDC class is the storage controller case that
/// virt-v2v registers offline (Start=0, Group "SCSI miniport", CriticalDeviceDatabase with the SCSIAdapter
/// ClassGUID; see injection-facts.md), flagged as <see cref="IsBootStorageController"/>.</item>
/// </list>
/// </para>
/// </summary>
public sealed class InfBootClassification
{
    /// <summary>GUID_DEVCLASS_SCSIADAPTER (devguid.h).</summary>
    public static readonly Guid ScsiAdapterClassGuid = new("4D36E97B-E325-11CE-BFC1-08002BE10318");

    /// <summary>GUID_DEVCLASS_HDC, IDE/ATA/AHCI controllers (devguid.h).</summary>
    public static readonly Guid HdcClassGuid = new("4D36E96A-E325-11CE-BFC1-08002BE10318");

    // The groups in ServiceGroupOrder whose members are loaded by the OS loader; only boot-start drivers
    // are ordered by them.
    private static readonly HashSet<string> BootGroups = new(StringComparer.OrdinalIgnoreCase)
    {
        "Boot Bus Extender", "System Bus Extender", "SCSI miniport", "SCSI Port", "Primary Disk", "SCSI Class", "Boot File System",
    };

    private InfBootClassification(bool critical, bool storage, bool conditional, IReadOnlyList<InfBootReason> reasons)
    {
        IsBootCritical = critical;
        IsBootStorageController = storage;
        IsConditionallyBootCritical = conditional;
        Reasons = reasons;
    }

    /// <summary>True if the package adds a boot-start service on this platform.</summary>
    public bool IsBootCritical { get; }

    /// <summary>True if it is boot-critical and its class is SCSIAdapter or HDC.</summary>
    public bool IsBootStorageController { get; }

    /// <summary>True if a service has BootFlags, so Windows makes it boot-start in some boot scenarios.</summary>
    public bool IsConditionallyBootCritical { get; }

    /// <summary>The findings, per service.</summary>
    public IReadOnlyList<InfBootReason> Reasons { get; }

    internal static bool IsStorageControllerClass(InfVersionSection version)
    {
        if (version.ClassGuid is Guid guid)
        {
            return guid == ScsiAdapterClassGuid || guid == HdcClassGuid;
        }

        return string.Equals(version.Class, "SCSIAdapter", StringComparison.OrdinalIgnoreCase)
            || string.Equals(version.Class, "HDC", StringComparison.OrdinalIgnoreCase);
    }

    internal static InfBootClassification Classify(InfVersionSection version, IEnumerable<InfService> services)
    {
        var reasons = new List<InfBootReason>();
        bool critical = false, conditional = false, storage = false;
        var storageClass = IsStorageControllerClass(version);
        foreach (var service in services)
        {
            if (service.IsNullDriver)
            {
                continue;
            }

            if (service.StartType == InfServiceStartType.Boot)
            {
                critical = true;
                reasons.Add(new InfBootReason(InfBootReasonKind.BootStartService, service.Name,
                    "StartType is 0 (SERVICE_BOOT_START): the OS loader loads it" + (service.LoadOrderGroup is null ? "." : " in group '" + service.LoadOrderGroup + "'.")));
                if (storageClass)
                {
                    storage = true;
                    reasons.Add(new InfBootReason(InfBootReasonKind.StorageControllerClass, service.Name,
                        "Boot-start driver of storage controller class " + (version.Class ?? version.ClassGuidText) + ": the boot disk depends on it."));
                }
            }
            else if (service.LoadOrderGroup is not null && BootGroups.Contains(service.LoadOrderGroup))
            {
                reasons.Add(new InfBootReason(InfBootReasonKind.BootGroupWithoutBootStart, service.Name,
                    "Load order group '" + service.LoadOrderGroup + "' orders boot-start drivers, but StartType is " + (service.StartTypeValue?.ToString(CultureInfo.InvariantCulture) ?? "missing") + "; PnP ignores the group."));
            }

            if (service.BootFlags is uint flags && flags != 0)
            {
                conditional = true;
                reasons.Add(new InfBootReason(InfBootReasonKind.BootFlagsPromotion, service.Name,
                    string.Format(CultureInfo.InvariantCulture, "BootFlags 0x{0:X} promote it to boot start when booting {1}.", flags, DescribeBootFlags(flags))));
            }
        }

        return new InfBootClassification(critical, storage, conditional, reasons);
    }

    private static string DescribeBootFlags(uint flags)
    {
        var names = new List<string>();
        string[] scenarios = { "from the network", "from a VHD", "from a USB disk", "from SD storage", "from a disk on a USB 3.0 controller", "with measured boot", "with verifier boot", "WinPE" };
        for (var bit = 0; bit < scenarios.Length; bit++)
        {
            if ((flags & (1u << bit)) != 0)
            {
                names.Add(scenarios[bit]);
            }
        }

        var unknown = flags & ~0xFFu;
        if (unknown != 0)
        {
            names.Add(string.Format(CultureInfo.InvariantCulture, "in undocumented scenarios 0x{0:X}", unknown));
        }

        return string.Join(", ", names);
    }
}
