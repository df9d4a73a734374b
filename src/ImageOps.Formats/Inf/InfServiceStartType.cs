namespace ImageOps.Formats.Inf;

/// <summary>
/// The StartType of a service-install section. Source: "INF AddService Directive", StartType, and
/// "Specifying Driver Load Order" (learn.microsoft.com).
/// </summary>
public enum InfServiceStartType
{
    /// <summary>SERVICE_BOOT_START (0): loaded by the OS loader; required for devices needed to load the OS.</summary>
    Boot = 0,

    /// <summary>SERVICE_SYSTEM_START (1): started during OS initialisation.</summary>
    System = 1,

    /// <summary>SERVICE_AUTO_START (2): started by the service control manager at startup.</summary>
    Automatic = 2,

    /// <summary>SERVICE_DEMAND_START (3): started by PnP when the device is found, or on demand.</summary>
    Demand = 3,

    /// <summary>SERVICE_DISABLED (4): cannot be started.</summary>
    Disabled = 4,
}
