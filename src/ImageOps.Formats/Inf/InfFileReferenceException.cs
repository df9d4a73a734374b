namespace ImageOps.Formats.Inf;

/// <summary>
/// A file reference was refused because it could reach outside the driver package: <c>..</c>, a rooted,
/// drive or UNC path, a stream, a device name, a link, or a name that matches two files differing only in case.
/// </summary>
public class InfFileReferenceException : ImageOpsException
{
    /// <summary>Stable id of the error.</summary>
    public const string RefusedErrorId = "DriverFileReferenceRefused";

    /// <summary>Creates the error.</summary>
    /// <param name="package">The package (for messages).</param>
    /// <param name="reference">The reference as given.</param>
    /// <param name="reason">Why it is refused.</param>
    public InfFileReferenceException(string package, string reference, string reason)
        : base(RefusedErrorId, ErrorKind.SecurityError, "The reference '" + reference + "' in driver package '" + package + "' is refused: " + reason + ".", reference)
    {
        Reference = reference;
        Reason = reason;
    }

    /// <summary>The reference as given.</summary>
    public string Reference { get; }

    /// <summary>Why it is refused.</summary>
    public string Reason { get; }
}
