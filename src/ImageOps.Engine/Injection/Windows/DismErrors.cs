using System.Globalization;

namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// The one place where the DISM backend turns HRESULTs into ImageOps errors (STYLE.md 15) and classifies
/// a per-driver failure. Codes are those of dismapi.h (DISMAPI_E_*), winerror.h (SPAPI_E_*, TRUST_E_*,
/// CERT_E_*, CBS_E_NOT_APPLICABLE) and HRESULT_FROM_WIN32.
/// </summary>
internal static class DismErrors
{
    public const int CbsNotApplicable = unchecked((int)0x800F081E);
    public const int FileNotFound = unchecked((int)0x80070002);
    public const int PathNotFound = unchecked((int)0x80070003);
    public const int AccessDenied = unchecked((int)0x80070005);
    public const int ElevationRequired = unchecked((int)0x800702E4);
    public const int DismBusy = unchecked((int)0x800F0902);
    public const int DismNotInitialized = unchecked((int)0xC0040001);
    public const int DismShutdownInProgress = unchecked((int)0xC0040002);
    public const int DismOpenSessionHandles = unchecked((int)0xC0040003);
    public const int DismInvalidSession = unchecked((int)0xC0040004);
    public const int DismNeedsRemount = unchecked((int)0xC1510114);
    public const int TrustBadDigest = unchecked((int)0x80096010);

    private const int SetupApiMask = unchecked((int)0xE0000000);
    private const int FacilitySetupApi = unchecked((int)0x800F0000);
    private const int FacilityCert = unchecked((int)0x800B0000);

    public static ImageOpsException NotAvailable(string why)
        => new(DismErrorIds.DismNotAvailable, ErrorKind.NotInstalled, $"Adding drivers to an image's driver store needs Windows and its DISM API (dismapi.dll): {why}. Off Windows, ImageOps stages drivers with its own injection plan instead.", DismNative.Library);

    /// <summary>
    /// A SetupAPI error returned raw (0xE0000xxx) as HRESULT_FROM_SETUPAPI makes it (0x800F0xxx), so both
    /// forms classify alike; anything else unchanged.
    /// </summary>
    public static int Normalize(int hr)
        => (hr & SetupApiMask) == SetupApiMask ? FacilitySetupApi | (hr & 0xFFFF) : hr;

    /// <summary>The kind of a per-driver failure.</summary>
    public static DismDriverFailure Classify(int hr)
    {
        if (hr >= 0)
        {
            return DismDriverFailure.None;
        }

        var code = Normalize(hr);
        switch (unchecked((uint)code))
        {
            case 0x800F081E:
                return DismDriverFailure.NotApplicable;
            case 0x80070002:
            case 0x80070003:
            case 0x800F020A: // SPAPI_E_NO_INF
                return DismDriverFailure.FileNotFound;
            case 0x80070005:
                return DismDriverFailure.AccessDenied;
            case 0x800F0000: // SPAPI_E_EXPECTED_SECTION_NAME
            case 0x800F0001: // SPAPI_E_BAD_SECTION_NAME_LINE
            case 0x800F0002: // SPAPI_E_SECTION_NAME_TOO_LONG
            case 0x800F0003: // SPAPI_E_GENERAL_SYNTAX
            case 0x800F0100: // SPAPI_E_WRONG_INF_STYLE
            case 0x800F0101: // SPAPI_E_SECTION_NOT_FOUND
            case 0x800F0102: // SPAPI_E_LINE_NOT_FOUND
            case 0x800F022D: // SPAPI_E_NON_WINDOWS_NT_DRIVER
            case 0x800F022E: // SPAPI_E_NON_WINDOWS_DRIVER
            case 0x800F0237: // SPAPI_E_INCORRECTLY_COPIED_INF
            case 0x800F024A: // SPAPI_E_WRONG_INF_TYPE
                return DismDriverFailure.InvalidPackage;
            case 0x800F022F: // SPAPI_E_NO_CATALOG_FOR_OEM_INF
            case 0x800F023F: // SPAPI_E_NO_AUTHENTICODE_CATALOG
            case 0x800F0240: // SPAPI_E_AUTHENTICODE_DISALLOWED
            case 0x800F0241: // SPAPI_E_AUTHENTICODE_TRUSTED_PUBLISHER
            case 0x800F0242: // SPAPI_E_AUTHENTICODE_TRUST_NOT_ESTABLISHED
            case 0x800F0243: // SPAPI_E_AUTHENTICODE_PUBLISHER_NOT_TRUSTED
            case 0x800F0244: // SPAPI_E_SIGNATURE_OSATTRIBUTE_MISMATCH
            case 0x800F0245: // SPAPI_E_ONLY_VALIDATE_VIA_AUTHENTICODE
            case 0x800F024B: // SPAPI_E_FILE_HASH_NOT_IN_CATALOG
            case 0x80096010: // TRUST_E_BAD_DIGEST
                return DismDriverFailure.SignatureRejected;
            case 0x800F0248: // SPAPI_E_DEVICE_INSTALL_BLOCKED
            case 0x800F0249: // SPAPI_E_DRIVER_INSTALL_BLOCKED
                return DismDriverFailure.InstallBlocked;
            case 0x800F0247: // SPAPI_E_DRIVER_STORE_ADD_FAILED
                return DismDriverFailure.DriverStoreRejected;
            case 0x800F0902: // DISMAPI_E_BUSY
                return DismDriverFailure.Busy;
        }

        // FACILITY_CERT: TRUST_E_NOSIGNATURE, CERT_E_EXPIRED, CERT_E_UNTRUSTEDROOT, CERT_E_REVOKED…
        return (code & unchecked((int)0xFFFF0000)) == FacilityCert ? DismDriverFailure.SignatureRejected : DismDriverFailure.Other;
    }

    /// <summary>
    /// True when the failure is the session's or the process's, not the package's: every further call
    /// would fail the same way, so it is thrown rather than returned per driver.
    /// </summary>
    public static bool IsSessionFailure(int hr)
        => hr is DismNotInitialized or DismShutdownInProgress or DismInvalidSession or DismNeedsRemount or ElevationRequired;

    public static string ErrorIdFor(DismDriverFailure failure) => failure switch
    {
        DismDriverFailure.NotApplicable => DismErrorIds.DriverPackageNotApplicable,
        DismDriverFailure.FileNotFound => DismErrorIds.DriverPackageFileNotFound,
        DismDriverFailure.AccessDenied => DismErrorIds.DriverPackageAccessDenied,
        DismDriverFailure.InvalidPackage => DismErrorIds.DriverPackageInvalid,
        DismDriverFailure.SignatureRejected => DismErrorIds.DriverPackageSignatureRejected,
        DismDriverFailure.InstallBlocked => DismErrorIds.DriverPackageBlocked,
        DismDriverFailure.DriverStoreRejected => DismErrorIds.DriverPackageStoreRejected,
        DismDriverFailure.Busy => DismErrorIds.DriverServicingBusy,
        _ => DismErrorIds.DriverPackageAddFailed,
    };

    /// <summary>The error for a DISM call that failed for the whole session or process.</summary>
    public static ImageOpsException Failure(string function, int hr, string? message, string target, string errorId, string? hint = null)
    {
        var text = (string.IsNullOrEmpty(message) ? "DISM gave no message" : message!) + (hint is null ? string.Empty : " " + hint);
        var native = new NativeOperationException(function, hr, text, target, errorId);
        return hr == ElevationRequired
            ? new ImageOpsException(DismErrorIds.DismElevationRequired, ErrorKind.PermissionDenied, string.Format(CultureInfo.InvariantCulture, "{0} needs an elevated (administrator) process (0x{1:X8}).", function, hr), target, native)
            : native;
    }
}
