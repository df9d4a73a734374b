namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// Why DISM refused one driver package, classified from its HRESULT (see <see cref="DismDriverResult"/>).
/// Not yet exercised on Windows: the codes come from the headers, not from observed DISM runs.
/// </summary>
public enum DismDriverFailure
{
    /// <summary>The package was added.</summary>
    None = 0,

    /// <summary>CBS_E_NOT_APPLICABLE (0x800F081E): the package does not apply to this image (architecture, OS version). Tolerated by the reference tools.</summary>
    NotApplicable,

    /// <summary>The INF (or a file it names) was not found (0x80070002, 0x80070003, SPAPI_E_NO_INF).</summary>
    FileNotFound,

    /// <summary>Access denied (0x80070005).</summary>
    AccessDenied,

    /// <summary>The INF is malformed or is not a driver INF for Windows NT (SPAPI syntax and INF-type errors).</summary>
    InvalidPackage,

    /// <summary>No catalog, a hash missing from it, or a signature or certificate that is not trusted (SPAPI signature errors, TRUST_E_*, CERT_E_*).</summary>
    SignatureRejected,

    /// <summary>Driver or device installation is blocked by policy (SPAPI_E_DRIVER_INSTALL_BLOCKED, SPAPI_E_DEVICE_INSTALL_BLOCKED).</summary>
    InstallBlocked,

    /// <summary>The driver store refused the package (SPAPI_E_DRIVER_STORE_ADD_FAILED); often a catalog that does not match the files.</summary>
    DriverStoreRejected,

    /// <summary>DISMAPI_E_BUSY (0x800F0902): servicing is busy; the same package may succeed later.</summary>
    Busy,

    /// <summary>Any other failure; the HRESULT and DISM's message say more.</summary>
    Other,
}
