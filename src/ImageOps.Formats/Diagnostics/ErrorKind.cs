namespace ImageOps;

/// <summary>
/// What kind of failure an <see cref="ImageOpsException"/> reports. The names are exactly those of
/// PowerShell's <c>System.Management.Automation.ErrorCategory</c>, so the cmdlet layer maps them by
/// name without the engine referencing PowerShell (a contract test keeps the two in step).
/// </summary>
public enum ErrorKind
{
    /// <summary>No more specific kind applies.</summary>
    NotSpecified = 0,

    /// <summary>An argument or request is not valid.</summary>
    InvalidArgument,

    /// <summary>Data read from a file or record is malformed or corrupt.</summary>
    InvalidData,

    /// <summary>The operation is not valid in the current state.</summary>
    InvalidOperation,

    /// <summary>The named object does not exist.</summary>
    ObjectNotFound,

    /// <summary>The object to be created exists already.</summary>
    ResourceExists,

    /// <summary>The resource is held by another operation.</summary>
    ResourceBusy,

    /// <summary>The resource cannot be reached.</summary>
    ResourceUnavailable,

    /// <summary>Access was refused.</summary>
    PermissionDenied,

    /// <summary>The feature is recognised but not implemented.</summary>
    NotImplemented,

    /// <summary>A required component is not installed.</summary>
    NotInstalled,

    /// <summary>The operation was cancelled.</summary>
    OperationStopped,

    /// <summary>Reading failed.</summary>
    ReadError,

    /// <summary>Writing failed.</summary>
    WriteError,

    /// <summary>A size, count or depth limit was exceeded.</summary>
    LimitsExceeded,

    /// <summary>A security rule (allowed roots, signatures) refused the operation.</summary>
    SecurityError,

    /// <summary>The device or native layer reported an error.</summary>
    DeviceError,

    /// <summary>A result did not match what was expected (identity, checksum).</summary>
    InvalidResult,
}
