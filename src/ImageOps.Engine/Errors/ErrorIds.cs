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

    /// <summary>No driver package with that id is in the library.</summary>
    public const string DriverPackageNotFound = "DriverPackageNotFound";

    /// <summary>An id prefix matches more than one driver package.</summary>
    public const string DriverPackageIdAmbiguous = "DriverPackageIdAmbiguous";

    /// <summary>A driver profile uses the package (by id or through a group) and -Force was not given.</summary>
    public const string DriverPackageInUse = "DriverPackageInUse";

    /// <summary>The INF names files the package does not hold; the error lists them.</summary>
    public const string DriverPackageFilesMissing = "DriverPackageFilesMissing";

    /// <summary>The INF has errors that make Windows refuse it (no [Version] signature, missing sections...).</summary>
    public const string DriverInfInvalid = "DriverInfInvalid";

    /// <summary>The INF refers to a file outside its package (.., a drive, a stream, a device name, a link).</summary>
    public const string DriverPackageReferenceRefused = "DriverPackageReferenceRefused";

    /// <summary>The folder, INF or archive to import does not exist.</summary>
    public const string DriverPackageSourceNotFound = "DriverPackageSourceNotFound";

    /// <summary>The file to import is neither an INF, a ZIP archive nor a cabinet.</summary>
    public const string DriverPackageSourceUnsupported = "DriverPackageSourceUnsupported";

    /// <summary>The folder or archive holds no INF.</summary>
    public const string DriverPackageNoInf = "DriverPackageNoInf";

    /// <summary>An archive entry is unsafe to extract (.., absolute or drive path, link, device, duplicate name).</summary>
    public const string DriverArchiveEntryRefused = "DriverArchiveEntryRefused";

    /// <summary>An archive exceeds the entry count, size or compression ratio limits (a possible bomb).</summary>
    public const string DriverArchiveTooLarge = "DriverArchiveTooLarge";

    /// <summary>An archive entry's data does not match its declared size or CRC.</summary>
    public const string DriverArchiveCorrupt = "DriverArchiveCorrupt";

    /// <summary>An archive uses a compression method or encryption ImageOps does not read.</summary>
    public const string DriverArchiveUnsupported = "DriverArchiveUnsupported";

    /// <summary>A file changed while it was being imported.</summary>
    public const string DriverPackageChangedDuringImport = "DriverPackageChangedDuringImport";

    /// <summary>The package's description is too large to store.</summary>
    public const string DriverPackageTooLarge = "DriverPackageTooLarge";

    /// <summary>A stored file does not match its SHA-256 (the store was damaged).</summary>
    public const string DriverStoreObjectCorrupt = "DriverStoreObjectCorrupt";

    /// <summary>A stored file a package needs is missing from the store.</summary>
    public const string DriverStoreObjectMissing = "DriverStoreObjectMissing";

    /// <summary>The export destination already holds files of the package and -Force was not given.</summary>
    public const string DriverExportTargetExists = "DriverExportTargetExists";

    /// <summary>No driver profile with that name is in the library.</summary>
    public const string DriverProfileNotFound = "DriverProfileNotFound";

    /// <summary>A driver profile with that name exists already.</summary>
    public const string DriverProfileNameInUse = "DriverProfileNameInUse";

    /// <summary>The profile name has characters or a length that are not allowed.</summary>
    public const string DriverProfileNameInvalid = "DriverProfileNameInvalid";

    /// <summary>The profile's rules contradict each other (for example no drivers and sources at once).</summary>
    public const string DriverProfileInvalid = "DriverProfileInvalid";

    /// <summary>No driver profile applies to the hardware model: it would get no drivers.</summary>
    public const string DriverModelNotCovered = "DriverModelNotCovered";

    /// <summary>The fleet inventory cannot be read or lacks the columns it needs.</summary>
    public const string DriverInventoryInvalid = "DriverInventoryInvalid";

    /// <summary>The fleet inventory file does not exist.</summary>
    public const string DriverInventoryNotFound = "DriverInventoryNotFound";
    /// <summary>A capture source has no bytes (an empty file, or a device whose size this OS does not report).</summary>
    public const string CaptureSourceEmpty = "CaptureSourceEmpty";

    /// <summary>Capturing this kind of device is not supported on this operating system.</summary>
    public const string CaptureDeviceNotSupported = "CaptureDeviceNotSupported";

    /// <summary>The disk has no partition with the number given (or no partition table at all).</summary>
    public const string PartitionNotFound = "PartitionNotFound";

    /// <summary>The partition given is an MBR extended partition, a container rather than a volume.</summary>
    public const string PartitionIsExtended = "PartitionIsExtended";
}
