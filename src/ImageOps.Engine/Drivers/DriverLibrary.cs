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
