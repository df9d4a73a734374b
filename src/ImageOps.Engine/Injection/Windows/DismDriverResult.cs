using System.Globalization;

namespace ImageOps.Engine.Injection.Windows;

/// <summary>
/// What DISM did with one driver package (<see cref="DismDriverServicing.AddDriver"/>): a per-driver
/// failure is a result, never an exception, so one refused package (0x800F081E "not applicable" above all)
/// does not stop the others. Not yet exercised on Windows.
/// </summary>
public sealed class DismDriverResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="infPath">The INF that was offered to DISM.</param>
    /// <param name="hResult">DismAddDriver's HRESULT; zero or positive is success.</param>
    /// <param name="errorMessage">DISM's last error message for a failure, if it gave one.</param>
    /// <param name="failure">The classification of a failure (ignored on success; <see cref="DismDriverFailure.Other"/> if a failure is given None).</param>
    public DismDriverResult(string infPath, int hResult, string? errorMessage, DismDriverFailure failure)
    {
        InfPath = infPath;
        HResult = hResult;
        ErrorMessage = errorMessage;
        Failure = hResult >= 0 ? DismDriverFailure.None : failure == DismDriverFailure.None ? DismDriverFailure.Other : failure;
    }

    /// <summary>The INF that was offered to DISM (full path).</summary>
    public string InfPath { get; }

    /// <summary>True if DISM added the package to the image's driver store.</summary>
    public bool Succeeded => HResult >= 0;

    /// <summary>DismAddDriver's HRESULT (for example <c>unchecked((int)0x800F081E)</c>).</summary>
    public int HResult { get; }

    /// <summary>DISM's own message for the failure (DismGetLastErrorMessage), or null.</summary>
    public string? ErrorMessage { get; }

    /// <summary>What kind of failure this is; <see cref="DismDriverFailure.None"/> on success.</summary>
    public DismDriverFailure Failure { get; }

    /// <summary>The stable error id for a failure (for example <c>DriverPackageNotApplicable</c>), or null on success.</summary>
    public string? ErrorId => Succeeded ? null : DismErrors.ErrorIdFor(Failure);

    /// <inheritdoc />
    public override string ToString()
        => Succeeded
            ? $"'{InfPath}' added"
            : string.Format(CultureInfo.InvariantCulture, "'{0}' not added: {1} (0x{2:X8}){3}", InfPath, Failure, HResult, ErrorMessage is null ? string.Empty : ": " + ErrorMessage);
}
