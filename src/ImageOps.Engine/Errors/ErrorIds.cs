namespace ImageOps.Engine;

/// <summary>
/// The stable error ids the engine raises. Scripts match on them (FullyQualifiedErrorId in
/// PowerShell, <c>error.id</c> in the CLI's JSON), so they never change once published.
/// </summary>
public static class ErrorIds
{
    /// <summary>A library, pool or lease record could not be parsed.</summary>
    public const string RecordCorrupt = "RecordCorrupt";

    /// <summary>A record was written by a newer ImageOps with a schema this version cannot read.</summary>
    public const string RecordSchemaUnsupported = "RecordSchemaUnsupported";

    /// <summary>A record file holds a different kind of record than expected.</summary>
    public const string RecordKindMismatch = "RecordKindMismatch";

    /// <summary>Another operation holds the lease and did not release it in time.</summary>
    public const string LeaseBusy = "LeaseBusy";

    /// <summary>The lease expired or was taken over; the operation did not commit.</summary>
    public const string LeaseLost = "LeaseLost";

    /// <summary>The library folder cannot be created or written.</summary>
    public const string LibraryUnavailable = "LibraryUnavailable";

    /// <summary>No pool with that name is registered in the library.</summary>
    public const string ImagePoolNotFound = "ImagePoolNotFound";

    /// <summary>A pool with that name is already registered in the library.</summary>
    public const string ImagePoolNameInUse = "ImagePoolNameInUse";

    /// <summary>The pool name has characters or a length that are not allowed.</summary>
    public const string ImagePoolNameInvalid = "ImagePoolNameInvalid";

    /// <summary>The path is inside, or contains, another registered pool.</summary>
    public const string ImagePoolPathOverlap = "ImagePoolPathOverlap";

    /// <summary>The pool folder cannot be created or written.</summary>
    public const string ImagePoolPathNotWritable = "ImagePoolPathNotWritable";

    /// <summary>The folder already holds a pool (use Register-ImagePool).</summary>
    public const string ImagePoolPathAlreadyPool = "ImagePoolPathAlreadyPool";

    /// <summary>The folder does not hold a pool (no pool.json).</summary>
    public const string ImagePoolPathNotPool = "ImagePoolPathNotPool";

    /// <summary>The pool is already registered in this library under another name.</summary>
    public const string ImagePoolAlreadyRegistered = "ImagePoolAlreadyRegistered";

    /// <summary>The pool holds images and -Force was not given.</summary>
    public const string ImagePoolNotEmpty = "ImagePoolNotEmpty";

    /// <summary>The pool's folder cannot be reached.</summary>
    public const string ImagePoolUnreachable = "ImagePoolUnreachable";

    /// <summary>An argument is not valid.</summary>
    public const string InvalidArgument = "InvalidArgument";

    /// <summary>A capture source has no bytes (an empty file, or a device whose size this OS does not report).</summary>
    public const string CaptureSourceEmpty = "CaptureSourceEmpty";

    /// <summary>Capturing this kind of device is not supported on this operating system.</summary>
    public const string CaptureDeviceNotSupported = "CaptureDeviceNotSupported";

    /// <summary>The disk has no partition with the number given (or no partition table at all).</summary>
    public const string PartitionNotFound = "PartitionNotFound";

    /// <summary>The partition given is an MBR extended partition, a container rather than a volume.</summary>
    public const string PartitionIsExtended = "PartitionIsExtended";
}
