using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using ImageOps.Engine.Library;
using ImageOps.Engine.Storage;
using ImageOps.Engine.Text;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// The driver packages of a library: import from folders, INFs, .zip and .cab; find with filters; remove;
/// export. Files live once in the content-addressed store (<see cref="DriverStoreLayout"/>); each package
/// is a record naming its files by path and SHA-256.
/// <para>
/// Concurrency: an import hashes and stores file contents without a lease (objects are write-once and
/// named by content, so concurrent writers of the same content agree), then takes the library's
/// <c>drivers</c> lease, makes sure every object it needs still exists (a concurrent removal may have
/// collected an unreferenced one), and commits its records. Removal deletes the record and every object
/// no remaining record names, under the same lease. Readers take no lease.
/// </para>
/// </summary>
public sealed class DriverPackageCatalog
{
    private const int IdLength = 16;
    private const int MinimumIdPrefix = 4;
    private static readonly Regex GroupName = new("^[A-Za-z0-9][A-Za-z0-9 _.+-]{0,63}$", RegexOptions.CultureInvariant);

    private readonly ImageLibrary _library;
    private readonly DriverLibrary _drivers;

    internal DriverPackageCatalog(ImageLibrary library, DriverLibrary drivers)
    {
        _library = library;
        _drivers = drivers;
        Objects = new DriverObjectStore(Path.Combine(drivers.RootPath, DriverStoreLayout.ObjectsFolder));
    }

    internal DriverObjectStore Objects { get; }

    private string PackagesFolder => Path.Combine(_drivers.RootPath, DriverStoreLayout.PackagesFolder);

    /// <summary>Imports a folder (recursively, one package per INF), an INF, a .zip or a .cab.</summary>
    /// <exception cref="ImageOpsException">The source does not exist, is not a driver source, or an archive is refused as a whole.</exception>
    public DriverImportResult Add(DriverImportRequest request, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        if (request is null || string.IsNullOrWhiteSpace(request.Path))
        {
            throw new InvalidRequestException(ErrorIds.InvalidArgument, "A folder, INF, .zip or .cab to import is required.");
        }

        foreach (var group in request.Groups)
        {
            ValidateGroup(group);
        }

        var source = Path.GetFullPath(request.Path);
        string? staging = null;
        try
        {
            string root;
            IReadOnlyList<string> infs;
            if (Directory.Exists(source))
            {
                root = source;
                infs = DriverSourceScanner.FindInfs(root, context);
            }
            else if (File.Exists(source))
            {
                var kind = DriverArchiveExtractor.Recognize(source);
                if (kind is { } archive)
                {
                    staging = _drivers.NewStagingFolder();
                    context.Log.Verbose($"Extracting {archive} archive '{source}' into '{staging}'.");
                    DriverArchiveExtractor.Extract(source, archive, staging, request.ArchiveLimits, context);
                    root = staging;
                    infs = DriverSourceScanner.FindInfs(root, context);
                }
                else if (source.EndsWith(".inf", StringComparison.OrdinalIgnoreCase) || source.EndsWith(".inx", StringComparison.OrdinalIgnoreCase))
                {
                    root = Path.GetDirectoryName(source)!;
                    infs = new[] { Path.GetFileName(source) };
                }
                else
                {
                    throw new InvalidRequestException(ErrorIds.DriverPackageSourceUnsupported, $"'{source}' is neither an INF, a ZIP archive nor a cabinet (by its content).", source);
                }
            }
            else
            {
                throw new ObjectNotFoundException(ErrorIds.DriverPackageSourceNotFound, $"'{source}' does not exist.", source);
            }

            if (infs.Count == 0)
            {
                throw new InvalidRequestException(ErrorIds.DriverPackageNoInf, $"'{source}' holds no INF file.", source);
            }

            return Import(source, root, infs, request, context);
        }
        finally
        {
            if (staging is not null)
            {
                DriverLibrary.DeleteFolder(staging, context.Log);
            }
        }
    }

    /// <summary>Finds packages; with no query, every package.</summary>
    public DriverPackageQueryResult Find(DriverPackageQuery? query = null, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        query ??= new DriverPackageQuery();
        var errors = new List<ImageOpsException>();
        var records = LoadAll(context, errors);
        IEnumerable<DriverPackageRecord> selected = records;
        var ids = query.Ids?.Where(i => !string.IsNullOrEmpty(i)).ToList();
        if (ids is { Count: > 0 })
        {
            var matched = new List<DriverPackageRecord>();
            foreach (var pattern in ids)
            {
                var hits = MatchId(records, pattern);
                if (hits.Count == 0 && !Wildcard.ContainsWildcard(pattern))
                {
                    errors.Add(NotFound(pattern));
                }
                else if (hits.Count > 1 && !Wildcard.ContainsWildcard(pattern) && !hits.Any(h => string.Equals(h.Id, pattern, StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add(Ambiguous(pattern, hits));
                    continue;
                }

                matched.AddRange(hits.Where(h => !matched.Contains(h)));
            }

            selected = matched;
        }

        selected = Filter(selected, query);
        var packages = selected.OrderBy(r => r.InfName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Id, StringComparer.Ordinal).Select(Describe).ToList();
        return new DriverPackageQueryResult(packages, errors);
    }

    /// <summary>The package with id <paramref name="id"/> (or a unique prefix of it).</summary>
    public DriverPackageInfo Get(string id) => Describe(ReadRecord(id, LoadAllQuiet()));

    /// <summary>
    /// Removes a package. A package that a profile uses (by id, or through one of its groups) is refused
    /// unless <paramref name="force"/>. Stored files no other package needs are deleted.
    /// </summary>
    public DriverPackageRemovalResult Remove(string id, bool force, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        using var lease = _drivers.TakeLease("remove driver package '" + id + "'", context);
        var records = LoadAll(context, new List<ImageOpsException>());
        var record = ReadRecord(id, records);
        var users = _drivers.Profiles.LoadAll(context, new List<ImageOpsException>())
            .Where(p => p.Rules.Uses(record))
            .Select(p => p.Name)
            .ToArray();
        if (users.Length > 0 && !force)
        {
            throw new InvalidStateException(ErrorIds.DriverPackageInUse, $"Driver package {record.Id} ({record.InfName}) is used by profile(s) {string.Join(", ", users.Select(u => "'" + u + "'"))}; change the profiles or use -Force (--force).", record.Id);
        }

        var info = Describe(record);
        lease.EnsureHeld();
        File.Delete(RecordPath(record.Id));
        context.Log.Verbose($"Removed driver package {record.Id} ({record.InfName}).");
        var (deleted, freed) = CollectGarbage(records.Where(r => r.Id != record.Id), lease, context);
        return new DriverPackageRemovalResult { Package = info, UsedByProfiles = users, ObjectsDeleted = deleted, BytesFreed = freed };
    }

    /// <summary>
    /// Writes a package's files, byte for byte and in their original layout, into
    /// <c>&lt;destination&gt;/&lt;inf name&gt;_&lt;id&gt;/</c>. Existing files there are refused unless <paramref name="force"/>.
    /// Every file is checked against its SHA-256 as it is copied.
    /// </summary>
    public DriverPackageExportResult Export(string id, string destination, bool force, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        var record = ReadRecord(id, LoadAllQuiet());
        var folder = Path.Combine(Path.GetFullPath(destination), Path.GetFileNameWithoutExtension(record.InfName) + "_" + record.Id);
        var targets = new List<(DriverFileRecord File, string Target)>();
        foreach (var file in record.Files)
        {
            // Records can be edited by hand: the paths are checked again before anything is written.
            if (!InfPackagePath.TryNormalizeFolder(file.Path, out var normalized, out var problem) || normalized.Length == 0 || file.Path.StartsWith("/", StringComparison.Ordinal))
            {
                throw new RecordException(ErrorIds.RecordCorrupt, RecordPath(record.Id), $"Package {record.Id} names the file '{file.Path}', which is not a safe relative path: {problem}.");
            }

            targets.Add((file, Path.Combine(folder, normalized.Replace('/', Path.DirectorySeparatorChar))));
        }

        var existing = targets.Where(t => File.Exists(t.Target)).Select(t => t.Target).ToList();
        if (existing.Count > 0 && !force)
        {
            throw new ObjectExistsException(ErrorIds.DriverExportTargetExists, $"'{folder}' already holds {existing.Count} file(s) of package {record.Id} (for example '{existing[0]}'); use -Force (--force) to overwrite them.", folder);
        }

        long bytes = 0;
        var done = 0;
        foreach (var (file, target) in targets)
        {
            context.ThrowIfCancelled();
            context.Report("Exporting " + record.InfName, "Copying files", done++, targets.Count, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = TempFiles.NewPathFor(target);
            try
            {
                using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    Objects.CopyOut(file.Sha256, file.SizeBytes, output, "'" + file.Path + "' of package " + record.Id, context.Cancellation);
                    output.Flush(flushToDisk: true);
                }

                if (File.Exists(target))
                {
                    File.Replace(temp, target, null);
                }
                else
                {
                    File.Move(temp, target);
                }
            }
            catch
            {
                DriverObjectStore.TryDelete(temp);
                throw;
            }

            bytes += file.SizeBytes;
        }

        context.Log.Verbose($"Exported package {record.Id} ({targets.Count} files) to '{folder}'.");
        return new DriverPackageExportResult
        {
            PackageId = record.Id,
            Name = record.InfName,
            Path = folder,
            InfPath = Path.Combine(folder, record.InfPath.Replace('/', Path.DirectorySeparatorChar)),
            FileCount = targets.Count,
            SizeBytes = bytes,
        };
    }

    /// <summary>Every readable package record; unreadable ones become errors (and warnings in the log).</summary>
    internal List<DriverPackageRecord> LoadAll(OperationContext context, List<ImageOpsException> errors)
    {
        if (!Directory.Exists(PackagesFolder))
        {
            return new List<DriverPackageRecord>();
        }

        var files = Directory.GetFiles(PackagesFolder, "*.json").Where(f => !TempFiles.IsTempName(Path.GetFileName(f))).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var records = new DriverPackageRecord?[files.Length];
        var failures = new RecordException?[files.Length];

        // Parsing records is CPU work: one per core, results kept in file order.
        Parallel(files.Length, Environment.ProcessorCount, context, i =>
        {
            try
            {
                records[i] = RecordStore.TryRead<DriverPackageRecord>(files[i]);
            }
            catch (RecordException ex)
            {
                failures[i] = ex;
            }
        });

        foreach (var failure in failures)
        {
            if (failure is not null)
            {
                context.Log.Warning(failure.Message);
                errors.Add(failure);
            }
        }

        return records.Where(r => r is not null).ToList()!;
    }

    internal DriverPackageInfo Describe(DriverPackageRecord record) => new(record, _library.RootPath, Objects);

    internal static void ValidateGroup(string group)
    {
        if (group is null || !GroupName.IsMatch(group))
        {
            throw new InvalidRequestException(ErrorIds.InvalidArgument, $"'{group}' is not a valid group name: use 1 to 64 letters, digits, spaces, '.', '_', '+' or '-', starting with a letter or digit.", group);
        }
    }

    private List<DriverPackageRecord> LoadAllQuiet() => LoadAll(OperationContext.None, new List<ImageOpsException>());

    private DriverImportResult Import(string source, string root, IReadOnlyList<string> infs, DriverImportRequest request, OperationContext context)
    {
        var activity = "Importing drivers from " + Path.GetFileName(source);
        var items = infs.Select(i => new DriverImportItem { InfPath = i }).ToArray();
        var prepared = new (DriverPackageRecord Record, Dictionary<string, string> Hosts)?[infs.Count];
        var hashes = new ConcurrentDictionary<string, (string Sha, long Size)>(StringComparer.Ordinal);
        var only = request.Architectures.Count == 0 ? null : request.Architectures.Distinct().ToList();
        var done = 0;

        // Reading and hashing is CPU work: one INF per core.
        Parallel(infs.Count, Environment.ProcessorCount, context, i =>
        {
            var item = items[i];
            try
            {
                prepared[i] = Prepare(source, root, infs[i], only, request.Groups, hashes, context);
            }
            catch (ImageOpsException ex)
            {
                item.Status = DriverImportStatus.Refused;
                item.Error = ex;
                context.Log.Verbose($"Refused '{infs[i]}': {ex.Message}");
            }

            context.Report(activity, "Reading INFs", Interlocked.Increment(ref done), infs.Count, infs[i]);
        });

        var pending = new List<(DriverImportItem Item, DriverPackageRecord Record, Dictionary<string, string> Hosts)>();
        for (var i = 0; i < items.Length; i++)
        {
            if (prepared[i] is { } p)
            {
                pending.Add((items[i], p.Record, p.Hosts));
            }
        }

        // Store contents outside the lease: concurrent imports share the work, never the lease time. Each
        // object is flushed to the device before it is renamed, so writing several at once overlaps the flushes.
        var result = new DriverImportResult { Source = source, Items = items };
        var objects = pending.SelectMany(p => p.Record.Files.Select(f => (File: f, Host: p.Hosts[f.Path]))).GroupBy(x => x.File.Sha256).Select(g => g.First()).ToList();
        done = 0;
        long stored = 0, storedBytes = 0;
        Parallel(objects.Count, IoParallelism, context, i =>
        {
            var (file, host) = objects[i];
            if (Objects.Put(host, file.Sha256, file.SizeBytes, context.Cancellation))
            {
                Interlocked.Increment(ref stored);
                Interlocked.Add(ref storedBytes, file.SizeBytes);
            }

            context.Report(activity, "Storing files", Interlocked.Increment(ref done), objects.Count, file.Path);
        });
        result.ObjectsStored = (int)stored;
        result.BytesStored = storedBytes;
        if (pending.Count == 0)
        {
            return result;
        }

        using var lease = _drivers.TakeLease("import drivers from '" + source + "'", context);
        lease.StartAutoRenew();
        Directory.CreateDirectory(PackagesFolder);

        // One commit per distinct package: an INF present twice in the source is the same package.
        var groups = pending.GroupBy(p => p.Record.Id).ToList();
        done = 0;
        Parallel(groups.Count, IoParallelism, context, g =>
        {
            var (item, record, hosts) = groups[g].First();
            var path = RecordPath(record.Id);
            var existing = RecordStore.TryRead<DriverPackageRecord>(path);
            if (existing is null)
            {
                // A concurrent removal may have collected an object stored above before this lease: store it again.
                foreach (var file in record.Files)
                {
                    if (!Objects.Exists(file.Sha256, file.SizeBytes))
                    {
                        Objects.Put(hosts[file.Path], file.Sha256, file.SizeBytes, context.Cancellation);
                    }
                }

                if (RecordStore.TryCreate(path, record, lease))
                {
                    item.Status = DriverImportStatus.Added;
                    item.Package = Describe(record);
                    context.Log.Verbose($"Added '{item.InfPath}' as package {record.Id} ({record.Files.Count} files).");
                }
                else
                {
                    existing = RecordStore.Read<DriverPackageRecord>(path);
                }
            }

            if (existing is not null)
            {
                var added = record.Groups.Where(x => !existing.Groups.Contains(x, StringComparer.OrdinalIgnoreCase)).ToList();
                if (added.Count > 0)
                {
                    existing.Groups.AddRange(added);
                    RecordStore.Replace(path, existing, lease);
                }

                item.Status = DriverImportStatus.AlreadyPresent;
                item.Package = Describe(existing);
                context.Log.Verbose($"'{item.InfPath}' is already in the library as package {existing.Id}" + (added.Count > 0 ? "; added it to " + string.Join(", ", added) + "." : "."));
            }

            foreach (var (duplicate, _, _) in groups[g].Skip(1))
            {
                duplicate.Status = DriverImportStatus.AlreadyPresent;
                duplicate.Package = item.Package;
            }

            context.Report(activity, "Committing packages", Interlocked.Increment(ref done), groups.Count, item.InfPath);
        });

        return result;
    }

    /// <summary>Writers at once when the work is waiting on the device (flushes), not on the CPU.</summary>
    private const int IoParallelism = 8;

    /// <summary>Runs <paramref name="body"/> for 0..count-1 on up to <paramref name="degree"/> threads; the first failure is rethrown as itself.</summary>
    private static void Parallel(int count, int degree, OperationContext context, Action<int> body)
    {
        try
        {
            System.Threading.Tasks.Parallel.For(0, count, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, degree), CancellationToken = context.Cancellation }, body);
        }
        catch (AggregateException ex)
        {
            var first = ex.Flatten().InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? ex.Flatten().InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            throw;
        }
    }

    private (DriverPackageRecord Record, Dictionary<string, string> Hosts) Prepare(string source, string root, string relative, IReadOnlyCollection<InfArchitecture>? only, IReadOnlyList<string> groups, ConcurrentDictionary<string, (string Sha, long Size)> hashes, OperationContext context)
    {
        var infHost = Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));
        var folder = new InfFolderSource(Path.GetDirectoryName(infHost)!);
        InfPackage package;
        try
        {
            package = InfPackage.Open(folder, Path.GetFileName(infHost), cancellation: context.Cancellation);
        }
        catch (InfFileReferenceException ex)
        {
            throw new DriverPackageRefusedException(ErrorIds.DriverPackageReferenceRefused, ErrorKind.SecurityError, $"'{relative}' is refused: {ex.Message}", relative, new[] { ex.Reference });
        }

        var analysis = DriverInfAnalyzer.Analyze(package, folder, only, context.Cancellation);
        var document = package.Document;
        if (!document.Version.Exists || !document.Version.IsSignatureValid)
        {
            throw new DriverPackageRefusedException(ErrorIds.DriverInfInvalid, ErrorKind.InvalidData, $"'{relative}' is not a driver INF Windows would accept: " + (document.Version.Exists ? "its Signature is '" + document.Version.Signature + "', not $Windows NT$ or $Chicago$." : "it has no [Version] section."), relative, Array.Empty<string>());
        }

        if (analysis.RefusedReferences.Count > 0)
        {
            throw new DriverPackageRefusedException(ErrorIds.DriverPackageReferenceRefused, ErrorKind.SecurityError, $"'{relative}' refers to files outside its package, so it is refused: {string.Join("; ", analysis.RefusedReferences.Take(5))}" + (analysis.RefusedReferences.Count > 5 ? $" (and {analysis.RefusedReferences.Count - 5} more)" : "."), relative, analysis.RefusedReferences);
        }

        if (analysis.Errors.Count > 0)
        {
            var details = analysis.Errors.Select(e => e.ToString()).ToList();
            throw new DriverPackageRefusedException(ErrorIds.DriverInfInvalid, ErrorKind.InvalidData, $"'{relative}' has {details.Count} error(s) that make Windows refuse it: {string.Join("; ", details.Take(3))}" + (details.Count > 3 ? " ..." : string.Empty), relative, details);
        }

        if (analysis.Record.Architectures.Count == 0)
        {
            throw new DriverPackageRefusedException(ErrorIds.DriverInfInvalid, ErrorKind.InvalidArgument, $"'{relative}' has models for {string.Join(", ", analysis.DeclaredArchitectures.Select(DriverPlatform.ArchitectureName))}, none of the requested architectures.", relative, Array.Empty<string>());
        }

        if (analysis.MissingFiles.Count > 0)
        {
            var hint = analysis.Record.Architectures.Count > 1 ? " If the pack ships only some architectures, import those with -Architecture (--architecture)." : string.Empty;
            throw new DriverPackageRefusedException(ErrorIds.DriverPackageFilesMissing, ErrorKind.ObjectNotFound, $"'{relative}' names {analysis.MissingFiles.Count} file(s) the package does not hold: {string.Join(", ", analysis.MissingFiles)}.{hint}", relative, analysis.MissingFiles);
        }

        var record = analysis.Record;
        var hosts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, host) in analysis.Files)
        {
            context.ThrowIfCancelled();
            var hash = hashes.GetOrAdd(host, h => DriverObjectStore.Hash(h, context.Cancellation));

            record.Files.Add(new DriverFileRecord { Path = path, Sha256 = hash.Sha, SizeBytes = hash.Size });
            hosts[path] = host;
        }

        record.Id = ComputeId(record);
        record.Groups = groups.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        record.ImportedUtc = _library.Clock.UtcNow;
        record.Source = source;
        record.SourceInfPath = relative;
        var size = Encoding.UTF8.GetByteCount(JsonConventions.Serialize(record));
        if (size > RecordStore.MaxRecordBytes)
        {
            throw new DriverPackageRefusedException(ErrorIds.DriverPackageTooLarge, ErrorKind.LimitsExceeded, string.Format(CultureInfo.InvariantCulture, "'{0}' describes {1} bytes of models and files, more than a package record may hold ({2}).", relative, size, RecordStore.MaxRecordBytes), relative, Array.Empty<string>());
        }

        return (record, hosts);
    }

    private static string ComputeId(DriverPackageRecord record)
    {
        var text = new StringBuilder(record.InfPath.ToLowerInvariant()).Append('\n');
        foreach (var file in record.Files.OrderBy(f => f.Path.ToLowerInvariant(), StringComparer.Ordinal))
        {
            text.Append(file.Path.ToLowerInvariant()).Append('\0').Append(file.Sha256).Append('\n');
        }

        using var sha = SHA256.Create();
        return DriverObjectStore.Hex(sha.ComputeHash(Encoding.UTF8.GetBytes(text.ToString()))).Substring(0, IdLength);
    }

    private (int Deleted, long Freed) CollectGarbage(IEnumerable<DriverPackageRecord> remaining, Lease lease, OperationContext context)
    {
        var referenced = new HashSet<string>(remaining.SelectMany(r => r.Files).Select(f => f.Sha256), StringComparer.Ordinal);
        var deleted = 0;
        long freed = 0;
        foreach (var (sha, path) in Objects.Enumerate().ToList())
        {
            if (referenced.Contains(sha))
            {
                continue;
            }

            long length;
            try
            {
                length = new FileInfo(path).Length;
                lease.EnsureHeld();
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                context.Log.Warning($"Could not delete unused stored file '{path}': {ex.Message}");
                continue;
            }

            deleted++;
            freed += length;
        }

        Objects.SweepTemp(context.Log);
        if (deleted > 0)
        {
            context.Log.Verbose($"Deleted {deleted} stored file(s) no package uses ({freed} bytes).");
        }

        return (deleted, freed);
    }

    private static IEnumerable<DriverPackageRecord> Filter(IEnumerable<DriverPackageRecord> records, DriverPackageQuery query)
    {
        var names = query.Names?.Where(n => !string.IsNullOrEmpty(n)).Select(n => new Wildcard(n)).ToList();
        var cls = query.Class is null ? null : new Wildcard(query.Class);
        var provider = query.Provider is null ? null : new Wildcard(query.Provider);
        var hardware = query.HardwareId is null ? null : new Wildcard(query.HardwareId);
        var group = query.Group is null ? null : new Wildcard(query.Group);
        var platform = query.OSVersion is null ? null : DriverPlatform.Of(query.Architecture, query.OSVersion).ToInf();
        foreach (var record in records)
        {
            if ((names is { Count: > 0 } && !names.Any(n => n.IsMatch(record.InfName)))
                || (cls is not null && !cls.IsMatch(record.Class ?? string.Empty))
                || (provider is not null && !provider.IsMatch(record.Provider ?? string.Empty))
                || (group is not null && !record.Groups.Any(group.IsMatch))
                || (query.Architecture is { } arch && !record.Architectures.Contains(arch)))
            {
                continue;
            }

            if (hardware is not null && !record.ModelsSections.SelectMany(s => s.Models).Any(m => (m.HardwareId is not null && hardware.IsMatch(m.HardwareId)) || m.CompatibleIds.Any(hardware.IsMatch)))
            {
                continue;
            }

            if (platform is not null && record.Manufacturers.Count > 0 && DriverSectionSelector.Selected(record, platform).Count == 0)
            {
                continue;
            }

            yield return record;
        }
    }

    private DriverPackageRecord ReadRecord(string id, List<DriverPackageRecord> records)
    {
        var hits = MatchId(records, id ?? string.Empty);
        var exact = hits.FirstOrDefault(h => string.Equals(h.Id, id, StringComparison.OrdinalIgnoreCase));
        if (exact is not null)
        {
            return exact;
        }

        return hits.Count switch
        {
            0 => throw NotFound(id ?? string.Empty),
            1 => hits[0],
            _ => throw Ambiguous(id!, hits),
        };
    }

    private static List<DriverPackageRecord> MatchId(List<DriverPackageRecord> records, string pattern)
    {
        if (Wildcard.ContainsWildcard(pattern))
        {
            var wildcard = new Wildcard(pattern);
            return records.Where(r => wildcard.IsMatch(r.Id)).ToList();
        }

        if (pattern.Length < MinimumIdPrefix)
        {
            return records.Where(r => string.Equals(r.Id, pattern, StringComparison.OrdinalIgnoreCase)).ToList();
        }

        return records.Where(r => r.Id.StartsWith(pattern, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    private ObjectNotFoundException NotFound(string id)
        => new(ErrorIds.DriverPackageNotFound, $"No driver package with id '{id}' is in the library '{_library.RootPath}'.", id);

    private static InvalidRequestException Ambiguous(string id, List<DriverPackageRecord> hits)
        => new(ErrorIds.DriverPackageIdAmbiguous, $"'{id}' is the start of {hits.Count} package ids ({string.Join(", ", hits.Take(5).Select(h => h.Id))}); give more digits.", id);

    private string RecordPath(string id) => Path.Combine(PackagesFolder, id + ".json");
}
