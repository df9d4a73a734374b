using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Engine.Library;
using ImageOps.Engine.Platform;
using ImageOps.Engine.Storage;
using ImageOps.Engine.Text;

namespace ImageOps.Engine.Pools;

/// <summary>
/// The pools registered in a library: create, find, change, remove, register and unregister them.
/// Every mutation holds the library's <c>pools</c> lease and checks it right before each commit, so
/// concurrent processes get exactly one winner per name and never lose an update; readers take no
/// lease and see each record whole (records are replaced atomically).
/// </summary>
public sealed class ImagePoolCatalog
{
    private const string LeaseResource = "pools";
    private readonly ImageLibrary _library;

    internal ImagePoolCatalog(ImageLibrary library)
    {
        _library = library;
    }

    private string RegistrationFolder => Path.Combine(_library.RootPath, ImageLibrary.PoolsFolder);

    /// <summary>
    /// Creates a pool in <paramref name="path"/> (creating the folder, or adopting an existing folder
    /// that is not yet a pool) and registers it as <paramref name="name"/>.
    /// </summary>
    public ImagePoolInfo Create(string name, string path, string? description = null, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        PoolNames.Validate(name);
        var full = PathRules.Normalize(path);
        using var lease = TakeLease($"create pool '{name}'", context);
        var registrations = LoadRegistrations(context).Valid;
        EnsureNameFree(registrations, name, exceptPoolId: null);
        EnsureNoOverlap(registrations, full, exceptPoolId: null);

        if (File.Exists(PoolLayout.RecordPath(full)))
        {
            throw new ObjectExistsException(ErrorIds.ImagePoolPathAlreadyPool, $"'{full}' already holds an image pool; use Register-ImagePool (imageops pool register) to add it to this library.", full);
        }

        PrepareFolder(full);
        var now = _library.Clock.UtcNow;
        var record = new PoolRecord
        {
            Id = Guid.NewGuid(),
            Name = name,
            Description = description ?? string.Empty,
            CreatedUtc = now,
            CreatedBy = $"{Environment.UserName}@{Environment.MachineName}",
            ModifiedUtc = now,
        };

        if (!RecordStore.TryCreate(PoolLayout.RecordPath(full), record, lease))
        {
            throw new ObjectExistsException(ErrorIds.ImagePoolPathAlreadyPool, $"'{full}' became an image pool while this one was being created (another library?); use Register-ImagePool to add it.", full);
        }

        var registration = new PoolRegistration { PoolId = record.Id, Name = name, Path = full, RegisteredUtc = now };
        try
        {
            if (!RecordStore.TryCreate(RegistrationPath(name), registration, lease))
            {
                throw new ObjectExistsException(ErrorIds.ImagePoolNameInUse, $"A pool named '{name}' is already registered in '{_library.RootPath}'.", name);
            }
        }
        catch (Exception ex) when (!(ex is SimulatedCrashException))
        {
            // Not registered: undo the pool record so the folder is as the caller left it.
            TryDelete(PoolLayout.RecordPath(full));
            throw;
        }

        context.Log.Verbose($"Created image pool '{name}' in '{full}'.");
        return Describe(registration);
    }

    /// <summary>
    /// Finds pools by name. Each pattern may hold wildcards; a pattern without wildcards that matches
    /// nothing yields an <see cref="ErrorIds.ImagePoolNotFound"/> error in the result (the others are
    /// still returned). With no patterns, every pool is returned.
    /// </summary>
    public PoolQueryResult Find(IEnumerable<string>? namePatterns = null, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        var loaded = LoadRegistrations(context);
        var errors = new List<ImageOpsException>(loaded.Errors);
        var selected = new List<PoolRegistration>();
        var patterns = namePatterns?.Where(p => !string.IsNullOrEmpty(p)).ToList() ?? new List<string>();
        if (patterns.Count == 0)
        {
            selected.AddRange(loaded.Valid);
        }
        else
        {
            foreach (var pattern in patterns)
            {
                var wildcard = new Wildcard(pattern);
                var matches = loaded.Valid.Where(r => wildcard.IsMatch(r.Name)).ToList();
                if (matches.Count == 0 && !Wildcard.ContainsWildcard(pattern))
                {
                    errors.Add(NotFound(pattern));
                }

                selected.AddRange(matches.Where(m => !selected.Contains(m)));
            }
        }

        var pools = selected.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(r =>
        {
            context.ThrowIfCancelled();
            return Describe(r);
        }).ToList();
        return new PoolQueryResult(pools, errors);
    }

    /// <summary>Returns the pool registered as <paramref name="name"/> (exact, case-insensitive).</summary>
    public ImagePoolInfo Get(string name)
    {
        var registration = ReadRegistration(name);
        return Describe(registration);
    }

    /// <summary>Changes a pool's description (in its pool.json) and/or its name.</summary>
    public ImagePoolInfo Update(string name, PoolChanges changes, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        using var lease = TakeLease($"change pool '{name}'", context);
        var registration = ReadRegistration(name);
        var newName = changes.NewName;
        if (newName is not null)
        {
            PoolNames.Validate(newName);
            EnsureNameFree(LoadRegistrations(context).Valid, newName, exceptPoolId: registration.PoolId);
        }

        if (changes.Description is not null || newName is not null)
        {
            var current = Describe(registration);
            if (current.Status == PoolStatus.Online)
            {
                UpdatePoolRecord(registration.Path, changes, context, lease);
            }
            else if (changes.Description is not null)
            {
                throw Unreachable(current, "its description lives in its pool.json");
            }
        }

        if (newName is not null && !string.Equals(newName, registration.Name, StringComparison.Ordinal))
        {
            Rename(registration, newName, lease);
            registration = ReadRegistration(newName);
        }

        return Describe(registration);
    }

    /// <summary>
    /// Removes a pool from the library. A pool that holds images or tool images is refused unless
    /// <paramref name="force"/>. Files are deleted only with <paramref name="deleteFiles"/>, and then
    /// only the pool's own entries (see <see cref="PoolLayout"/>); anything else in the folder stays.
    /// </summary>
    public PoolRemovalResult Remove(string name, bool force, bool deleteFiles, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        using var lease = TakeLease($"remove pool '{name}'", context);
        var registration = ReadRegistration(name);
        var info = Describe(registration);
        var content = (info.ImageCount ?? 0) + (info.ToolImageCount ?? 0);
        if (content > 0 && !force)
        {
            throw new InvalidStateException(ErrorIds.ImagePoolNotEmpty, $"Pool '{info.Name}' holds {info.ImageCount} image(s) and {info.ToolImageCount} tool image(s); use -Force (--force) to remove it anyway.", info.Name);
        }

        if (deleteFiles && info.Status != PoolStatus.Online)
        {
            // Never delete a folder we cannot prove is this pool: it may be another pool or unrelated data.
            throw Unreachable(info, "its files can only be deleted when it is online and is the registered pool");
        }

        Lease? poolLease = null;
        try
        {
            if (deleteFiles)
            {
                poolLease = new LeaseManager(PoolLayout.LeasesPath(registration.Path), _library.Clock)
                    .Acquire("pool", $"delete pool '{info.Name}'", cancellation: context.Cancellation);
            }

            lease.EnsureHeld();
            File.Delete(RegistrationPath(registration.Name));
            context.Log.Verbose($"Unregistered image pool '{info.Name}' from '{_library.RootPath}'.");

            var kept = Array.Empty<string>();
            if (deleteFiles)
            {
                poolLease!.EnsureHeld();
                kept = DeletePoolContent(registration.Path, context);
            }

            return new PoolRemovalResult { Pool = info, FilesDeleted = deleteFiles, ForeignEntriesKept = kept };
        }
        finally
        {
            poolLease?.Dispose();
        }
    }

    /// <summary>Registers a pool that already exists (for example on a share) in this library.</summary>
    public ImagePoolInfo Register(string path, string? name = null, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        var full = PathRules.Normalize(path);
        if (!Directory.Exists(full))
        {
            throw new StorageUnavailableException(ErrorIds.ImagePoolUnreachable, $"The folder '{full}' does not exist or cannot be reached.", full);
        }

        var record = RecordStore.TryRead<PoolRecord>(PoolLayout.RecordPath(full))
                     ?? throw new InvalidRequestException(ErrorIds.ImagePoolPathNotPool, $"'{full}' holds no image pool (no {PoolLayout.RecordFileName}); use New-ImagePool (imageops pool new) to create one.", full);
        var localName = name ?? record.Name;
        PoolNames.Validate(localName);

        using var lease = TakeLease($"register pool '{localName}'", context);
        var registrations = LoadRegistrations(context).Valid;
        var existing = registrations.FirstOrDefault(r => r.PoolId == record.Id);
        if (existing is not null)
        {
            throw new ObjectExistsException(ErrorIds.ImagePoolAlreadyRegistered, $"The pool in '{full}' is already registered in this library as '{existing.Name}'.", existing.Name);
        }

        EnsureNameFree(registrations, localName, exceptPoolId: null);
        EnsureNoOverlap(registrations, full, exceptPoolId: null);
        var registration = new PoolRegistration { PoolId = record.Id, Name = localName, Path = full, RegisteredUtc = _library.Clock.UtcNow };
        if (!RecordStore.TryCreate(RegistrationPath(localName), registration, lease))
        {
            throw new ObjectExistsException(ErrorIds.ImagePoolNameInUse, $"A pool named '{localName}' is already registered in '{_library.RootPath}'.", localName);
        }

        context.Log.Verbose($"Registered image pool '{localName}' in '{full}'.");
        return Describe(registration);
    }

    /// <summary>Forgets a pool: removes its registration and leaves its folder untouched.</summary>
    public ImagePoolInfo Unregister(string name, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        using var lease = TakeLease($"unregister pool '{name}'", context);
        var registration = ReadRegistration(name);
        var info = Describe(registration);
        lease.EnsureHeld();
        File.Delete(RegistrationPath(registration.Name));
        context.Log.Verbose($"Unregistered image pool '{info.Name}'; its folder '{info.Path}' was left as it is.");
        return info;
    }

    private Lease TakeLease(string purpose, OperationContext context)
    {
        var lease = _library.Leases.Acquire(LeaseResource, purpose, cancellation: context.Cancellation);
        try
        {
            CompletePendingRenames(lease);
            return lease;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private ImagePoolInfo Describe(PoolRegistration registration)
    {
        var info = new ImagePoolInfo
        {
            Name = registration.Name,
            Id = registration.PoolId,
            Path = registration.Path,
            RegisteredUtc = registration.RegisteredUtc,
            LibraryPath = _library.RootPath,
        };

        if (!Directory.Exists(registration.Path))
        {
            info.Status = PoolStatus.Unreachable;
            info.StatusDetail = $"The folder '{registration.Path}' does not exist or cannot be reached.";
            return info;
        }

        PoolRecord? record;
        try
        {
            record = RecordStore.TryRead<PoolRecord>(PoolLayout.RecordPath(registration.Path));
        }
        catch (RecordException ex)
        {
            info.Status = PoolStatus.RecordUnreadable;
            info.StatusDetail = ex.Message;
            return info;
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            info.Status = PoolStatus.Unreachable;
            info.StatusDetail = ex.Message;
            return info;
        }

        if (record is null)
        {
            info.Status = PoolStatus.NotAPool;
            info.StatusDetail = $"The folder '{registration.Path}' holds no {PoolLayout.RecordFileName}.";
            return info;
        }

        if (record.Id != registration.PoolId)
        {
            info.Status = PoolStatus.IdentityMismatch;
            info.StatusDetail = $"The folder holds pool '{record.Name}' ({record.Id}), not the registered pool {registration.PoolId}.";
            return info;
        }

        info.Status = PoolStatus.Online;
        info.Description = record.Description;
        info.CreatedUtc = record.CreatedUtc;
        info.ImageCount = CountImages(registration.Path);
        info.ToolImageCount = CountToolImages(registration.Path);
        var space = VolumeSpace.Query(registration.Path);
        if (space is { } s)
        {
            info.CapacityBytes = s.Capacity;
            info.FreeBytes = s.Free;
        }

        return info;
    }

    private static int CountImages(string poolPath)
    {
        var images = Path.Combine(poolPath, PoolLayout.ImagesFolder);
        return Directory.Exists(images)
            ? Directory.GetDirectories(images).Count(d => File.Exists(Path.Combine(d, PoolLayout.ImageRecordFileName)))
            : 0;
    }

    private static int CountToolImages(string poolPath)
    {
        var tools = Path.Combine(poolPath, PoolLayout.ToolsFolder);
        return Directory.Exists(tools)
            ? Directory.GetFiles(tools).Count(f => !TempFiles.IsTempName(Path.GetFileName(f)) && !Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal))
            : 0;
    }

    private (List<PoolRegistration> Valid, List<ImageOpsException> Errors) LoadRegistrations(OperationContext context)
    {
        var valid = new List<PoolRegistration>();
        var errors = new List<ImageOpsException>();
        if (!Directory.Exists(RegistrationFolder))
        {
            return (valid, errors);
        }

        foreach (var file in Directory.GetFiles(RegistrationFolder, "*.json").OrderBy(f => f, StringComparer.Ordinal))
        {
            if (TempFiles.IsTempName(Path.GetFileName(file)))
            {
                continue;
            }

            try
            {
                var registration = RecordStore.TryRead<PoolRegistration>(file);
                if (registration is not null)
                {
                    valid.Add(registration);
                }
            }
            catch (RecordException ex)
            {
                context.Log.Warning(ex.Message);
                errors.Add(ex);
            }
        }

        // A rename interrupted before it removed the old registration leaves two for one pool;
        // until the next mutation completes it, readers see only the new name.
        var superseded = valid.Where(r => r.ReplacesName is not null)
            .Select(r => (r.PoolId, Key: PoolNames.Key(r.ReplacesName!)))
            .ToList();
        valid.RemoveAll(r => superseded.Contains((r.PoolId, PoolNames.Key(r.Name))) && r.ReplacesName is null);
        return (valid, errors);
    }

    private PoolRegistration ReadRegistration(string name)
    {
        PoolRegistration? registration = null;
        try
        {
            PoolNames.Validate(name);
            registration = RecordStore.TryRead<PoolRegistration>(RegistrationPath(name));
        }
        catch (InvalidRequestException)
        {
            // An invalid name cannot be registered: report it as not found.
        }

        return registration ?? throw NotFound(name);
    }

    private ObjectNotFoundException NotFound(string name)
        => new(ErrorIds.ImagePoolNotFound, $"No image pool named '{name}' is registered in '{_library.RootPath}'.", name);

    private string RegistrationPath(string name) => Path.Combine(RegistrationFolder, PoolNames.Key(name) + ".json");

    private void EnsureNameFree(IEnumerable<PoolRegistration> registrations, string name, Guid? exceptPoolId)
    {
        var clash = registrations.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase) && r.PoolId != exceptPoolId);
        if (clash is not null || (exceptPoolId is null && File.Exists(RegistrationPath(name))))
        {
            throw new ObjectExistsException(ErrorIds.ImagePoolNameInUse, $"A pool named '{clash?.Name ?? name}' is already registered in '{_library.RootPath}'.", name);
        }
    }

    private void EnsureNoOverlap(IEnumerable<PoolRegistration> registrations, string fullPath, Guid? exceptPoolId)
    {
        foreach (var other in registrations)
        {
            if (other.PoolId != exceptPoolId && PathRules.Overlap(fullPath, other.Path))
            {
                var how = PathRules.AreSame(fullPath, other.Path) ? "is the folder of" : PathRules.IsSameOrInside(fullPath, other.Path) ? "is inside" : "contains";
                throw new InvalidRequestException(ErrorIds.ImagePoolPathOverlap, $"'{fullPath}' {how} pool '{other.Name}' ('{other.Path}'); pools cannot nest.", fullPath);
            }
        }

        if (PathRules.IsSameOrInside(_library.RootPath, fullPath))
        {
            throw new InvalidRequestException(ErrorIds.ImagePoolPathOverlap, $"'{fullPath}' contains the library '{_library.RootPath}'; a pool cannot hold its own library.", fullPath);
        }
    }

    private static void PrepareFolder(string full)
    {
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, ".imageops-write-probe-" + Guid.NewGuid().ToString("N"));
            File.WriteAllBytes(probe, new byte[] { 1 });
            File.Delete(probe);
            Directory.CreateDirectory(Path.Combine(full, PoolLayout.ImagesFolder));
            Directory.CreateDirectory(Path.Combine(full, PoolLayout.ToolsFolder));
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
        {
            throw new StorageUnavailableException(ErrorIds.ImagePoolPathNotWritable, $"The folder '{full}' cannot be created or written: {ex.Message}", full, ex);
        }
    }

    private void UpdatePoolRecord(string poolPath, PoolChanges changes, OperationContext context, Lease libraryLease)
    {
        using var poolLease = new LeaseManager(PoolLayout.LeasesPath(poolPath), _library.Clock)
            .Acquire("pool", "change pool record", cancellation: context.Cancellation);
        var recordPath = PoolLayout.RecordPath(poolPath);
        var record = RecordStore.Read<PoolRecord>(recordPath);
        if (changes.Description is not null)
        {
            record.Description = changes.Description;
        }

        if (changes.NewName is not null)
        {
            record.Name = changes.NewName;
        }

        record.ModifiedUtc = _library.Clock.UtcNow;
        libraryLease.EnsureHeld();
        RecordStore.Replace(recordPath, record, poolLease);
    }

    /// <summary>
    /// Renames a registration as a small roll-forward journal: the new record names the old one in
    /// <see cref="PoolRegistration.ReplacesName"/>, then the old one is deleted, then the marker is
    /// cleared. A crash at any step is completed by <see cref="CompletePendingRenames"/>.
    /// </summary>
    private void Rename(PoolRegistration registration, string newName, Lease lease)
    {
        var oldPath = RegistrationPath(registration.Name);
        var newPath = RegistrationPath(newName);
        var renamed = new PoolRegistration
        {
            PoolId = registration.PoolId,
            Name = newName,
            Path = registration.Path,
            RegisteredUtc = registration.RegisteredUtc,
            ReplacesName = registration.Name,
        };

        lease.EnsureHeld();
        if (string.Equals(oldPath, newPath, StringComparison.Ordinal))
        {
            // Only the letter case changes: one file, replaced in place.
            renamed.ReplacesName = null;
            RecordStore.Replace(newPath, renamed);
            return;
        }

        if (!RecordStore.TryCreate(newPath, renamed))
        {
            throw new ObjectExistsException(ErrorIds.ImagePoolNameInUse, $"A pool named '{newName}' is already registered in '{_library.RootPath}'.", newName);
        }

        CompletePendingRenames(lease);
    }

    private void CompletePendingRenames(Lease lease)
    {
        if (!Directory.Exists(RegistrationFolder))
        {
            return;
        }

        foreach (var file in Directory.GetFiles(RegistrationFolder, "*.json"))
        {
            if (TempFiles.IsTempName(Path.GetFileName(file)))
            {
                continue;
            }

            PoolRegistration? registration;
            try
            {
                registration = RecordStore.TryRead<PoolRegistration>(file);
            }
            catch (RecordException)
            {
                continue;
            }

            if (registration?.ReplacesName is null)
            {
                continue;
            }

            var oldPath = RegistrationPath(registration.ReplacesName);
            PoolRegistration? old = null;
            try
            {
                old = RecordStore.TryRead<PoolRegistration>(oldPath);
            }
            catch (RecordException)
            {
                // An unreadable old record cannot be the pool's; leave it for the user to see.
            }

            lease.EnsureHeld();
            if (old is not null && old.PoolId == registration.PoolId && !string.Equals(oldPath, file, StringComparison.Ordinal))
            {
                File.Delete(oldPath);
            }

            registration.ReplacesName = null;
            RecordStore.Replace(file, registration);
        }
    }

    private static string[] DeletePoolContent(string poolPath, OperationContext context)
    {
        // pool.json goes first: from then on the folder is no longer a pool, so a crash part-way
        // leaves plain folders rather than a damaged pool.
        TryDelete(PoolLayout.RecordPath(poolPath));
        foreach (var folder in new[] { PoolLayout.ImagesFolder, PoolLayout.ToolsFolder, PoolLayout.StateFolder })
        {
            var full = Path.Combine(poolPath, folder);
            if (Directory.Exists(full))
            {
                context.ThrowIfCancelled();
                Directory.Delete(full, recursive: true);
            }
        }

        TempFiles.SweepAbandoned(poolPath);
        var foreign = Directory.GetFileSystemEntries(poolPath);
        if (foreign.Length == 0)
        {
            Directory.Delete(poolPath);
        }
        else
        {
            context.Log.Warning($"Left {foreign.Length} entr{(foreign.Length == 1 ? "y" : "ies")} in '{poolPath}' that did not belong to the pool.");
        }

        return foreign;
    }

    private static StorageUnavailableException Unreachable(ImagePoolInfo info, string why)
        => new(ErrorIds.ImagePoolUnreachable, $"Pool '{info.Name}' is {info.Status} ({info.StatusDetail}); {why}.", info.Name);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Best effort.
        }
    }
}
