using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.WindowsImages;
using ImageOps.Formats.Inf;
using ImageOps.Formats.Registry;

namespace ImageOps.Engine.Injection;

/// <summary>
/// Builds an <see cref="InjectionPlan"/> from the image as it is (read-only) and the packages: the
/// pre-flight checks, the staged files, the registry edits per hive (one <see cref="RegistryEditPlan"/>
/// each) and the first-boot installer. What is written follows injection-facts.md; the choices are
/// explained where they are made.
/// </summary>
internal sealed class InjectionPlanner
{
    private const string SystemHiveName = "SYSTEM";
    private const string SoftwareHiveName = "SOFTWARE";
    private const int MaxHardwareIdsPerStub = 1024;

    private readonly OfflineWindows _windows;
    private readonly InjectionPlan _plan;
    private readonly List<InjectionFinding> _findings;
    private readonly List<PlannedFile> _files = new();
    private readonly List<PlannedRegistryEdit> _edits = new();
    private readonly InjectionManifest _manifest;
    private readonly DateTimeOffset _now;

    public InjectionPlanner(OfflineWindows windows, InjectionPlan plan, List<InjectionFinding> findings, DateTimeOffset now)
    {
        _windows = windows;
        _plan = plan;
        _findings = findings;
        _now = now;
        _manifest = InjectionManifest.Parse(windows.TryRead(InjectionLayout.ManifestPath), "the image");
    }

    public InjectionManifest Manifest => _manifest;

    private WindowsImageFacts Facts => _windows.Facts;

    private string ControlSet => Facts.ControlSet;

    /// <summary>The image's platform as the INF reader and the driver library see it.</summary>
    public static DriverPlatform PlatformOf(WindowsImageFacts facts)
    {
        var architecture = ArchitectureOf(facts.Architecture) ?? throw new InvalidStateException("WindowsArchitectureUnknown", $"The image's PROCESSOR_ARCHITECTURE is '{facts.Architecture}', not AMD64, x86 or ARM64.", facts.Architecture);
        var product = string.Equals(facts.InstallationType, "Server", StringComparison.OrdinalIgnoreCase) || facts.InstallationType.StartsWith("Server ", StringComparison.OrdinalIgnoreCase) ? DriverProductType.Server : DriverProductType.Workstation;
        return new DriverPlatform(architecture, new Version(facts.Version.Major, Math.Max(0, facts.Version.Minor), Math.Max(0, facts.Version.Build)), product);
    }

    public static InfArchitecture? ArchitectureOf(string processorArchitecture) => processorArchitecture.ToUpperInvariant() switch
    {
        "AMD64" => InfArchitecture.Amd64,
        "X86" => InfArchitecture.X86,
        "ARM64" => InfArchitecture.Arm64,
        _ => null,
    };

    public static string StoreArchitecture(InfArchitecture architecture) => architecture switch
    {
        InfArchitecture.X86 => "x86",
        InfArchitecture.Arm64 => "arm64",
        _ => "amd64",
    };

    /// <summary>Plans adding the candidates.</summary>
    public void PlanAdd(List<PackageCandidate> candidates, DriverInjectionRequest request, OperationContext context)
    {
        PreFlight(request.Force, scripted: _plan.Method != InjectionMethod.Dism);
        var platform = PlatformOf(Facts);
        var analysed = new List<AnalysedPackage>();
        foreach (var candidate in candidates)
        {
            context.ThrowIfCancelled();
            var package = Analyse(candidate, platform, request.ForceUnsigned);
            if (package is not null)
            {
                analysed.Add(package);
            }
        }

        analysed = Deduplicate(analysed);
        foreach (var package in analysed)
        {
            package.Planned.HostFiles.AddRange(package.Files.Select(f => (f.Relative, f.Host)));
        }

        if (_plan.Method == InjectionMethod.Dism)
        {
            PlanDism(analysed);
            return;
        }

        if (analysed.Count == 0 && _findings.All(f => f.Severity != InjectionSeverity.Blocking))
        {
            _findings.Add(new InjectionFinding(InjectionErrorIds.NoDriverPackages, InjectionSeverity.Blocking, "No driver package applies to this image: give INFs, folders, package ids, a profile or a model whose driver set is not empty."));
        }

        var system = new RegistryEditPlan();
        var staged = new List<PlannedPackage>();
        foreach (var package in analysed)
        {
            if (_manifest.Packages.Any(p => string.Equals(p.Id, package.Planned.Id, StringComparison.OrdinalIgnoreCase)))
            {
                _findings.Add(new InjectionFinding("DriverPackageAlreadyStaged", InjectionSeverity.Info, $"{package.Planned.Name} [{package.Planned.Id}] is already staged in the image; it is left as it is.", package.Planned.Name));
                continue;
            }

            StagePackage(package);
            staged.Add(package.Planned);
            if (package.Planned.BootStub is { } stub)
            {
                PlanBootStub(system, stub, package);
            }
        }

        _plan.Packages = staged.ToArray();
        FinishCommon(system, request.Force);
    }

    /// <summary>
    /// DISM imports the packages into the real driver store and reflects boot-critical drivers itself:
    /// the plan is the packages (from this host's files) and the ImageOps manifest, nothing else.
    /// </summary>
    private void PlanDism(List<AnalysedPackage> analysed)
    {
        foreach (var package in analysed)
        {
            package.Planned.Folder = "(driver store, imported by DISM)";
            package.Planned.BootStub = null;
            _manifest.Packages.Add(new ManifestPackage { Name = package.Planned.Name, Id = package.Planned.Id, Folder = "dism_" + package.Planned.Id, InfPath = package.Planned.InfPath, Provider = package.Planned.Provider, Class = package.Planned.Class, Version = package.Planned.Version, Source = package.Planned.Source + " (imported into the driver store by DISM)", StagedUtc = _now });
        }

        _findings.Add(new InjectionFinding("DismImport", InjectionSeverity.Info, "The packages are imported into the image's driver store by the DISM API, which also reflects boot-critical drivers; no registry stubs, DevicePath entry or first-boot installer are written. Not yet exercised on Windows.", _plan.DestinationPath));
        _plan.Packages = analysed.Select(p => p.Planned).ToArray();
        AddGenerated(InjectionLayout.ManifestPath, _manifest.ToBytes(), "ImageOps manifest");
        _plan.Files = _files.ToArray();
        _plan.RegistryEdits = Array.Empty<PlannedRegistryEdit>();
        _plan.FirstBoot = null;
        _plan.Findings = _findings.ToArray();
    }

    /// <summary>Plans removing the staged packages that <paramref name="selectors"/> name.</summary>
    public void PlanRemove(IReadOnlyList<string> selectors)
    {
        PreFlight(force: true);
        var chosen = _manifest.Packages.Where(p => selectors.Any(s => Matches(p, s))).ToList();
        foreach (var imported in chosen.Where(p => p.Folder.StartsWith("dism_", StringComparison.Ordinal)).ToList())
        {
            _findings.Add(new InjectionFinding("ImageDriverInDriverStore", InjectionSeverity.Blocking, $"{imported.Name} was imported into the driver store by DISM, not staged; remove it with DISM (Remove-WindowsDriver) on Windows.", imported.Name));
            chosen.Remove(imported);
        }

        foreach (var selector in selectors.Where(s => !_manifest.Packages.Any(p => Matches(p, s))))
        {
            _findings.Add(new InjectionFinding(InjectionErrorIds.ImageDriverNotFound, InjectionSeverity.Blocking, $"No package ImageOps staged in this image matches '{selector}' (Get-ImageDriver lists them; in-box and installed drivers are not removed offline).", selector));
        }

        var system = new RegistryEditPlan();
        var removed = new List<PlannedPackage>();
        foreach (var package in chosen)
        {
            var folder = InjectionLayout.DriversFolder + "\\" + package.Folder;
            foreach (var file in package.Files)
            {
                AddFile(new PlannedFile { Action = PlannedFileAction.Delete, Path = folder + "\\" + file.Path, Source = "staged " + package.Name });
            }

            foreach (var directory in package.Files.Select(f => Path.GetDirectoryName(f.Path.Replace('\\', '/'))!.Replace('/', '\\')).Where(d => d.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(d => d.Length))
            {
                AddFile(new PlannedFile { Action = PlannedFileAction.DeleteDirectory, Path = folder + "\\" + directory, Source = "staged " + package.Name });
            }

            AddFile(new PlannedFile { Action = PlannedFileAction.DeleteDirectory, Path = folder, Source = "staged " + package.Name });
            if (package.BootStub is { } stub)
            {
                RemoveBootStub(system, stub, package);
            }

            _manifest.Packages.Remove(package);
            removed.Add(new PlannedPackage
            {
                Name = package.Name,
                Id = package.Id,
                Folder = folder,
                InfPath = package.InfPath,
                Source = package.Source,
                Provider = package.Provider,
                Class = package.Class,
                Version = package.Version,
                BootStub = package.BootStub,
                Reason = "removed",
                FileCount = package.Files.Count,
                SizeBytes = package.Files.Sum(f => f.SizeBytes),
            });
        }

        _plan.Packages = removed.ToArray();
        FinishCommon(system, force: true);
    }

    private static bool Matches(ManifestPackage package, string selector)
        => new Text.Wildcard(selector).IsMatch(package.Folder) || new Text.Wildcard(selector).IsMatch(package.Name)
           || package.Id.StartsWith(selector, StringComparison.OrdinalIgnoreCase) && selector.Length >= 4;

    private void PreFlight(bool force, bool scripted = true)
    {
        if (_windows.Volume.IsDirty)
        {
            _findings.Add(new InjectionFinding("NtfsVolumeUnclean", InjectionSeverity.Blocking, "The Windows volume was not shut down cleanly (hibernation, Fast Startup or a crash); writing it could lose Windows' pending changes. Boot it and shut it down fully (shutdown /s /t 0), then try again.", "Windows volume"));
        }

        foreach (var hive in new[] { _windows.System, _windows.Software })
        {
            if (hive.Hive is null)
            {
                _findings.Add(new InjectionFinding("HiveDirty", InjectionSeverity.Blocking, $"The {hive.Name} hive is {hive.Describe()} (a write was interrupted, or it is damaged) and its logs do not bring it up to date; it is not edited blindly. Boot the image once so Windows recovers it.", hive.Path));
            }
            else if (hive.WasDirty)
            {
                _findings.Add(new InjectionFinding("HiveReplayed", InjectionSeverity.Warning, $"The {hive.Name} hive was dirty; its transaction logs ({string.Join(", ", hive.LogPaths)}) were replayed in memory as Windows would. If it is edited, the written hive includes them and the logs are removed from the result.", hive.Path));
            }
        }

        var system = _windows.System.Readable ?? RegistryHive.Create();
        var software = _windows.Software.Readable ?? RegistryHive.Create();
        var markers = new List<string>();
        foreach (var key in new[] { @"Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired", @"Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending" })
        {
            if (software.GetKey(key) is not null)
            {
                markers.Add(@"HKLM\SOFTWARE\" + key);
            }
        }

        if (system.GetKey(ControlSet + @"\Control\Session Manager")?.GetValue("PendingFileRenameOperations") is { DataLength: > 4 })
        {
            markers.Add(@"HKLM\SYSTEM\CurrentControlSet\Control\Session Manager [PendingFileRenameOperations]");
        }

        if (markers.Count > 0)
        {
            _findings.Add(new InjectionFinding("PendingReboot", InjectionSeverity.Warning, $"Windows in the image has a pending reboot ({string.Join("; ", markers)}). The first-boot installer waits for it without counting an attempt, at most {FirstBootScript.MaxDeferrals} boot(s), then installs anyway.", markers[0]));
        }

        var restrictions = software.GetKey(@"Policies\Microsoft\Windows\DeviceInstall\Restrictions");
        if (restrictions is not null && (OfflineWindows.Number(restrictions, "DenyUnspecified") == 1 || OfflineWindows.Number(restrictions, "DenyDeviceClasses") == 1 || OfflineWindows.Number(restrictions, "DenyDeviceIDs") == 1))
        {
            _findings.Add(new InjectionFinding("DeviceInstallRestricted", InjectionSeverity.Warning, @"Group Policy in the image restricts device installation (HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceInstall\Restrictions): pnputil may be refused at first boot, and a storage controller that is not allowed ends in 0x7B INACCESSIBLE_BOOT_DEVICE. Check the policy allows the injected devices.", "DeviceInstall policy"));
        }

        var policy = Facts.ExecutionPolicy;
        if (!scripted)
        {
            return;
        }

        if (policy.EndsWith("(Group Policy)", StringComparison.Ordinal) && (policy.StartsWith("AllSigned", StringComparison.OrdinalIgnoreCase) || policy.StartsWith("Restricted", StringComparison.OrdinalIgnoreCase)))
        {
            _findings.Add(force
                ? new InjectionFinding("ExecutionPolicyAllSigned", InjectionSeverity.Warning, $"Group Policy sets the PowerShell execution policy to {policy}; as asked (-Force), the first-boot service starts the unsigned installer from a script block, which that policy does not govern.", "execution policy")
                : new InjectionFinding("ExecutionPolicyAllSigned", InjectionSeverity.Blocking, $"Group Policy in the image sets the PowerShell execution policy to {policy}, which wins over -ExecutionPolicy Bypass: the unsigned first-boot installer would be refused and the boot stubs never cleaned up. Use -Force (--force) to start it from a script block, which that policy does not govern, or change the policy.", "execution policy"));
        }
        else if (policy.StartsWith("AllSigned", StringComparison.OrdinalIgnoreCase) || policy.StartsWith("Restricted", StringComparison.OrdinalIgnoreCase))
        {
            _findings.Add(new InjectionFinding("ExecutionPolicyOverridden", InjectionSeverity.Info, $"The image's execution policy is {policy}; the service starts the installer with -ExecutionPolicy Bypass, whose Process scope wins over the LocalMachine scope.", "execution policy"));
        }
    }

    private AnalysedPackage? Analyse(PackageCandidate candidate, DriverPlatform platform, bool forceUnsigned)
    {
        var architecture = platform.Architecture;
        InfPackage package;
        try
        {
            package = InfPackage.Open(candidate.Source, candidate.InfPath);
        }
        catch (ImageOpsException ex)
        {
            return Refuse(candidate, "DriverInfInvalid", $"{candidate.Description} cannot be read: {ex.Message}");
        }

        var document = package.Document;
        if (document.HasErrors || !document.Version.IsSignatureValid)
        {
            return Refuse(candidate, "DriverInfInvalid", $"{candidate.Description} has errors Windows would refuse it for ({string.Join("; ", document.Diagnostics.Where(d => d.Severity == InfDiagnosticSeverity.Error).Take(3).Select(d => d.Message))}).");
        }

        var resolution = package.Resolve(platform.ToInf());
        if (document.Manufacturers.Count > 0 && resolution.Devices.Count == 0)
        {
            if (document.Architectures.Count > 0 && !document.Architectures.Contains(architecture))
            {
                return Refuse(candidate, "DriverArchitectureMismatch", $"{candidate.Description} is for {string.Join(", ", document.Architectures.Select(DriverPlatform.ArchitectureName))}, not {DriverPlatform.ArchitectureName(architecture)} like the image ({Facts}).");
            }

            return Refuse(candidate, "DriverPackageNotApplicable", $"No models section of {candidate.Description} applies to {platform} (its TargetOSVersion decorations exclude the image's Windows).");
        }

        if (resolution.MissingFiles.Count > 0)
        {
            return Refuse(candidate, ErrorIds.DriverPackageFilesMissing, $"{candidate.Description} names files the package does not hold: {string.Join(", ", resolution.MissingFiles.Take(5))}.");
        }

        // The files staged: a library package as imported; a host folder's INF, the INFs it includes and
        // the files it references for this platform (not its other architectures' files).
        var relative = new List<string> { package.InfPath };
        if (candidate.LibraryFiles is not null)
        {
            relative = candidate.LibraryFiles.Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase).ToList();
        }
        else
        {
            relative.AddRange(package.IncludedDocuments.Select(d => d.SourceName));
            relative.AddRange(resolution.Files.Select(f => Combine(package.Folder, f.SourcePath)));
            if (resolution.CatalogFile is { } catalogName)
            {
                relative.Add(Combine(package.Folder, catalogName));
            }

            relative = relative.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }

        var files = new List<(string Relative, string Host, string Sha256, long Size)>();
        foreach (var path in relative)
        {
            var host = candidate.HostPath(path);
            if (host is null)
            {
                return Refuse(candidate, ErrorIds.DriverPackageFilesMissing, $"{candidate.Description}: '{path}' is not in the package.");
            }

            var (sha, size) = DriverPackageSources.HashFile(host);
            files.Add((path, host, sha, size));
        }

        // Staged relative to the INF's folder, so the INF's own references hold.
        var infFolder = package.Folder;
        string Strip(string path) => infFolder.Length == 0 ? path : path.StartsWith(infFolder + "/", StringComparison.OrdinalIgnoreCase) ? path.Substring(infFolder.Length + 1) : path;
        var id = candidate.LibraryId ?? DriverPackageSources.DeriveId(files.Select(f => (Strip(f.Relative), f.Sha256)));
        var infName = package.InfPath.Substring(package.InfPath.LastIndexOf('/') + 1);
        var folderName = InjectionLayout.PackageFolderName(infName, id);
        var catalogPresent = resolution.CatalogFile is not null;
        var planned = new PlannedPackage
        {
            Name = infName,
            Id = id,
            Folder = InjectionLayout.DriversFolder + "\\" + folderName,
            InfPath = Strip(package.InfPath).Replace('/', '\\'),
            Source = candidate.Description,
            Provider = document.Version.Provider,
            Class = document.Version.Class,
            Version = document.Version.DriverVersion?.Version?.ToString(),
            CatalogPresent = catalogPresent,
            IsBootCritical = resolution.Boot.IsBootCritical,
            IsBootStorageController = resolution.Boot.IsBootStorageController,
            Reason = candidate.Reason,
            FileCount = files.Count,
            SizeBytes = files.Sum(f => f.Size),
        };

        var x64 = architecture is InfArchitecture.Amd64 or InfArchitecture.Arm64;
        if (!catalogPresent && x64)
        {
            if (resolution.Boot.IsBootStorageController && !forceUnsigned)
            {
                return Refuse(candidate, "BootDriverUnsigned", $"{candidate.Description} is a boot-start storage driver without a catalog: 64-bit Windows refuses to load an unsigned boot driver, and the image would not boot (0x7B). Use -ForceUnsigned (--force-unsigned) for test-signed images.", force: true);
            }

            _findings.Add(new InjectionFinding("DriverPackageUnsigned", InjectionSeverity.Warning, $"{infName} has no catalog file: 64-bit Windows refuses unsigned packages, so pnputil will fail on it and the installer quarantines it after {FirstBootScript.MaxAttempts} attempt(s).", infName));
        }

        var analysed = new AnalysedPackage(planned, files.Select(f => (Strip(f.Relative), f.Host, f.Sha256, f.Size)).ToList(), resolution, document);
        if (resolution.Boot.IsBootStorageController)
        {
            planned.BootStub = PlanStubFor(analysed, architecture);
        }

        return analysed;
    }

    private BootStubPlan? PlanStubFor(AnalysedPackage package, InfArchitecture architecture)
    {
        var resolution = package.Resolution;
        var service = resolution.Services.FirstOrDefault(s => !s.IsNullDriver && s.StartType == InfServiceStartType.Boot);
        if (service is null)
        {
            return null;
        }

        var binary = (service.ServiceBinaryPath ?? service.ServiceBinary ?? service.Name + ".sys").Replace('/', '\\');
        binary = binary.Substring(binary.LastIndexOf('\\') + 1);
        var source = package.Files.FirstOrDefault(f => string.Equals(f.Relative.Substring(f.Relative.LastIndexOf('/') + 1), binary, StringComparison.OrdinalIgnoreCase));
        if (source.Relative is null)
        {
            _findings.Add(new InjectionFinding("BootDriverBinaryMissing", InjectionSeverity.Warning, $"{package.Planned.Name} starts {service.Name} at boot from '{binary}', which the package does not hold; it is staged for first boot only (no boot registration).", package.Planned.Name));
            return null;
        }

        var existingPath = WindowsPaths.DriversFolder + "\\" + binary;
        if (_windows.TryRead(existingPath) is { } existing && DriverPackageSources.HashBytes(existing) != source.Sha256)
        {
            _findings.Add(new InjectionFinding("BootDriverBinaryExists", InjectionSeverity.Info, $"The image already has {existingPath} (another version, or an in-box driver of that name): it is not replaced offline, so {package.Planned.Name} gets no boot registration; the first-boot installer installs it.", package.Planned.Name));
            return null;
        }

        var ids = resolution.Devices
            .SelectMany(d => new[] { d.Model.HardwareId }.Concat(d.Model.CompatibleIds))
            .Where(i => !string.IsNullOrWhiteSpace(i) && IsRegistrableId(i!))
            .Select(i => i!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(MaxHardwareIdsPerStub)
            .ToArray();
        if (ids.Length == 0)
        {
            _findings.Add(new InjectionFinding("BootDriverNoHardwareIds", InjectionSeverity.Warning, $"{package.Planned.Name} declares no hardware id for {Facts.Architecture}; it is staged for first boot only.", package.Planned.Name));
            return null;
        }

        var classGuid = package.Document.Version.ClassGuid ?? InfBootClassification.ScsiAdapterClassGuid;
        var store = StoreArchitecture(architecture);
        return new BootStubPlan
        {
            Service = service.Name,
            Binary = binary,
            Group = service.LoadOrderGroup ?? "SCSI miniport",
            HardwareIds = ids,
            Database = Facts.HasDriverDatabase ? "DriverDatabase" : "CriticalDeviceDatabase",
            StubInf = Facts.HasDriverDatabase ? InjectionLayout.StubInfName(service.Name) : null,
            PackageLabel = Facts.HasDriverDatabase ? InjectionLayout.StubLabel(service.Name, store) : null,
            ClassGuid = "{" + classGuid.ToString().ToUpperInvariant() + "}",
        };
    }

    private static bool IsRegistrableId(string id)
    {
        foreach (var part in id.Split('\\'))
        {
            if (part.Length == 0 || part.Length > 255 || part.Any(c => c < 0x20))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One package per INF name and boot service: the newest DriverVer wins (virtio-win trees hold one per Windows version).</summary>
    private List<AnalysedPackage> Deduplicate(List<AnalysedPackage> packages)
    {
        var kept = new List<AnalysedPackage>();
        foreach (var group in packages.GroupBy(p => p.Planned.Id, StringComparer.OrdinalIgnoreCase))
        {
            kept.Add(group.First());
        }

        foreach (var group in kept.Where(p => p.Planned.BootStub is not null).GroupBy(p => p.Planned.BootStub!.Service, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).ToList())
        {
            var ordered = group.OrderByDescending(p => p.Document.Version.DriverVersion?.Date).ThenByDescending(p => p.Document.Version.DriverVersion?.Version).ToList();
            foreach (var loser in ordered.Skip(1))
            {
                kept.Remove(loser);
                _findings.Add(new InjectionFinding("DriverPackageSuperseded", InjectionSeverity.Info, $"{loser.Planned.Source} and {ordered[0].Planned.Source} both start {group.Key} at boot; the newer ({ordered[0].Planned.Version}) is injected.", loser.Planned.Name));
            }
        }

        return kept;
    }

    private AnalysedPackage? Refuse(PackageCandidate candidate, string id, string message, bool force = false)
    {
        _findings.Add(new InjectionFinding(id, candidate.Explicit || force ? InjectionSeverity.Blocking : InjectionSeverity.Info, candidate.Explicit || force ? message : message + " Skipped (found in a folder).", candidate.Description));
        return null;
    }

    private void StagePackage(AnalysedPackage package)
    {
        var planned = package.Planned;
        foreach (var file in package.Files)
        {
            var host = file.Host;
            AddFile(new PlannedFile
            {
                Action = PlannedFileAction.Write,
                Path = planned.Folder + "\\" + file.Relative.Replace('/', '\\'),
                Source = host,
                SizeBytes = file.Size,
                Sha256 = file.Sha256,
                Content = () => new FileStream(host, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16),
            });
        }

        var entry = new ManifestPackage
        {
            Name = planned.Name,
            Id = planned.Id,
            Folder = planned.Folder.Substring(InjectionLayout.DriversFolder.Length + 1),
            InfPath = planned.InfPath,
            Provider = planned.Provider,
            Class = planned.Class,
            Version = planned.Version,
            Source = planned.Source,
            StagedUtc = _now,
            Files = package.Files.Select(f => new ManifestFile { Path = f.Relative.Replace('/', '\\'), Sha256 = f.Sha256, SizeBytes = f.Size }).ToList(),
            BootStub = planned.BootStub,
        };

        if (planned.BootStub is { } stub)
        {
            var binary = package.Files.First(f => string.Equals(f.Relative.Substring(f.Relative.LastIndexOf('/') + 1), stub.Binary, StringComparison.OrdinalIgnoreCase));
            var target = WindowsPaths.DriversFolder + "\\" + stub.Binary;
            AddFile(new PlannedFile
            {
                Action = PlannedFileAction.Write,
                Path = target,
                Source = binary.Host,
                SizeBytes = binary.Size,
                Sha256 = binary.Sha256,
                Content = () => new FileStream(binary.Host, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16),
            });
            entry.BootBinary = new ManifestFile { Path = target, Sha256 = binary.Sha256, SizeBytes = binary.Size };
            foreach (var other in _manifest.Packages.Where(p => p.BootStub is not null && string.Equals(p.BootStub.Service, stub.Service, StringComparison.OrdinalIgnoreCase)))
            {
                _findings.Add(new InjectionFinding("BootRegistrationReplaced", InjectionSeverity.Info, $"{other.Name} [{other.Id}], staged earlier, also started {stub.Service} at boot; {planned.Name} now holds that registration.", other.Name));
                other.BootStub = null;
                other.BootBinary = null;
            }
        }

        _manifest.Packages.Add(entry);
    }

    /// <summary>The boot stub of injection-facts.md §4.2, for the package's own service and hardware ids.</summary>
    private void PlanBootStub(RegistryEditPlan system, BootStubPlan stub, AnalysedPackage package)
    {
        var purpose = $"boot start of {stub.Service} ({package.Planned.Name})";
        var service = $@"{ControlSet}\Services\{stub.Service}";
        SetDWord(system, SystemHiveName, service, "Type", 1, purpose);
        SetDWord(system, SystemHiveName, service, "Start", 0, purpose);
        Set(system, SystemHiveName, service, "Group", RegistryValueType.String, stub.Group, purpose);
        SetDWord(system, SystemHiveName, service, "ErrorControl", 1, purpose);
        Set(system, SystemHiveName, service, "ImagePath", RegistryValueType.ExpandString, @"system32\drivers\" + stub.Binary, purpose);

        // Windows 10 keeps per-boot-mode start types under StartOverride; one that says "not at boot" is
        // the classic 0x7B after a controller change, so it goes.
        if (_windows.System.Hive?.GetKey(service + @"\StartOverride") is not null)
        {
            DeleteKey(system, SystemHiveName, service + @"\StartOverride", purpose + ": StartOverride would keep it from starting at boot");
        }

        if (stub.Database == "DriverDatabase")
        {
            var inf = stub.StubInf!;
            var label = stub.PackageLabel!;
            var configuration = InjectionLayout.StubConfiguration(stub.Service);
            var infKey = $@"{WindowsPaths.DriverDatabase}\DriverInfFiles\{inf}";
            Set(system, SystemHiveName, infKey, string.Empty, RegistryValueType.MultiString, new[] { label }, purpose);
            Set(system, SystemHiveName, infKey, "Active", RegistryValueType.String, label, purpose);
            Set(system, SystemHiveName, infKey, "Configurations", RegistryValueType.MultiString, new[] { configuration }, purpose);
            foreach (var id in stub.HardwareIds)
            {
                Set(system, SystemHiveName, $@"{WindowsPaths.DriverDatabase}\DeviceIds\{id}", inf, RegistryValueType.Binary, new byte[] { 0x01, 0xFF, 0x00, 0x00 }, purpose);
            }

            var packageKey = $@"{WindowsPaths.DriverDatabase}\DriverPackages\{label}";
            Set(system, SystemHiveName, packageKey, "Version", RegistryValueType.Binary, new DriverDatabaseVersion(new Guid(stub.ClassGuid), null, null).Encode(), purpose);
            SetDWord(system, SystemHiveName, $@"{packageKey}\Configurations\{configuration}", "ConfigFlags", 0, purpose);
            Set(system, SystemHiveName, $@"{packageKey}\Configurations\{configuration}", "Service", RegistryValueType.String, stub.Service, purpose);
            foreach (var id in stub.HardwareIds)
            {
                Set(system, SystemHiveName, $@"{packageKey}\Descriptors\{id}", "Configuration", RegistryValueType.String, configuration, purpose);
            }
        }
        else
        {
            foreach (var id in stub.HardwareIds)
            {
                var key = $@"{ControlSet}\Control\CriticalDeviceDatabase\{id.Replace('\\', '#')}";
                Set(system, SystemHiveName, key, "Service", RegistryValueType.String, stub.Service, purpose);
                Set(system, SystemHiveName, key, "ClassGUID", RegistryValueType.String, stub.ClassGuid, purpose);
            }
        }
    }

    /// <summary>Undoes a boot stub offline (the package never reached first boot in this image's line, or is being withdrawn).</summary>
    private void RemoveBootStub(RegistryEditPlan system, BootStubPlan stub, ManifestPackage package)
    {
        var purpose = $"withdraw the boot start of {stub.Service} ({package.Name})";
        var hive = _windows.System.Hive;
        if (stub.Database == "DriverDatabase")
        {
            DeleteKey(system, SystemHiveName, $@"{WindowsPaths.DriverDatabase}\DriverInfFiles\{stub.StubInf}", purpose);
            DeleteKey(system, SystemHiveName, $@"{WindowsPaths.DriverDatabase}\DriverPackages\{stub.PackageLabel}", purpose);
            foreach (var id in stub.HardwareIds)
            {
                var key = $@"{WindowsPaths.DriverDatabase}\DeviceIds\{id}";
                var existing = hive?.GetKey(key);
                if (existing is not null && existing.ValueCount == 1 && existing.SubkeyCount == 0 && existing.GetValue(stub.StubInf!) is not null)
                {
                    DeleteKey(system, SystemHiveName, key, purpose);
                }
                else
                {
                    Add(system, SystemHiveName, new PlannedRegistryEdit { Action = "DeleteValue", Key = key, Value = stub.StubInf, Purpose = purpose }, p => p.DeleteValue(key, stub.StubInf!));
                }
            }
        }
        else
        {
            foreach (var id in stub.HardwareIds)
            {
                var key = $@"{ControlSet}\Control\CriticalDeviceDatabase\{id.Replace('\\', '#')}";
                var existing = hive?.GetKey(key);
                if (existing is not null && OfflineWindows.Text(existing, "Service") == stub.Service && existing.GetValue("DriverPackageId") is null)
                {
                    DeleteKey(system, SystemHiveName, key, purpose);
                }
            }
        }

        // The service key stays unless ImageOps made it: an installed driver may own it now.
        var serviceKey = hive?.GetKey($@"{ControlSet}\Services\{stub.Service}");
        if (serviceKey is not null && serviceKey.GetValue("ImagePath") is { } image && image.Type == RegistryValueType.ExpandString && string.Equals(image.GetString(), @"system32\drivers\" + stub.Binary, StringComparison.OrdinalIgnoreCase) && serviceKey.ValueCount <= 5 && serviceKey.SubkeyCount == 0)
        {
            DeleteKey(system, SystemHiveName, $@"{ControlSet}\Services\{stub.Service}", purpose);
        }

        if (package.BootBinary is { } binary && _windows.TryRead(binary.Path) is { } content && DriverPackageSources.HashBytes(content) == binary.Sha256)
        {
            AddFile(new PlannedFile { Action = PlannedFileAction.Delete, Path = binary.Path, Source = "copied by ImageOps for " + package.Name });
        }
    }

    /// <summary>DevicePath, the manifest, the first-boot installer, and the hive plans.</summary>
    private void FinishCommon(RegistryEditPlan system, bool force)
    {
        var software = new RegistryEditPlan();
        var anyLeft = _manifest.Packages.Count > 0;
        PlanDevicePath(software, anyLeft);

        var serviceKey = $@"{ControlSet}\Services\{FirstBootScript.ServiceName}";
        var build = Facts.Version.Build;
        _plan.FirstBoot = new FirstBootPlan
        {
            ScriptPath = InjectionLayout.ScriptPath,
            LogPath = InjectionLayout.LogPath,
            PnputilCommand = FirstBootScript.PnputilCommand(build),
            Removed = !anyLeft,
        };

        if (anyLeft)
        {
            var policyBypass = _findings.Any(f => f.Id == "ExecutionPolicyAllSigned") && force;
            var commandLine = CommandLine(policyBypass);
            _plan.FirstBoot.CommandLine = commandLine;
            var purpose = "first-boot installer";
            SetDWord(system, SystemHiveName, serviceKey, "Type", 0x10, purpose);
            SetDWord(system, SystemHiveName, serviceKey, "Start", 2, purpose);
            SetDWord(system, SystemHiveName, serviceKey, "ErrorControl", 1, purpose);
            Set(system, SystemHiveName, serviceKey, "ImagePath", RegistryValueType.ExpandString, commandLine, purpose);
            Set(system, SystemHiveName, serviceKey, "DisplayName", RegistryValueType.String, "ImageOps first-boot driver installer", purpose);
            Set(system, SystemHiveName, serviceKey, "Description", RegistryValueType.String, @"Installs the drivers ImageOps staged in %SystemRoot%\ImageOps\Drivers with pnputil, then deletes itself. Log: %SystemRoot%\ImageOps\FirstBoot\log.jsonl.", purpose);
            Set(system, SystemHiveName, serviceKey, "ObjectName", RegistryValueType.String, "LocalSystem", purpose);

            var packages = _manifest.Packages.Select(p =>
            {
                var scripted = new FirstBootScript.Package { Folder = p.Folder, Inf = p.InfPath };
                if (p.BootStub is not null)
                {
                    scripted.Stubs.AddRange(FirstBootScript.StubsOf(p.BootStub));
                }

                return scripted;
            }).ToList();
            var script = Encoding.ASCII.GetBytes(FirstBootScript.Render(packages, build, "ImageOps " + typeof(InjectionPlanner).Assembly.GetName().Version));
            AddGenerated(InjectionLayout.ScriptPath, script, "generated first-boot installer");
        }
        else
        {
            _plan.FirstBoot.CommandLine = string.Empty;
            DeleteKey(system, SystemHiveName, serviceKey, "no ImageOps package remains: the first-boot installer goes");
            if (_windows.TryRead(InjectionLayout.ScriptPath) is not null)
            {
                AddFile(new PlannedFile { Action = PlannedFileAction.Delete, Path = InjectionLayout.ScriptPath, Source = "first-boot installer" });
            }
        }

        AddGenerated(InjectionLayout.ManifestPath, _manifest.ToBytes(), "ImageOps manifest");

        AttachHive(_windows.System, system);
        AttachHive(_windows.Software, software);
        _plan.Files = _files.ToArray();
        _plan.RegistryEdits = _edits.ToArray();
        _plan.Findings = _findings.ToArray();
    }

    private static string CommandLine(bool scriptBlock)
    {
        // cmd starts PowerShell in its own console and returns: the SCM sees the service process end
        // (logged, harmless) instead of waiting 30 s for a service that never reports, and PowerShell goes
        // on as LocalSystem. No quotes: %SystemRoot% has no spaces, and cmd /c keeps them as they are.
        const string Start = @"%SystemRoot%\System32\cmd.exe /c start ImageOps /min %SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe -NoProfile -NonInteractive ";
        if (!scriptBlock)
        {
            return Start + @"-ExecutionPolicy Bypass -File %SystemRoot%\ImageOps\FirstBoot\Install-ImageOpsDrivers.ps1";
        }

        const string Bootstrap = @"& ([ScriptBlock]::Create([IO.File]::ReadAllText((Join-Path $env:SystemRoot 'ImageOps\FirstBoot\Install-ImageOpsDrivers.ps1'))))";
        return Start + "-EncodedCommand " + Convert.ToBase64String(Encoding.Unicode.GetBytes(Bootstrap));
    }

    /// <summary>
    /// DevicePath gets the staging folder appended (injection-facts.md §4.4: keep the type, no
    /// duplicates); with no ImageOps package left, the entry is taken out again.
    /// </summary>
    private void PlanDevicePath(RegistryEditPlan software, bool present)
    {
        var hive = _windows.Software.Hive;
        var value = hive?.GetKey(WindowsPaths.CurrentVersion)?.GetValue("DevicePath");
        var type = value?.Type ?? RegistryValueType.ExpandString;
        var current = value is not null && type is RegistryValueType.String or RegistryValueType.ExpandString ? value.GetString() : null;
        var entries = (current ?? string.Empty).Split(';').Where(e => e.Length > 0).ToList();
        var has = entries.Any(e => string.Equals(e.Trim(), InjectionLayout.DevicePathEntry, StringComparison.OrdinalIgnoreCase));
        string? updated = null;
        if (present && !has)
        {
            updated = current is null ? @"%SystemRoot%\inf;" + InjectionLayout.DevicePathEntry : current.TrimEnd(';') + ";" + InjectionLayout.DevicePathEntry;
            if (value is not null && current is null)
            {
                _findings.Add(new InjectionFinding("DevicePathUnexpectedType", InjectionSeverity.Warning, $"DevicePath is {type}, not a string; it is left as it is and PnP will not search the staging folder (the first-boot installer still installs every package).", "DevicePath"));
                return;
            }
        }
        else if (!present && has)
        {
            updated = string.Join(";", entries.Where(e => !string.Equals(e.Trim(), InjectionLayout.DevicePathEntry, StringComparison.OrdinalIgnoreCase)));
        }

        if (updated is not null)
        {
            Set(software, SoftwareHiveName, WindowsPaths.CurrentVersion, "DevicePath", type, updated, present ? "PnP searches the staging folder" : "no ImageOps package remains");
        }
    }

    private void AttachHive(LoadedHive hive, RegistryEditPlan plan)
    {
        if (plan.Edits.Count == 0)
        {
            return;
        }

        _plan.HiveEdits[hive.Name] = plan;
        _plan.HiveSources[hive.Name] = DriverPackageSources.HashBytes(hive.Bytes);
        if (hive.WasDirty && hive.Hive is not null)
        {
            _plan.ReplayedHives[hive.Name] = hive.Logs;
            foreach (var log in hive.LogPaths)
            {
                AddFile(new PlannedFile { Action = PlannedFileAction.Delete, Path = log, Source = $"replayed into the written {hive.Name} hive" });
            }
        }

        AddFile(new PlannedFile { Action = PlannedFileAction.Write, Path = hive.Path, Source = $"{hive.Name} hive with {plan.Edits.Count} edit(s)", SizeBytes = hive.Bytes.Length });
    }

    private void AddGenerated(string path, byte[] content, string source)
        => AddFile(new PlannedFile { Action = PlannedFileAction.Write, Path = path, Source = source, SizeBytes = content.Length, Sha256 = DriverPackageSources.HashBytes(content), Content = () => new MemoryStream(content, writable: false) });

    private void AddFile(PlannedFile file) => _files.Add(file);

    private void SetDWord(RegistryEditPlan plan, string hive, string key, string name, uint value, string purpose)
        => Add(plan, hive, new PlannedRegistryEdit { Action = "SetValue", Key = key, Value = name, Type = "REG_DWORD", Data = "0x" + value.ToString("x", CultureInfo.InvariantCulture), Purpose = purpose }, p => p.SetDWord(key, name, value));

    private void Set(RegistryEditPlan plan, string hive, string key, string name, RegistryValueType type, object value, string purpose)
    {
        byte[] data = value switch
        {
            string s => RegistryData.String(s),
            string[] m => RegistryData.MultiString(m),
            byte[] b => b,
            _ => throw new ArgumentException("Unsupported registry data.", nameof(value)),
        };
        var shown = value switch
        {
            string s => s,
            string[] m => "[" + string.Join(", ", m) + "]",
            byte[] b => string.Join(" ", b.Select(x => x.ToString("x2", CultureInfo.InvariantCulture))),
            _ => string.Empty,
        };
        Add(plan, hive, new PlannedRegistryEdit { Action = "SetValue", Key = key, Value = name, Type = TypeName(type), Data = shown, Purpose = purpose }, p => p.SetValue(key, name, type, data));
    }

    private void DeleteKey(RegistryEditPlan plan, string hive, string key, string purpose)
        => Add(plan, hive, new PlannedRegistryEdit { Action = "DeleteKey", Key = key, Purpose = purpose }, p => p.DeleteKey(key));

    private void Add(RegistryEditPlan plan, string hive, PlannedRegistryEdit edit, Action<RegistryEditPlan> apply)
    {
        edit.Hive = hive;
        apply(plan);
        _edits.Add(edit);
    }

    internal static string TypeName(RegistryValueType type) => type switch
    {
        RegistryValueType.String => "REG_SZ",
        RegistryValueType.ExpandString => "REG_EXPAND_SZ",
        RegistryValueType.MultiString => "REG_MULTI_SZ",
        RegistryValueType.DWord => "REG_DWORD",
        RegistryValueType.QWord => "REG_QWORD",
        RegistryValueType.Binary => "REG_BINARY",
        _ => type.ToString(),
    };

    private static string Combine(string folder, string path) => folder.Length == 0 ? path : folder + "/" + path;

    internal sealed class AnalysedPackage
    {
        public AnalysedPackage(PlannedPackage planned, List<(string Relative, string Host, string Sha256, long Size)> files, InfDriverResolution resolution, InfDocument document)
        {
            Planned = planned;
            Files = files;
            Resolution = resolution;
            Document = document;
        }

        public PlannedPackage Planned { get; }

        public List<(string Relative, string Host, string Sha256, long Size)> Files { get; }

        public InfDriverResolution Resolution { get; }

        public InfDocument Document { get; }
    }
}
