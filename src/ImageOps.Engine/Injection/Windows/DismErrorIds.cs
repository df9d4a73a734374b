namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// The stable error ids of the DISM driver-servicing backend (<see cref="DismDriverServicing"/>), thrown or
/// carried by <see cref="DismDriverResult.ErrorId"/> for a per-driver failure; not yet exercised on
/// Windows. Scripts match on them, so they never change once published.
/// </summary>
public static class DismErrorIds
{
    /// <summary>This host cannot run the DISM API: not Windows, or dismapi.dll missing (NotInstalled).</summary>
    public const string DismNotAvailable = "DismNotAvailable";

    /// <summary>DISM needs an elevated (administrator) process.</summary>
    public const string DismElevationRequired = "DismElevationRequired";

    /// <summary>DismInitialize failed.</summary>
    public const string DismInitializeFailed = "DismInitializeFailed";

    /// <summary>DismOpenSession failed, or the session broke (not initialised, invalid, needs remount).</summary>
    public const string DismSessionFailed = "DismSessionFailed";

    /// <summary>The image root does not exist.</summary>
    public const string DismImageNotFound = "DismImageNotFound";

    /// <summary>The image root has no Windows folder.</summary>
    public const string DismImageNotWindows = "DismImageNotWindows";

    /// <summary>DismGetDrivers failed, or returned what cannot be a driver list.</summary>
    public const string DismGetDriversFailed = "DismGetDriversFailed";

    /// <summary>The package does not apply to the image (CBS_E_NOT_APPLICABLE, 0x800F081E).</summary>
    public const string DriverPackageNotApplicable = "DriverPackageNotApplicable";

    /// <summary>The INF, or a file it names, was not found.</summary>
    public const string DriverPackageFileNotFound = "DriverPackageFileNotFound";

    /// <summary>Access to the package was denied.</summary>
    public const string DriverPackageAccessDenied = "DriverPackageAccessDenied";

    /// <summary>The INF is malformed or not a Windows NT driver INF.</summary>
    public const string DriverPackageInvalid = "DriverPackageInvalid";

    /// <summary>The package's signature or catalog was not accepted.</summary>
    public const string DriverPackageSignatureRejected = "DriverPackageSignatureRejected";

    /// <summary>Policy blocks the installation of the driver.</summary>
    public const string DriverPackageBlocked = "DriverPackageBlocked";

    /// <summary>The driver store refused the package.</summary>
    public const string DriverPackageStoreRejected = "DriverPackageStoreRejected";

    /// <summary>Servicing was busy (DISMAPI_E_BUSY); retrying later may succeed.</summary>
    public const string DriverServicingBusy = "DriverServicingBusy";

    /// <summary>Adding the package failed for another reason.</summary>
    public const string DriverPackageAddFailed = "DriverPackageAddFailed";
}
