using ImageOps.Engine.Injection.Windows;

namespace ImageOps.Engine.Tests.Injection.Windows;

/// <summary>HRESULTs classified per driver, and the ones that belong to the session.</summary>
public class DismErrorTests
{
    [Theory]
    [InlineData(0x800F081Eu, DismDriverFailure.NotApplicable, "DriverPackageNotApplicable")]
    [InlineData(0x80070002u, DismDriverFailure.FileNotFound, "DriverPackageFileNotFound")]
    [InlineData(0x80070003u, DismDriverFailure.FileNotFound, "DriverPackageFileNotFound")]
    [InlineData(0x800F020Au, DismDriverFailure.FileNotFound, "DriverPackageFileNotFound")]
    [InlineData(0x80070005u, DismDriverFailure.AccessDenied, "DriverPackageAccessDenied")]
    [InlineData(0x800F0003u, DismDriverFailure.InvalidPackage, "DriverPackageInvalid")]
    [InlineData(0x800F0100u, DismDriverFailure.InvalidPackage, "DriverPackageInvalid")]
    [InlineData(0x800F024Au, DismDriverFailure.InvalidPackage, "DriverPackageInvalid")]
    [InlineData(0x800F022Fu, DismDriverFailure.SignatureRejected, "DriverPackageSignatureRejected")]
    [InlineData(0x800F0242u, DismDriverFailure.SignatureRejected, "DriverPackageSignatureRejected")]
    [InlineData(0x800F024Bu, DismDriverFailure.SignatureRejected, "DriverPackageSignatureRejected")]
    [InlineData(0x800B0100u, DismDriverFailure.SignatureRejected, "DriverPackageSignatureRejected")]
    [InlineData(0x800B0109u, DismDriverFailure.SignatureRejected, "DriverPackageSignatureRejected")]
    [InlineData(0x80096010u, DismDriverFailure.SignatureRejected, "DriverPackageSignatureRejected")]
    [InlineData(0x800F0249u, DismDriverFailure.InstallBlocked, "DriverPackageBlocked")]
    [InlineData(0x800F0247u, DismDriverFailure.DriverStoreRejected, "DriverPackageStoreRejected")]
    [InlineData(0x800F0902u, DismDriverFailure.Busy, "DriverServicingBusy")]
    [InlineData(0x80004005u, DismDriverFailure.Other, "DriverPackageAddFailed")]
    [InlineData(0x800F081Fu, DismDriverFailure.Other, "DriverPackageAddFailed")]
    public void Each_HRESULT_has_its_failure_kind_and_error_id(uint hr, DismDriverFailure failure, string errorId)
    {
        Assert.Equal(failure, DismErrors.Classify(unchecked((int)hr)));
        var result = new DismDriverResult(@"C:\drivers\x.inf", unchecked((int)hr), "message", DismErrors.Classify(unchecked((int)hr)));
        Assert.False(result.Succeeded);
        Assert.Equal(errorId, result.ErrorId);
        Assert.Contains("0x" + hr.ToString("X8"), result.ToString(), System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0xE0000247u, DismDriverFailure.DriverStoreRejected)]
    [InlineData(0xE000022Fu, DismDriverFailure.SignatureRejected)]
    [InlineData(0xE0000003u, DismDriverFailure.InvalidPackage)]
    public void Raw_SetupAPI_codes_classify_like_their_HRESULT_form(uint raw, DismDriverFailure failure)
    {
        Assert.Equal(unchecked((int)(0x800F0000u | (raw & 0xFFFF))), DismErrors.Normalize(unchecked((int)raw)));
        Assert.Equal(failure, DismErrors.Classify(unchecked((int)raw)));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(3010u)]
    public void Success_codes_are_success(uint hr)
    {
        var result = new DismDriverResult("x.inf", (int)hr, null, DismDriverFailure.Other);
        Assert.True(result.Succeeded);
        Assert.Equal(DismDriverFailure.None, result.Failure);
        Assert.Null(result.ErrorId);
    }

    [Fact]
    public void A_failure_given_no_kind_is_Other()
        => Assert.Equal(DismDriverFailure.Other, new DismDriverResult("x.inf", unchecked((int)0x80004005), null, DismDriverFailure.None).Failure);

    [Theory]
    [InlineData(0xC0040001u, true)]
    [InlineData(0xC0040002u, true)]
    [InlineData(0xC0040004u, true)]
    [InlineData(0xC1510114u, true)]
    [InlineData(0x800702E4u, true)]
    [InlineData(0x800F081Eu, false)]
    [InlineData(0x800F0902u, false)]
    public void Session_failures_are_told_from_package_failures(uint hr, bool session)
        => Assert.Equal(session, DismErrors.IsSessionFailure(unchecked((int)hr)));

    [Fact]
    public void Elevation_required_is_a_permission_error_with_the_native_one_inside()
    {
        var error = DismErrors.Failure("DismInitialize", unchecked((int)0x800702E4), null, "dismapi.dll", DismErrorIds.DismInitializeFailed);
        Assert.Equal(DismErrorIds.DismElevationRequired, error.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        var native = Assert.IsType<NativeOperationException>(error.InnerException);
        Assert.Equal(("DismInitialize", unchecked((int)0x800702E4), DismErrorIds.DismInitializeFailed), (native.Function, native.Code, native.ErrorId));
    }
}
