using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace ImageOps.Engine.Inventory;

/// <summary>
/// Compares two inventories. Installations are matched by partition number (or, when each image has
/// one left over, with each other). Drivers are matched by original INF name, provider and class; a
/// driver left over on both sides with the same INF name is then matched regardless of provider and
/// class, so a change of provider shows as a change rather than a removal and an addition. Published
/// names (oemN.inf) are not compared: Windows renumbers them.
/// </summary>
public static class InventoryComparer
{
    private static readonly Regex HalfYear = new(@"^(\d{2})H([12])$", RegexOptions.CultureInvariant);

    /// <summary>What changed from <paramref name="reference"/> to <paramref name="difference"/>.</summary>
    public static ImageInventoryComparison Compare(ImageInventory reference, ImageInventory difference)
    {
        if (reference is null)
        {
            throw new ArgumentNullException(nameof(reference));
        }

        if (difference is null)
        {
            throw new ArgumentNullException(nameof(difference));
        }

        var changes = new List<InventoryChange>();
        CompareDisk(reference.Disk, difference.Disk, changes);
        if (reference.BootMode != difference.BootMode)
        {
            changes.Add(new InventoryChange { Category = InventoryChangeCategory.BootMode, Change = ChangeKind.Changed, Subject = "BootMode", Property = "BootMode", ReferenceValue = $"{reference.BootMode}: {reference.BootModeReason}", DifferenceValue = $"{difference.BootMode}: {difference.BootModeReason}" });
        }

        foreach (var (a, b) in MatchInstallations(reference.Installations, difference.Installations))
        {
            if (a is null || b is null)
            {
                var only = (a ?? b)!;
                changes.Add(new InventoryChange
                {
                    Category = InventoryChangeCategory.Windows,
                    Change = a is null ? ChangeKind.Added : ChangeKind.Removed,
                    Subject = $"Windows on partition {only.PartitionNumber}",
                    ReferenceValue = a?.ToString(),
                    DifferenceValue = b?.ToString(),
                    PartitionNumber = only.PartitionNumber,
                });
                continue;
            }

            CompareWindows(a, b, changes);
            CompareDrivers(a, b, changes);
        }

        var drivers = changes.Where(c => c.Category == InventoryChangeCategory.Driver).ToList();
        var comparison = new ImageInventoryComparison
        {
            ReferencePath = reference.Path,
            DifferencePath = difference.Path,
            Identical = changes.Count == 0,
            Changes = changes.ToArray(),
            DriversAdded = drivers.Count(c => c.Change == ChangeKind.Added),
            DriversRemoved = drivers.Count(c => c.Change == ChangeKind.Removed),
            DriversChanged = drivers.Count(c => c.Change is ChangeKind.Updated or ChangeKind.Downgraded or ChangeKind.Changed),
            Reference = reference,
            Difference = difference,
        };
        comparison.Summary = Summarize(comparison);
        return comparison;
    }

    private static string Summarize(ImageInventoryComparison comparison)
    {
        if (comparison.Identical)
        {
            return "No changes.";
        }

        var parts = new List<string>();
        foreach (var build in comparison.Changes.Where(c => c.Category == InventoryChangeCategory.Windows && c.Subject == "Build"))
        {
            parts.Add($"build {build.ReferenceValue} -> {build.DifferenceValue}");
        }

        var others = comparison.Changes.Count(c => c.Category != InventoryChangeCategory.Driver && !(c.Category == InventoryChangeCategory.Windows && c.Subject == "Build"));
        if (others > 0)
        {
            parts.Add($"{others} {(parts.Count > 0 ? "other " : string.Empty)}change{(others == 1 ? string.Empty : "s")} to the disk or Windows");
        }

        if (comparison.DriversAdded + comparison.DriversRemoved + comparison.DriversChanged > 0)
        {
            parts.Add($"drivers: {comparison.DriversAdded} added, {comparison.DriversRemoved} removed, {comparison.DriversChanged} changed");
        }

        var text = string.Join("; ", parts);
        return char.ToUpperInvariant(text[0]) + text.Substring(1) + ".";
    }

    private static void CompareDisk(InventoryDisk a, InventoryDisk b, List<InventoryChange> changes)
    {
        void Field(string name, string? x, string? y)
        {
            if (!string.Equals(x, y, StringComparison.Ordinal))
            {
                changes.Add(new InventoryChange { Category = InventoryChangeCategory.Disk, Change = ChangeKind.Changed, Subject = "Disk", Property = name, ReferenceValue = x, DifferenceValue = y });
            }
        }

        Field("Format", a.Format.ToString(), b.Format.ToString());
        Field("Variant", a.Variant.ToString(), b.Variant.ToString());
        if (a.CapacityBytes != b.CapacityBytes)
        {
            changes.Add(new InventoryChange { Category = InventoryChangeCategory.Disk, Change = ChangeKind.Changed, Subject = "Disk", Property = "CapacityBytes", ReferenceValue = Size(a.CapacityBytes), DifferenceValue = Size(b.CapacityBytes) });
        }

        Field("PartitionScheme", a.PartitionScheme.ToString(), b.PartitionScheme.ToString());
        var right = b.Partitions.ToDictionary(p => p.Number);
        foreach (var p in a.Partitions)
        {
            if (!right.TryGetValue(p.Number, out var q))
            {
                changes.Add(new InventoryChange { Category = InventoryChangeCategory.Partition, Change = ChangeKind.Removed, Subject = "#" + p.Number.ToString(CultureInfo.InvariantCulture), ReferenceValue = Describe(p) });
                continue;
            }

            right.Remove(p.Number);
            var differences = new List<(string Name, string? X, string? Y)>();
            void Property(string name, string? x, string? y)
            {
                if (!string.Equals(x, y, StringComparison.Ordinal))
                {
                    differences.Add((name, x, y));
                }
            }

            Property("Kind", p.Kind.ToString(), q.Kind.ToString());
            Property("Type", p.Type, q.Type);
            Property("OffsetBytes", p.OffsetBytes.ToString(CultureInfo.InvariantCulture), q.OffsetBytes.ToString(CultureInfo.InvariantCulture));
            Property("SizeBytes", Size(p.SizeBytes), Size(q.SizeBytes));
            Property("Active", p.Active.ToString(), q.Active.ToString());
            Property("FileSystem", p.FileSystem, q.FileSystem);
            Property("Label", p.Label, q.Label);
            if (differences.Count > 0)
            {
                changes.Add(new InventoryChange
                {
                    Category = InventoryChangeCategory.Partition,
                    Change = ChangeKind.Changed,
                    Subject = "#" + p.Number.ToString(CultureInfo.InvariantCulture),
                    Property = string.Join(", ", differences.Select(d => d.Name)),
                    ReferenceValue = string.Join(", ", differences.Select(d => d.X ?? "(none)")),
                    DifferenceValue = string.Join(", ", differences.Select(d => d.Y ?? "(none)")),
                });
            }
        }

        foreach (var q in right.Values.OrderBy(p => p.Number))
        {
            changes.Add(new InventoryChange { Category = InventoryChangeCategory.Partition, Change = ChangeKind.Added, Subject = "#" + q.Number.ToString(CultureInfo.InvariantCulture), DifferenceValue = Describe(q) });
        }
    }

    private static IEnumerable<(WindowsInstallation? A, WindowsInstallation? B)> MatchInstallations(WindowsInstallation[] reference, WindowsInstallation[] difference)
    {
        var left = reference.ToList();
        var right = difference.ToList();
        var pairs = new List<(WindowsInstallation?, WindowsInstallation?)>();
        foreach (var a in reference)
        {
            var b = right.FirstOrDefault(i => i.PartitionNumber == a.PartitionNumber);
            if (b is not null)
            {
                pairs.Add((a, b));
                left.Remove(a);
                right.Remove(b);
            }
        }

        if (left.Count == 1 && right.Count == 1)
        {
            pairs.Add((left[0], right[0]));
            left.Clear();
            right.Clear();
        }

        pairs.AddRange(left.Select(a => ((WindowsInstallation?)a, (WindowsInstallation?)null)));
        pairs.AddRange(right.Select(b => ((WindowsInstallation?)null, (WindowsInstallation?)b)));
        return pairs;
    }

    private static void CompareWindows(WindowsInstallation a, WindowsInstallation b, List<InventoryChange> changes)
    {
        void Field(string name, string? x, string? y, Func<string?, string?, int?>? order = null)
        {
            if (string.Equals(x, y, StringComparison.Ordinal))
            {
                return;
            }

            var sign = x is not null && y is not null ? order?.Invoke(x, y) : null;
            changes.Add(new InventoryChange
            {
                Category = InventoryChangeCategory.Windows,
                Change = x is null ? ChangeKind.Added : y is null ? ChangeKind.Removed : sign > 0 ? ChangeKind.Updated : sign < 0 ? ChangeKind.Downgraded : ChangeKind.Changed,
                Subject = name,
                Property = name,
                ReferenceValue = x,
                DifferenceValue = y,
                PartitionNumber = b.PartitionNumber,
            });
        }

        Field("ProductName", a.ProductName, b.ProductName);
        Field("EditionId", a.EditionId, b.EditionId);
        Field("DisplayVersion", a.DisplayVersion, b.DisplayVersion, CompareDisplayVersions);
        if (a.DisplayVersion is null || b.DisplayVersion is null)
        {
            // ReleaseId froze at 2009 when DisplayVersion arrived (20H2); compare it only where DisplayVersion is missing.
            Field("ReleaseId", a.ReleaseId, b.ReleaseId);
        }

        Field("Version", a.Version, b.Version, (x, y) => System.Version.TryParse(x, out var vx) && System.Version.TryParse(y, out var vy) ? vy.CompareTo(vx) : null);
        Field("Build", a.Build, b.Build, (_, _) => a.BuildNumber is { } ba && b.BuildNumber is { } bb ? (bb, b.Ubr ?? 0).CompareTo((ba, a.Ubr ?? 0)) : null);
        Field("InstallationType", a.InstallationType, b.InstallationType);
        Field("Architecture", a.Architecture.ToString(), b.Architecture.ToString());
    }

    private static int? CompareDisplayVersions(string? x, string? y)
    {
        var mx = HalfYear.Match(x ?? string.Empty);
        var my = HalfYear.Match(y ?? string.Empty);
        return mx.Success && my.Success ? string.CompareOrdinal(my.Value, mx.Value) : null;
    }

    private static void CompareDrivers(WindowsInstallation a, WindowsInstallation b, List<InventoryChange> changes)
    {
        var left = a.Drivers.ToList();
        var right = b.Drivers.ToList();
        var pairs = new List<(InstalledDriver A, InstalledDriver B)>();

        // Exact key first, then the same INF name whatever the provider or class.
        Pair(left, right, pairs, d => $"{d.OriginalName}\u0001{d.Provider}\u0001{ClassKey(d)}".ToUpperInvariant());
        Pair(left, right, pairs, d => d.OriginalName.ToUpperInvariant());

        var driverChanges = new List<InventoryChange>();
        foreach (var (x, y) in pairs)
        {
            if (DriverChange(x, y, b.PartitionNumber) is { } change)
            {
                driverChanges.Add(change);
            }
        }

        driverChanges.AddRange(left.Select(d => new InventoryChange { Category = InventoryChangeCategory.Driver, Change = ChangeKind.Removed, Subject = d.OriginalName, ReferenceValue = Describe(d), PartitionNumber = b.PartitionNumber, ReferenceDriver = d }));
        driverChanges.AddRange(right.Select(d => new InventoryChange { Category = InventoryChangeCategory.Driver, Change = ChangeKind.Added, Subject = d.OriginalName, DifferenceValue = Describe(d), PartitionNumber = b.PartitionNumber, DifferenceDriver = d }));
        changes.AddRange(driverChanges.OrderBy(c => c.Subject, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Change));
    }

    /// <summary>
    /// Pairs drivers with the same key: the same version and date first (unchanged packages), then the
    /// rest in version order, so two versions of one INF in both images pair old with old and new with new.
    /// </summary>
    private static void Pair(List<InstalledDriver> left, List<InstalledDriver> right, List<(InstalledDriver, InstalledDriver)> pairs, Func<InstalledDriver, string> key)
    {
        var byKey = right.GroupBy(key).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var group in left.GroupBy(key).ToList())
        {
            if (!byKey.TryGetValue(group.Key, out var candidates))
            {
                continue;
            }

            var mine = group.ToList();
            foreach (var x in group)
            {
                var same = candidates.FirstOrDefault(y => y.Version == x.Version && y.Date == x.Date && y.Source == x.Source);
                if (same is not null)
                {
                    Take(x, same);
                }
            }

            var ordered = mine.OrderBy(d => ParseVersion(d.Version)).ThenBy(d => d.Date).ToList();
            var theirs = candidates.OrderBy(d => ParseVersion(d.Version)).ThenBy(d => d.Date).ToList();
            for (var i = 0; i < Math.Min(ordered.Count, theirs.Count); i++)
            {
                Take(ordered[i], theirs[i]);
            }

            void Take(InstalledDriver x, InstalledDriver y)
            {
                pairs.Add((x, y));
                mine.Remove(x);
                candidates.Remove(y);
                left.Remove(x);
            }
        }

        var taken = new HashSet<InstalledDriver>(pairs.Select(p => p.Item2));
        right.RemoveAll(taken.Contains);
    }

    private static InventoryChange? DriverChange(InstalledDriver a, InstalledDriver b, int partition)
    {
        var differences = new List<(string Name, string? X, string? Y)>();
        void Property(string name, string? x, string? y)
        {
            if (!string.Equals(x, y, StringComparison.Ordinal))
            {
                differences.Add((name, x, y));
            }
        }

        Property("Version", a.Version, b.Version);
        Property("Date", Date(a.Date), Date(b.Date));
        Property("Provider", a.Provider, b.Provider);
        Property("ClassName", a.ClassName ?? a.ClassGuid?.ToString(), b.ClassName ?? b.ClassGuid?.ToString());
        Property("Origin", a.Origin.ToString(), b.Origin.ToString());
        Property("Source", a.Source.ToString(), b.Source.ToString());
        var ids = new HashSet<string>(a.HardwareIds, StringComparer.OrdinalIgnoreCase);
        var added = b.HardwareIds.Count(id => !ids.Contains(id));
        var removed = ids.Count - b.HardwareIds.Distinct(StringComparer.OrdinalIgnoreCase).Count(ids.Contains);
        if (added + removed > 0)
        {
            differences.Add(("HardwareIds", a.HardwareIds.Length.ToString(CultureInfo.InvariantCulture) + " IDs", $"{b.HardwareIds.Length} IDs (+{added} -{removed})"));
        }

        if (differences.Count == 0)
        {
            return null;
        }

        var order = ParseVersion(a.Version) is { } va && ParseVersion(b.Version) is { } vb && va != vb
            ? vb.CompareTo(va)
            : a.Date is { } da && b.Date is { } db && da != db && a.Version == b.Version ? db.CompareTo(da) : 0;
        return new InventoryChange
        {
            Category = InventoryChangeCategory.Driver,
            Change = order > 0 ? ChangeKind.Updated : order < 0 ? ChangeKind.Downgraded : ChangeKind.Changed,
            Subject = b.OriginalName,
            Property = string.Join(", ", differences.Select(d => d.Name)),
            ReferenceValue = string.Join(", ", differences.Select(d => d.X ?? "(none)")),
            DifferenceValue = string.Join(", ", differences.Select(d => d.Y ?? "(none)")),
            PartitionNumber = partition,
            ReferenceDriver = a,
            DifferenceDriver = b,
        };
    }

    private static string ClassKey(InstalledDriver driver) => driver.ClassGuid?.ToString("D") ?? driver.ClassName ?? string.Empty;

    private static Version? ParseVersion(string? text) => System.Version.TryParse(text, out var v) ? v : null;

    private static string? Date(DateTime? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Size(long bytes) => $"{bytes.ToString(CultureInfo.InvariantCulture)} ({ByteSize.Format(bytes, CultureInfo.InvariantCulture)})";

    private static string Describe(InstalledDriver d)
        => string.Join(", ", new[] { d.Version, Date(d.Date), d.Provider, d.ClassName, d.Source == DriverSource.DriverStore ? "staged only" : null }.Where(s => !string.IsNullOrEmpty(s)));

    private static string Describe(InventoryPartition p)
        => string.Join(", ", new[] { p.Kind.ToString(), ByteSize.Format(p.SizeBytes, CultureInfo.InvariantCulture), p.FileSystem, p.Label }.Where(s => !string.IsNullOrEmpty(s)));
}
