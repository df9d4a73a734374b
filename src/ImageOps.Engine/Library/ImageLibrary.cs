using System;
using System.IO;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Pools;
using ImageOps.Engine.Storage;

namespace ImageOps.Engine.Library;

/// <summary>
/// A library (DESIGN.md §3): the registry of pools, the driver library, source VMs and deployment
/// journals, under one folder. Opening creates the folder on first use and removes temp files that
/// interrupted writes left behind.
/// </summary>
public sealed class ImageLibrary
{
    /// <summary>File name of the library record.</summary>
    public const string RecordFileName = "library.json";

    /// <summary>Folder of pool registrations.</summary>
    public const string PoolsFolder = "pools";

    /// <summary>Folder of lease generations.</summary>
    public const string LeasesFolder = ".leases";

    private ImageLibrary(string root, LibraryRecord record, ISystemClock clock)
    {
        RootPath = root;
        Id = record.Id;
        Clock = clock;
        Leases = new LeaseManager(Path.Combine(root, LeasesFolder), clock);
        Pools = new ImagePoolCatalog(this);
        Drivers = new DriverLibrary(this);
    }

    /// <summary>Full path of the library folder.</summary>
    public string RootPath { get; }

    /// <summary>The library's identity.</summary>
    public Guid Id { get; }

    /// <summary>The pools registered in this library.</summary>
    public ImagePoolCatalog Pools { get; }

    /// <summary>The driver library: packages, profiles, matching, resolution and coverage.</summary>
    public DriverLibrary Drivers { get; }

    internal LeaseManager Leases { get; }

    internal ISystemClock Clock { get; }

    /// <summary>
    /// Opens (creating on first use) the library at <paramref name="path"/>, or at the location
    /// <see cref="LibraryLocator.Resolve"/> picks when it is null.
    /// </summary>
    public static ImageLibrary Open(string? path = null, IOperationLog? log = null) => Open(path, log, SystemClock.Instance);

    internal static ImageLibrary Open(string? path, IOperationLog? log, ISystemClock clock)
    {
        var root = LibraryLocator.Resolve(path);
        try
        {
            Directory.CreateDirectory(root);
            Directory.CreateDirectory(Path.Combine(root, PoolsFolder));
            var recordPath = Path.Combine(root, RecordFileName);
            var record = RecordStore.TryRead<LibraryRecord>(recordPath);
            if (record is null)
            {
                // Two first uses may race: exactly one creates the record, both then read it.
                RecordStore.TryCreate(recordPath, new LibraryRecord { Id = Guid.NewGuid(), CreatedUtc = clock.UtcNow });
                record = RecordStore.Read<LibraryRecord>(recordPath);
            }

            TempFiles.SweepAbandoned(root, log);
            TempFiles.SweepAbandoned(Path.Combine(root, PoolsFolder), log);
            return new ImageLibrary(root, record, clock);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new StorageUnavailableException(ErrorIds.LibraryUnavailable, $"The library '{root}' cannot be opened: {ex.Message}", root, ex);
        }
    }
}
