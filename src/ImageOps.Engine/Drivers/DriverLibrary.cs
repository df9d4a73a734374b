using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.IO;
using ImageOps.Engine.Library;
using ImageOps.Engine.Storage;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// The driver library of an <see cref="ImageLibrary"/>: packages in a content-addressed store, driver
/// profiles, Windows-style matching, resolution of the driver set for a model, and coverage reports.
/// Everything lives under <c>&lt;library&gt;/drivers</c> (see <see cref="DriverStoreLayout"/>).
/// </summary>
public sealed class DriverLibrary
{
    private readonly ImageLibrary _library;

    internal DriverLibrary(ImageLibrary library)
    {
        _library = library;
        RootPath = DriverStoreLayout.Root(library.RootPath);
        Packages = new DriverPackageCatalog(library, this);
        Profiles = new DriverProfileCatalog(library, this);
    }

    /// <summary>Full path of the driver library folder.</summary>
    public string RootPath { get; }

    /// <summary>The packages.</summary>
    public DriverPackageCatalog Packages { get; }

    /// <summary>The profiles.</summary>
    public DriverProfileCatalog Profiles { get; }

    /// <summary>
    /// Ranks the library's packages for a device as Windows would on <paramref name="platform"/> (default:
    /// Windows 11 24H2 x64), optionally only among packages of <paramref name="groups"/>, and explains
    /// the choice.
    /// </summary>
    public DriverMatchResult Match(DeviceIdentity device, DriverPlatform? platform = null, IReadOnlyList<string>? groups = null, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        if (device is null || (device.HardwareIds.Count == 0 && device.CompatibleIds.Count == 0))
        {
            throw new InvalidRequestException(ErrorIds.InvalidArgument, "A device needs at least one hardware or compatible id to match.");
        }

        var records = Packages.LoadAll(context, new List<ImageOpsException>());
        if (groups is { Count: > 0 })
        {
            records = records.Where(r => r.Groups.Any(g => groups.Contains(g, StringComparer.OrdinalIgnoreCase))).ToList();
        }

        return new DriverMatcher(new DriverIndex(records), platform ?? DriverPlatform.Default).Match(device);
    }

    /// <summary>
    /// Resolves the exact packages to inject for a hardware model (and, if given, its devices): the
    /// engine entry point a driver-injection step calls. Each package in the result names its id and the
    /// store paths of its files. See <see cref="DriverSetResolver"/> for the rules.
    /// </summary>
    public DriverSet Resolve(DriverSetRequest request, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        return NewResolver(context).Resolve(request ?? throw new ArgumentNullException(nameof(request)));
    }

    /// <summary>Resolves the driver set of every model in a fleet inventory, for the devices each model has.</summary>
    public IReadOnlyList<DriverSet> ResolveInventory(string inventoryPath, DriverPlatform? platform = null, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        var inventory = FleetInventory.Read(inventoryPath, context);
        var resolver = NewResolver(context);
        return inventory.Models.Select(m => resolver.Resolve(new DriverSetRequest
        {
            Model = m.Model,
            Platform = platform,
            Devices = m.Devices.Select(d => d.Device).ToList(),
            CurrentDriverInfs = m.Devices.Select(d => d.CurrentDriverInf).ToList(),
        })).ToList();
    }

    /// <summary>
    /// Checks a fleet inventory against the library before deployment (see <see cref="DriverCoverageAnalyzer"/>),
    /// and writes the HTML report to <paramref name="htmlPath"/> when given (atomically).
    /// </summary>
    public DriverCoverageReport TestCoverage(string inventoryPath, DriverPlatform? platform = null, string? htmlPath = null, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        var inventory = FleetInventory.Read(inventoryPath, context);
        var report = DriverCoverageAnalyzer.Analyze(inventory, NewResolver(context), platform ?? DriverPlatform.Default, _library.RootPath, _library.Clock.UtcNow, context);
        if (htmlPath is not null)
        {
            var full = Path.GetFullPath(htmlPath);
            var folder = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            AtomicFile.Replace(full, new System.Text.UTF8Encoding(false).GetBytes(DriverCoverageHtml.Render(report)));
            report.HtmlPath = full;
            context.Log.Verbose($"Wrote the coverage report to '{full}'.");
        }

        return report;
    }

    internal DriverSetResolver NewResolver(OperationContext context)
        => new(Packages, Packages.LoadAll(context, new List<ImageOpsException>()), Profiles.LoadAll(context, new List<ImageOpsException>()));

    internal Lease TakeLease(string purpose, OperationContext context)
    {
        Directory.CreateDirectory(RootPath);
        SweepStaging(context.Log);
        return _library.Leases.Acquire(DriverStoreLayout.LeaseResource, purpose, cancellation: context.Cancellation);
    }

    /// <summary>A new, empty staging folder named after this process, so a later run can tell whether its owner died.</summary>
    internal string NewStagingFolder()
    {
        var staging = Path.Combine(RootPath, DriverStoreLayout.StagingFolder);
        SweepStaging(NullOperationLog.Instance);
        var folder = Path.Combine(staging, string.Format(CultureInfo.InvariantCulture, "{0}-{1}-{2}", ProcessIdentity.Host, ProcessIdentity.ProcessId, Guid.NewGuid().ToString("N").Substring(0, 8)));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Removes staging folders whose process died (this host) or that are a day old (other hosts).</summary>
    internal void SweepStaging(IOperationLog log)
    {
        var staging = Path.Combine(RootPath, DriverStoreLayout.StagingFolder);
        if (!Directory.Exists(staging))
        {
            return;
        }

        foreach (var folder in Directory.GetDirectories(staging))
        {
            var parts = Path.GetFileName(folder).Split('-');
            var abandoned = false;
            if (parts.Length >= 3 && int.TryParse(parts[parts.Length - 2], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                var host = string.Join("-", parts, 0, parts.Length - 2);
                abandoned = ProcessIdentity.IsThisHost(host)
                    ? !ProcessIdentity.IsAlive(pid)
                    : DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > TimeSpan.FromDays(1);
            }

            if (abandoned)
            {
                DeleteFolder(folder, log);
            }
        }
    }

    internal static void DeleteFolder(string folder, IOperationLog log)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            log.Warning($"Could not remove the temporary folder '{folder}': {ex.Message}. The next import removes it.");
        }
    }
}
