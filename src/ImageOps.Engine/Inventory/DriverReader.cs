using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Inf;
using ImageOps.Formats.Ntfs;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Inventory;

/// <summary>
/// The drivers of one offline Windows installation. Windows 8 and later: every published INF in
/// <c>DriverDatabase\DriverInfFiles</c>, its active package in <c>DriverPackages</c> (provider, and the
/// 48-byte Version value: class, DriverVer date and version), its hardware IDs (<c>Descriptors</c>) and
/// services (<c>Configurations</c>); the INF in the driver store fills what the database lacks; store
/// folders the database does not name are listed as staged. Before Windows 8: the INFs in
/// <c>Windows\INF</c>, the services they add and the CriticalDeviceDatabase.
/// </summary>
internal sealed class DriverReader
{
    /// <summary>Deepest key path under a package's Descriptors (hardware IDs have one or two backslashes).</summary>
    private const int MaxDescriptorDepth = 6;

    /// <summary>Most hardware IDs kept per package.</summary>
    private const int MaxHardwareIds = 20_000;

    private readonly NtfsVolume _volume;
    private readonly RegistryHive _system;
    private readonly RegistryKey? _controlSet;
    private readonly WindowsInstallation _installation;
    private readonly HiveValues _values;
    private readonly InventoryProblems _problems;
    private readonly int _partition;
    private readonly OperationContext _context;
    private Dictionary<string, NtfsEntry>? _storeFolders;

    public DriverReader(NtfsVolume volume, RegistryHive system, RegistryKey? controlSet, WindowsInstallation installation, HiveValues values, InventoryProblems problems, int partition, OperationContext context)
    {
        _volume = volume;
        _system = system;
        _controlSet = controlSet;
        _installation = installation;
        _values = values;
        _problems = problems;
        _partition = partition;
        _context = context;
    }

    public InstalledDriver[] FromDriverDatabase()
    {
        var db = _values.Key(_system, WindowsPaths.DriverDatabase);
        var packages = _values.Subkey(db, "DriverPackages");
        var infFiles = _values.Subkeys(_values.Subkey(db, "DriverInfFiles"));
        var drivers = new List<InstalledDriver>();
        var active = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < infFiles.Count; i++)
        {
            _context.ThrowIfCancelled();
            var infKey = infFiles[i];
            _context.Report("Reading drivers", "Driver database", i, infFiles.Count, infKey.Name);
            var label = _values.String(infKey, "Active") ?? _values.MultiString(infKey, string.Empty)?.LastOrDefault(l => l.Length > 0);
            if (label is null)
            {
                // An INF with no active package is not installed (Windows keeps the key after removal).
                continue;
            }

            active.Add(label);
            var driver = new InstalledDriver
            {
                PublishedName = infKey.Name,
                OriginalName = OriginalName(label),
                Origin = IsPublishedOem(infKey.Name) ? DriverOrigin.ThirdParty : DriverOrigin.Inbox,
                Source = DriverSource.DriverDatabase,
                DriverStoreFolder = label,
            };
            var services = new List<string>();
            var package = _values.Subkey(packages, label);
            if (package is null)
            {
                _problems.Add(ProblemSeverity.Warning, "DriverPackageMissing", $"{infKey.Name} names the package {label} as active, but DriverDatabase\\DriverPackages has no such key (partition {_partition}).", _partition, infKey.Path);
            }
            else
            {
                driver.Provider = _values.String(package, "Provider");
                if (_values.Binary(package, "Version") is { } raw && DriverDatabaseVersion.TryDecode(raw) is { } version)
                {
                    driver.ClassGuid = version.ClassGuid == Guid.Empty ? null : version.ClassGuid;
                    driver.Date = version.Date?.Date;
                    driver.Version = version.Version?.ToString();
                }

                driver.HardwareIds = Descriptors(_values.Subkey(package, "Descriptors"));
                foreach (var configuration in _values.Subkeys(_values.Subkey(package, "Configurations")))
                {
                    if (_values.String(configuration, "Service") is { Length: > 0 } service)
                    {
                        services.Add(service);
                    }
                }
            }

            if (driver.Provider is null || driver.Version is null || driver.ClassGuid is null || driver.HardwareIds.Length == 0)
            {
                if (StoreFolder(label) is { } folder)
                {
                    FillFromStore(driver, folder, services, onlyMissing: true);
                }
            }

            Finish(driver, services, criticalServices: null);
            drivers.Add(driver);
        }

        foreach (var staged in StoreFolders().Where(f => !active.Contains(f.Key)).OrderBy(f => f.Key, StringComparer.OrdinalIgnoreCase))
        {
            _context.ThrowIfCancelled();
            var driver = new InstalledDriver
            {
                OriginalName = OriginalName(staged.Key),
                Source = DriverSource.DriverStore,
                DriverStoreFolder = staged.Key,
            };
            driver.PublishedName = driver.OriginalName;
            var services = new List<string>();
            FillFromStore(driver, staged.Value, services, onlyMissing: false);
            driver.Origin = IsMicrosoft(driver.Provider) ? DriverOrigin.Inbox : DriverOrigin.ThirdParty;
            Finish(driver, services, criticalServices: null);
            drivers.Add(driver);
        }

        return drivers.ToArray();
    }

    public InstalledDriver[] FromInfFolder()
    {
        var folder = Guard(() => _volume.TryGetEntry(WindowsPaths.InfFolder), WindowsPaths.InfFolder);
        if (folder is null || !folder.IsDirectory)
        {
            _problems.Add(ProblemSeverity.Warning, "InfFolderMissing", $"The Windows installation on partition {_partition} has no DriverDatabase and no {WindowsPaths.InfFolder} folder; no drivers were listed.", _partition, WindowsPaths.InfFolder);
            return Array.Empty<InstalledDriver>();
        }

        var critical = CriticalServices();
        var infs = Guard(() => _volume.ListDirectory(folder), WindowsPaths.InfFolder) ?? (IReadOnlyList<NtfsEntry>)Array.Empty<NtfsEntry>();
        infs = infs.Where(e => !e.IsDirectory && e.Name.EndsWith(".inf", StringComparison.OrdinalIgnoreCase)).ToList();
        ILookup<long, (string Folder, NtfsEntry Inf)>? storeInfs = null;
        var drivers = new List<InstalledDriver>();
        for (var i = 0; i < infs.Count; i++)
        {
            _context.ThrowIfCancelled();
            var inf = infs[i];
            _context.Report("Reading drivers", "INF folder", i, infs.Count, inf.Name);
            var driver = new InstalledDriver
            {
                PublishedName = inf.Name,
                OriginalName = inf.Name,
                Origin = IsPublishedOem(inf.Name) ? DriverOrigin.ThirdParty : DriverOrigin.Inbox,
                Source = DriverSource.InfFolder,
            };
            var services = new List<string>();
            var bytes = ReadInf(inf);
            if (bytes is not null)
            {
                if (driver.Origin == DriverOrigin.ThirdParty)
                {
                    // Before Windows 8 nothing in the registry maps oemN.inf to its original name; the driver
                    // store holds the same INF, byte for byte, under it.
                    storeInfs ??= StoreInfsByLength();
                    foreach (var (storeFolder, storeInf) in storeInfs[inf.Length])
                    {
                        if (ReadInf(storeInf) is { } candidate && candidate.AsSpan().SequenceEqual(bytes))
                        {
                            driver.OriginalName = storeInf.Name;
                            driver.DriverStoreFolder = storeFolder;
                            break;
                        }
                    }
                }

                Fill(driver, bytes, inf.FullPath, services, onlyMissing: false);
            }

            Finish(driver, services, critical);
            drivers.Add(driver);
        }

        return drivers.ToArray();
    }

    /// <summary>The INF's original name from its store folder name: <c>netkvm.inf_amd64_0123456789abcdef</c> → <c>netkvm.inf</c>.</summary>
    internal static string OriginalName(string label)
    {
        var last = label.LastIndexOf('_');
        var arch = last > 0 ? label.LastIndexOf('_', last - 1) : -1;
        if (arch > 0)
        {
            return label.Substring(0, arch);
        }

        var inf = label.IndexOf(".inf", StringComparison.OrdinalIgnoreCase);
        return inf > 0 ? label.Substring(0, inf + 4) : label;
    }

    /// <summary>True for the names Windows publishes third-party INFs under: <c>oem&lt;number&gt;.inf</c>.</summary>
    internal static bool IsPublishedOem(string name)
        => name.Length > 7 && name.StartsWith("oem", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".inf", StringComparison.OrdinalIgnoreCase)
           && name.Substring(3, name.Length - 7).All(c => c >= '0' && c <= '9');

    private static bool IsMicrosoft(string? provider)
        => provider is not null && provider.StartsWith("Microsoft", StringComparison.OrdinalIgnoreCase);

    /// <summary>The hardware IDs a package's Descriptors key lists: the paths of its keys that hold values.</summary>
    private string[] Descriptors(RegistryKey? descriptors)
    {
        var ids = new List<string>();
        void Walk(RegistryKey key, string prefix, int depth)
        {
            foreach (var child in _values.Subkeys(key))
            {
                if (ids.Count >= MaxHardwareIds)
                {
                    return;
                }

                var id = prefix.Length == 0 ? child.Name : prefix + "\\" + child.Name;
                if (_values.HasValues(child))
                {
                    ids.Add(id);
                }

                if (depth < MaxDescriptorDepth)
                {
                    Walk(child, id, depth + 1);
                }
            }
        }

        if (descriptors is not null)
        {
            Walk(descriptors, string.Empty, 1);
        }

        return ids.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    private void FillFromStore(InstalledDriver driver, NtfsEntry folder, List<string> services, bool onlyMissing)
    {
        var entries = Guard(() => _volume.ListDirectory(folder), folder.FullPath);
        var infs = entries?.Where(e => !e.IsDirectory && e.Name.EndsWith(".inf", StringComparison.OrdinalIgnoreCase)).ToList();
        var inf = infs?.FirstOrDefault(e => string.Equals(e.Name, driver.OriginalName, StringComparison.OrdinalIgnoreCase)) ?? (infs?.Count == 1 ? infs[0] : null);
        if (inf is null)
        {
            _problems.Add(ProblemSeverity.Warning, "DriverInfMissing", $"The driver store folder {folder.Name} on partition {_partition} holds no INF named {driver.OriginalName}.", _partition, folder.FullPath);
            return;
        }

        if (!onlyMissing || driver.OriginalName.Length == 0)
        {
            driver.OriginalName = inf.Name;
        }

        if (ReadInf(inf) is { } bytes)
        {
            Fill(driver, bytes, inf.FullPath, services, onlyMissing);
        }
    }

    /// <summary>Takes provider, class, DriverVer, hardware IDs and services from an INF (where the driver lacks them, with <paramref name="onlyMissing"/>).</summary>
    private void Fill(InstalledDriver driver, byte[] bytes, string path, List<string> services, bool onlyMissing)
    {
        InfDocument document;
        try
        {
            document = InfParser.Parse(bytes, path, cancellation: _context.Cancellation);
        }
        catch (ImageOpsException ex)
        {
            _problems.Add(ProblemSeverity.Warning, "DriverInfUnreadable", $"{path} on partition {_partition} cannot be parsed: {ex.Message}", _partition, path);
            return;
        }

        var version = document.Version;
        if (!onlyMissing || driver.Provider is null)
        {
            driver.Provider = version.Provider;
        }

        if (!onlyMissing || driver.ClassGuid is null)
        {
            driver.ClassGuid = version.ClassGuid ?? driver.ClassGuid;
        }

        if (!onlyMissing || driver.ClassName is null)
        {
            driver.ClassName = version.Class ?? driver.ClassName;
        }

        if (version.DriverVersion is { IsValid: true } driverVer && (!onlyMissing || driver.Version is null))
        {
            driver.Date = driverVer.Date?.Date;
            driver.Version = driverVer.Version?.ToString();
        }

        var platform = Platform(document);
        if (platform is null)
        {
            return;
        }

        if (!onlyMissing || driver.HardwareIds.Length == 0)
        {
            driver.HardwareIds = document.Manufacturers
                .Select(m => m.SelectModelsSection(platform))
                .Where(s => s is not null)
                .SelectMany(s => document.GetModels(s!))
                .SelectMany(m => (m.HardwareId is null ? Enumerable.Empty<string>() : new[] { m.HardwareId }).Concat(m.CompatibleIds))
                .Where(id => id.Length > 0)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Take(MaxHardwareIds)
                .ToArray();
        }

        if (services.Count == 0)
        {
            try
            {
                services.AddRange(document.Resolve(platform).Services.Where(s => !s.IsNullDriver).Select(s => s.Name));
            }
            catch (ImageOpsException ex)
            {
                _problems.Add(ProblemSeverity.Warning, "DriverInfUnreadable", $"{path} on partition {_partition} cannot be evaluated: {ex.Message}", _partition, path);
            }
        }
    }

    /// <summary>The platform to evaluate INFs for: the installation's, or the first architecture the INF has models for when that is unknown.</summary>
    private InfTargetPlatform? Platform(InfDocument document)
    {
        var parts = (_installation.Version ?? "10.0").Split('.');
        var major = parts.Length > 0 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 10;
        var minor = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var build = _installation.BuildNumber ?? 0;
        var type = string.Equals(_installation.InstallationType, "Client", StringComparison.OrdinalIgnoreCase) || _installation.InstallationType is null
            ? InfTargetPlatform.ProductTypeWorkstation
            : InfTargetPlatform.ProductTypeServer;
        var architecture = _installation.ToInfArchitecture();
        if (architecture != InfArchitecture.Unspecified)
        {
            return new InfTargetPlatform(architecture, major, minor, build, type);
        }

        foreach (var candidate in new[] { InfArchitecture.Amd64, InfArchitecture.X86, InfArchitecture.Arm64 })
        {
            var platform = new InfTargetPlatform(candidate, major, minor, build, type);
            if (document.Manufacturers.Any(mf => mf.SelectModelsSection(platform) is not null))
            {
                return platform;
            }
        }

        return null;
    }

    /// <summary>Class name from the control set's Class key; services kept when they exist; boot-critical from their start type.</summary>
    private void Finish(InstalledDriver driver, List<string> services, HashSet<string>? criticalServices)
    {
        if (driver.ClassGuid is { } guid && _controlSet is not null)
        {
            var name = _values.String(_values.Subkey(_controlSet, @"Control\Class\{" + guid.ToString("D", CultureInfo.InvariantCulture) + "}"), "Class");
            if (!string.IsNullOrEmpty(name))
            {
                driver.ClassName = name;
            }
        }

        var present = new List<string>();
        foreach (var service in services.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var key = _values.Subkey(_controlSet, @"Services\" + service);
            if (key is null)
            {
                continue;
            }

            present.Add(service);
            if (_values.DWord(key, "Start") == 0 || (criticalServices?.Contains(service) ?? false))
            {
                driver.BootCritical = true;
            }
        }

        driver.Services = present.ToArray();
    }

    /// <summary>Services the CriticalDeviceDatabase names (before Windows 8: the boot-critical devices' drivers).</summary>
    private HashSet<string> CriticalServices()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var device in _values.Subkeys(_values.Subkey(_controlSet, @"Control\CriticalDeviceDatabase")))
        {
            if (_values.String(device, "Service") is { Length: > 0 } service)
            {
                names.Add(service);
            }
        }

        return names;
    }

    private NtfsEntry? StoreFolder(string label) => StoreFolders().TryGetValue(label, out var folder) ? folder : null;

    /// <summary>The driver store's package folders, by name.</summary>
    private Dictionary<string, NtfsEntry> StoreFolders()
    {
        if (_storeFolders is null)
        {
            _storeFolders = new Dictionary<string, NtfsEntry>(StringComparer.OrdinalIgnoreCase);
            var store = Guard(() => _volume.TryGetEntry(WindowsPaths.DriverStore), WindowsPaths.DriverStore);
            if (store is { IsDirectory: true })
            {
                foreach (var entry in Guard(() => _volume.ListDirectory(store), WindowsPaths.DriverStore) ?? Array.Empty<NtfsEntry>())
                {
                    if (entry.IsDirectory)
                    {
                        _storeFolders[entry.Name] = entry;
                    }
                }
            }
        }

        return _storeFolders;
    }

    private ILookup<long, (string Folder, NtfsEntry Inf)> StoreInfsByLength()
    {
        var infs = new List<(string, NtfsEntry)>();
        foreach (var folder in StoreFolders().Values)
        {
            _context.ThrowIfCancelled();
            foreach (var entry in Guard(() => _volume.ListDirectory(folder), folder.FullPath) ?? Array.Empty<NtfsEntry>())
            {
                if (!entry.IsDirectory && entry.Name.EndsWith(".inf", StringComparison.OrdinalIgnoreCase))
                {
                    infs.Add((folder.Name, entry));
                }
            }
        }

        return infs.ToLookup(i => i.Item2.Length);
    }

    private byte[]? ReadInf(NtfsEntry inf)
    {
        if (inf.Length > InfParseLimits.Default.MaxFileSizeBytes)
        {
            _problems.Add(ProblemSeverity.Warning, "DriverInfUnreadable", $"{inf.FullPath} on partition {_partition} holds {inf.Length} bytes, more than an INF may; it was skipped.", _partition, inf.FullPath);
            return null;
        }

        return Guard(() => _volume.ReadAllBytes(inf), inf.FullPath);
    }

    private T? Guard<T>(Func<T?> read, string path)
        where T : class
    {
        try
        {
            return read();
        }
        catch (ImageOpsException ex)
        {
            _problems.Add(ProblemSeverity.Warning, "VolumeReadFailed", $"{path} on partition {_partition} cannot be read: {ex.Message}", _partition, path);
            return null;
        }
    }
}
