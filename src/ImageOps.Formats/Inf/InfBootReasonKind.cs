namespace ImageOps.Formats.Inf;

/// <summary>Why a driver package was (or was not quite) classified as boot-critical.</summary>
public enum InfBootReasonKind
{
    /// <summary>A service has StartType 0 (SERVICE_BOOT_START): the OS loader loads it before the kernel runs.</summary>
    BootStartService,

    /// <summary>A boot-start service belongs to a storage controller class (SCSIAdapter or HDC): without it the boot disk is unreachable (0x7B).</summary>
    StorageControllerClass,

    /// <summary>A service has BootFlags: Windows promotes it to boot start in the named boot scenarios (VHD, USB, network, WinPE...).</summary>
    BootFlagsPromotion,

    /// <summary>A service is in a load order group that orders only boot-start drivers, but is not boot-start; PnP ignores its group.</summary>
    BootGroupWithoutBootStart,
}
