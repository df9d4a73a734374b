using System;
using System.Collections.Generic;
using System.Linq;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// Checks a fleet inventory against the driver library before deployment. Per model it resolves the driver
/// set for the model's real devices, then judges each device:
/// <list type="bullet">
/// <item>a storage controller (SCSIAdapter, HDC) or network adapter (Net) without a driver in the set and
/// not on an inbox driver is a failure: the image would not find its boot disk (0x7B) or the network;</item>
/// <item>a storage controller whose chosen driver adds no boot-start service is a failure: the OS loader
/// would not load it ("Specifying Driver Load Order");</item>
/// <item>any other device without a driver is a warning, as is a device where Windows would pick another
/// package of the set than the curated one;</item>
/// <item>a model no profile covers is a failure.</item>
/// </list>
/// </summary>
internal static class DriverCoverageAnalyzer
{
    private static readonly Guid ScsiAdapter = new("4D36E97B-E325-11CE-BFC1-08002BE10318");
    private static readonly Guid Hdc = new("4D36E96A-E325-11CE-BFC1-08002BE10318");
    private static readonly Guid Net = new("4D36E972-E325-11CE-BFC1-08002BE10318");

    public static DriverCoverageReport Analyze(FleetInventory inventory, DriverSetResolver resolver, DriverPlatform platform, string libraryPath, DateTimeOffset now, OperationContext context)
    {
        var models = new List<ModelCoverage>();
        var i = 0;
        foreach (var model in inventory.Models)
        {
            context.ThrowIfCancelled();
            context.Report("Checking driver coverage", "Resolving models", i++, inventory.Models.Count, model.Model.ToString());
            var set = resolver.Resolve(new DriverSetRequest
            {
                Model = model.Model,
                Platform = platform,
                Devices = model.Devices.Select(d => d.Device).ToList(),
                CurrentDriverInfs = model.Devices.Select(d => d.CurrentDriverInf).ToList(),
            });
            models.Add(Judge(model, set));
        }

        var classes = models.SelectMany(m => m.Classes.Select(c => c.Class)).Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderBy(ClassOrder).ThenBy(c => c, StringComparer.OrdinalIgnoreCase).ToArray();
        var ordered = models.OrderByDescending(m => m.Status).ThenBy(m => m.Model.Manufacturer, StringComparer.OrdinalIgnoreCase).ThenBy(m => m.Model.Model, StringComparer.OrdinalIgnoreCase).ToArray();
        return new DriverCoverageReport
        {
            InventoryPath = inventory.Path,
            LibraryPath = libraryPath,
            Platform = platform,
            GeneratedUtc = now,
            Models = ordered,
            Classes = classes,
            SkippedRows = inventory.SkippedRows,
            Status = ordered.Length == 0 ? CoverageStatus.Pass : ordered.Max(m => m.Status),
        };
    }

    internal static bool IsStorage(string? name, string? guid)
        => string.Equals(name, "SCSIAdapter", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "HDC", StringComparison.OrdinalIgnoreCase) || IsGuid(guid, ScsiAdapter) || IsGuid(guid, Hdc);

    internal static bool IsNetwork(string? name, string? guid)
        => string.Equals(name, "Net", StringComparison.OrdinalIgnoreCase) || IsGuid(guid, Net);

    private static int ClassOrder(string name) => IsStorage(name, null) ? 0 : IsNetwork(name, null) ? 1 : 2;

    private static bool IsGuid(string? text, Guid guid) => Guid.TryParse(text, out var g) && g == guid;

    private static ModelCoverage Judge(InventoryModel model, DriverSet set)
    {
        var problems = new List<CoverageProblem>();
        if (set.Status == DriverSetStatus.NoProfile)
        {
            problems.Add(new CoverageProblem
            {
                Severity = CoverageStatus.Fail,
                Kind = CoverageProblemKind.NoProfile,
                Message = "No driver profile applies to " + model.Model + " on " + set.Platform + ": it would be deployed without drivers. Create one with New-DriverProfile -Manufacturer '" + model.Model.Manufacturer + "' -Model '" + model.Model.Model + "'.",
            });
        }

        var cells = new Dictionary<string, ClassCoverage>(StringComparer.OrdinalIgnoreCase);
        foreach (var resolution in set.Devices)
        {
            var device = resolution.Device;
            var cls = resolution.Class ?? device.Class ?? device.ClassGuid ?? "Unknown";
            var storage = IsStorage(cls, device.ClassGuid);
            var network = IsNetwork(cls, device.ClassGuid);
            if (!cells.TryGetValue(cls, out var cell))
            {
                cells.Add(cls, cell = new ClassCoverage { Class = cls });
            }

            cell.Devices++;
            CoverageProblem? problem = null;
            string What() => (storage ? "storage controller" : network ? "network adapter" : "device") + " '" + device + "'";
            switch (resolution.Coverage)
            {
                case DeviceCoverage.Covered:
                    cell.Covered++;
                    if (storage && !resolution.IsBootStart)
                    {
                        cell.NotBootStart++;
                        problem = new CoverageProblem { Severity = CoverageStatus.Fail, Kind = CoverageProblemKind.StorageDriverNotBootStart, Message = "The driver chosen for " + What() + ", " + resolution.PackageName + " (" + resolution.PackageId + "), adds no boot-start service: the OS loader would not load it and the image could not reach its boot disk (0x7B)." };
                    }
                    else if (resolution.DiffersFromCurated)
                    {
                        cell.DifferentFromCurated++;
                        problem = new CoverageProblem { Severity = CoverageStatus.Warning, Kind = CoverageProblemKind.DiffersFromCurated, Message = "For " + What() + " the curated " + resolution.PackageName + " is chosen, but Windows would rank " + resolution.WindowsChoiceName + " (" + resolution.WindowsChoiceId + ") of the same set first and install it instead; exclude it for this model if the curated driver must win." };
                    }

                    break;
                case DeviceCoverage.Inbox:
                    cell.Inbox++;
                    break;
                case DeviceCoverage.NotRequested:
                    cell.NotRequested++;
                    if (storage || network)
                    {
                        problem = new CoverageProblem { Severity = CoverageStatus.Warning, Kind = CoverageProblemKind.BootCriticalMissing, Message = "Profile '" + set.StoppedBy + "' gives this model no drivers; make sure the image's inbox drivers drive the " + What() + "." };
                    }

                    break;
                default:
                    cell.Missing++;
                    problem = storage || network
                        ? new CoverageProblem { Severity = CoverageStatus.Fail, Kind = CoverageProblemKind.BootCriticalMissing, Message = "No driver for the " + What() + (storage ? ": the image would not find its boot disk (0x7B)." : ": the computer would come up without network.") + (resolution.CurrentDriverInf is null ? " (The inventory does not say which driver it uses now.)" : " It uses " + resolution.CurrentDriverInf + " now.") }
                        : new CoverageProblem { Severity = CoverageStatus.Warning, Kind = CoverageProblemKind.NoDriver, Message = "No driver for " + What() + (resolution.CurrentDriverInf is null ? "." : "; it uses " + resolution.CurrentDriverInf + " now.") };
                    break;
            }

            if (problem is not null)
            {
                problem.Device = device.ToString();
                problem.Class = cls;
                problem.HardwareId = device.HardwareIds.FirstOrDefault() ?? device.CompatibleIds.FirstOrDefault();
                problems.Add(problem);
                cell.Status = (CoverageStatus)Math.Max((int)cell.Status, (int)problem.Severity);
            }
        }

        foreach (var warning in set.Warnings.Where(w => !w.Contains("once both are injected")))
        {
            problems.Add(new CoverageProblem { Severity = CoverageStatus.Warning, Kind = CoverageProblemKind.ResolutionWarning, Message = warning });
        }

        var resolutions = set.Devices;
        return new ModelCoverage
        {
            Model = model.Model,
            Computers = model.ComputerCount,
            Status = problems.Count == 0 ? CoverageStatus.Pass : problems.Max(p => p.Severity),
            Devices = resolutions.Length,
            Covered = resolutions.Count(r => r.Coverage == DeviceCoverage.Covered),
            Inbox = resolutions.Count(r => r.Coverage == DeviceCoverage.Inbox),
            Missing = resolutions.Count(r => r.Coverage == DeviceCoverage.NoDriver),
            DifferentFromCurated = resolutions.Count(r => r.DiffersFromCurated),
            BootCriticalFailures = problems.Count(p => p.Severity == CoverageStatus.Fail && p.Kind is CoverageProblemKind.BootCriticalMissing or CoverageProblemKind.StorageDriverNotBootStart),
            Profiles = set.Profiles,
            Packages = set.Packages.Length,
            Classes = cells.Values.OrderBy(c => ClassOrder(c.Class)).ThenBy(c => c.Class, StringComparer.OrdinalIgnoreCase).ToArray(),
            Problems = problems.OrderByDescending(p => p.Severity).ToArray(),
            DriverSet = set,
        };
    }
}
