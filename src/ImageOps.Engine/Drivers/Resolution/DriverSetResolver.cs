using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using ImageOps.Engine.Text;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// Decides which packages a model gets. The rules, in order:
/// <list type="number">
/// <item>Profiles that apply to the model (selector, Windows version range, architecture) are walked by
/// precedence: higher <see cref="DriverProfileRules.Priority"/>, then the more specific selector, then
/// name. A profile with <see cref="DriverProfileRules.NoDrivers"/> ends the walk: profiles after it are not
/// consulted (profiles before it still contribute).</item>
/// <item>The walked profiles' sources (groups and packages, curated or OEM) give the candidates; a package
/// reached both ways is curated.</item>
/// <item>Exclusions of every walked profile remove candidates, whatever source brought them (an explicit
/// exclusion beats an implicit inclusion). Candidates not imported for the architecture, or with no models
/// section that applies to the Windows version, are removed too.</item>
/// <item>For each device (from the inventory; without one, each hardware id a candidate lists stands for a
/// device) the driver is: the best-ranked curated package that matches one of the device's hardware ids,
/// else the package Windows would rank first (<see cref="DriverMatcher"/>). A curated package that only
/// matches a compatible id does not override a specific OEM driver.</item>
/// <item>The set is the packages chosen for at least one device. Once injected, Windows ranks the set's
/// packages itself at first boot; where it would pick another package than the curated one the set is
/// reported (<see cref="DeviceResolution.DiffersFromCurated"/>) so the OEM package can be excluded.</item>
/// </list>
/// </summary>
internal sealed class DriverSetResolver
{
    private readonly DriverPackageCatalog _catalog;
    private readonly List<DriverPackageRecord> _records;
    private readonly List<DriverProfileRecord> _profiles;
    private readonly DriverIndex _index;
    private readonly Dictionary<string, DriverMatcher> _matchers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DriverPackageRecord> _byId = new(StringComparer.Ordinal);
    private static readonly Regex OemInf = new("^oem[0-9]+\\.inf$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public DriverSetResolver(DriverPackageCatalog catalog, List<DriverPackageRecord> records, List<DriverProfileRecord> profiles)
    {
        _catalog = catalog;
        _records = records;
        _profiles = profiles;
        _index = new DriverIndex(records);
        foreach (var record in records)
        {
            _byId[record.Id] = record;
        }
    }

    public DriverSet Resolve(DriverSetRequest request)
    {
        var platform = request.Platform ?? DriverPlatform.Default;
        var model = request.Model ?? throw new ArgumentNullException(nameof(request));
        var devices = request.Devices;
        var set = new DriverSet { Model = model, Platform = platform };
        var warnings = new List<string>();
        var applying = _profiles.Where(p => p.Rules.AppliesTo(model, platform))
            .OrderByDescending(p => p.Rules.Priority).ThenByDescending(p => p.Rules.Specificity).ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToList();
        if (applying.Count == 0)
        {
            set.Status = DriverSetStatus.NoProfile;
            set.Devices = Unresolved(request, DeviceCoverage.NoDriver, "No driver profile applies to " + model + " on " + platform + ".");
            return set;
        }

        var walked = new List<DriverProfileRecord>();
        var sources = new Dictionary<DriverPackageRecord, (DriverSourceTier Tier, string Source)>();
        foreach (var profile in applying)
        {
            walked.Add(profile);
            if (profile.Rules.NoDrivers)
            {
                set.StoppedBy = profile.Name;
                break;
            }

            AddSources(profile, sources, warnings);
        }

        set.Profiles = walked.Select(p => p.Name).ToArray();
        if (set.StoppedBy is not null && sources.Count == 0)
        {
            set.Status = DriverSetStatus.NoDrivers;
            set.Devices = Unresolved(request, DeviceCoverage.NotRequested, "Profile '" + set.StoppedBy + "' says this model gets no drivers.");
            set.Warnings = warnings.ToArray();
            return set;
        }

        if (set.StoppedBy is not null)
        {
            warnings.Add("Profile '" + set.StoppedBy + "' (no drivers) stops profiles of lower precedence; the profiles above it still contribute.");
        }

        var excluded = new List<DriverSetExclusion>();
        var candidates = new Dictionary<DriverPackageRecord, (DriverSourceTier Tier, string Source)>();
        var inf = platform.ToInf();
        foreach (var pair in sources.OrderBy(s => s.Key.InfName, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Key.Id, StringComparer.Ordinal))
        {
            var record = pair.Key;
            var why = ExclusionReason(record, walked)
                ?? (!record.Architectures.Contains(platform.Architecture)
                    ? "it was imported for " + string.Join(", ", record.Architectures.Select(DriverPlatform.ArchitectureName)) + ", not " + DriverPlatform.ArchitectureName(platform.Architecture)
                    : record.Manufacturers.Count > 0 && DriverSectionSelector.Selected(record, inf).Count == 0
                        ? "no models section applies to " + platform + (record.ModelsSections.Count > 0 ? ": " + DriverSectionSelector.WhyNotSelected(record, record.ModelsSections[0], inf) : string.Empty)
                        : null);
            if (why is not null)
            {
                excluded.Add(new DriverSetExclusion { PackageId = record.Id, Name = record.InfName, Class = record.Class, Reason = why });
                continue;
            }

            candidates.Add(record, pair.Value);
        }

        var matcher = MatcherFor(platform);
        var chosenFor = new Dictionary<DriverPackageRecord, List<string>>();
        var resolutions = new List<DeviceResolution>();
        DriverCandidate? curatedWin(DriverMatchResult r) => r.Candidates.FirstOrDefault(c => c.IsApplicable
            && candidates[RecordOf(c)].Tier == DriverSourceTier.Curated
            && c.Rank!.MatchType is DriverIdMatchType.HardwareIdToHardwareId or DriverIdMatchType.HardwareIdToCompatibleId);

        // Each device is ranked once; the explanations below reuse the rankings.
        var rankings = new Dictionary<string, (DriverCandidate? Chosen, DriverMatchResult Ranking)>(StringComparer.OrdinalIgnoreCase);
        var matched = new HashSet<string>(StringComparer.Ordinal);
        (DriverCandidate? Chosen, DriverMatchResult Ranking) Choose(DeviceIdentity device)
        {
            var key = string.Join("\u0001", device.HardwareIds) + "\u0002" + string.Join("\u0001", device.CompatibleIds);
            if (!rankings.TryGetValue(key, out var result))
            {
                var ranking = matcher.Match(device, candidates.ContainsKey);
                result = (curatedWin(ranking) ?? ranking.Chosen, ranking);
                rankings.Add(key, result);
                foreach (var candidate in ranking.Candidates)
                {
                    matched.Add(candidate.PackageId);
                }
            }

            return result;
        }

        if (devices is not null)
        {
            for (var i = 0; i < devices.Count; i++)
            {
                var device = devices[i];
                var (chosen, ranking) = Choose(device);
                var current = request.CurrentDriverInfs is { } infs && i < infs.Count ? infs[i] : null;
                var resolution = new DeviceResolution { Device = device, Class = device.Class, CurrentDriverInf = current };
                if (chosen is null)
                {
                    var inbox = current is not null && current.Length > 0 && !OemInf.IsMatch(System.IO.Path.GetFileName(current));
                    resolution.Coverage = inbox ? DeviceCoverage.Inbox : DeviceCoverage.NoDriver;
                    resolution.Reason = inbox
                        ? "No package of the set matches; the device uses " + current + ", which ships with Windows."
                        : ranking.Summary;
                }
                else
                {
                    var record = RecordOf(chosen);
                    resolution.Coverage = DeviceCoverage.Covered;
                    resolution.PackageId = chosen.PackageId;
                    resolution.PackageName = chosen.InfName;
                    resolution.Tier = candidates[record].Tier;
                    resolution.Class ??= record.Class;
                    resolution.IsBootStart = chosen.IsBootStart;
                    resolution.CuratedId = ranking.Candidates.FirstOrDefault(c => c.IsApplicable && candidates[RecordOf(c)].Tier == DriverSourceTier.Curated)?.PackageId;
                    resolution.Reason = ReasonFor(chosen, ranking);
                    Add(chosenFor, record, device.ToString());
                }

                resolutions.Add(resolution);
            }
        }
        else
        {
            foreach (var record in candidates.Keys)
            {
                if (record.Manufacturers.Count == 0)
                {
                    Add(chosenFor, record, "(no device models: a filter or software component the profile lists)");
                    continue;
                }

                foreach (var id in HardwareIdsOf(record, inf))
                {
                    var (chosen, _) = Choose(new DeviceIdentity(new[] { id }));
                    if (chosen is not null)
                    {
                        Add(chosenFor, RecordOf(chosen), id);
                    }
                }
            }
        }

        // Windows ranks what was injected by itself: find where it would not pick the curated driver.
        var kept = new HashSet<DriverPackageRecord>(chosenFor.Keys);
        if (devices is not null)
        {
            foreach (var resolution in resolutions.Where(r => r.Coverage == DeviceCoverage.Covered))
            {
                var windows = matcher.Match(resolution.Device, kept.Contains).Chosen;
                resolution.WindowsChoiceId = windows?.PackageId;
                resolution.WindowsChoiceName = windows?.InfName;
                if (resolution.Tier == DriverSourceTier.Curated && windows is not null && windows.PackageId != resolution.PackageId)
                {
                    resolution.DiffersFromCurated = true;
                    warnings.Add(string.Format(CultureInfo.InvariantCulture, "For '{0}' the curated {1} is chosen, but Windows would rank {2} ({3}) first once both are injected; exclude {2} or its class for this model if the curated driver must win.", resolution.Device, resolution.PackageName, windows.InfName, windows.PackageId));
                }
            }
        }
        else
        {
            foreach (var pair in chosenFor.Where(p => candidates[p.Key].Tier == DriverSourceTier.Curated))
            {
                foreach (var id in pair.Value.Where(v => !v.StartsWith("(", StringComparison.Ordinal)))
                {
                    var windows = matcher.Match(new DeviceIdentity(new[] { id }), kept.Contains).Chosen;
                    if (windows is not null && windows.PackageId != pair.Key.Id)
                    {
                        warnings.Add(string.Format(CultureInfo.InvariantCulture, "For {0} the curated {1} is chosen, but Windows would rank {2} ({3}) first once both are injected; exclude {2} or its class for this model if the curated driver must win.", id, pair.Key.InfName, windows.InfName, windows.PackageId));
                    }
                }
            }
        }

        foreach (var record in candidates.Keys.Where(r => !chosenFor.ContainsKey(r)))
        {
            if (devices is not null && !matched.Contains(record.Id))
            {
                // Packages of broad groups that none of the model's devices needs are counted, not listed.
                set.NotMatching++;
                continue;
            }

            excluded.Add(new DriverSetExclusion
            {
                PackageId = record.Id,
                Name = record.InfName,
                Class = record.Class,
                Reason = devices is not null
                    ? "it is not chosen for any of the model's " + devices.Count + " device(s)" + LostExample(record, devices.Where(d => Choose(d).Ranking.Candidates.Any(c => c.PackageId == record.Id)).ToList(), Choose)
                    : "another package is chosen for every hardware id it lists" + LostExample(record, HardwareIdsOf(record, inf).Take(64).Select(h => new DeviceIdentity(new[] { h })).ToList(), Choose),
            });
        }

        set.Status = DriverSetStatus.Resolved;
        set.Packages = chosenFor
            .Select(p => Describe(p.Key, candidates[p.Key], p.Value, platform, devices is not null))
            .OrderByDescending(p => p.IsBootCritical).ThenBy(p => p.Class, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.PackageId, StringComparer.Ordinal)
            .ToArray();
        set.Excluded = excluded.ToArray();
        set.Devices = resolutions.ToArray();
        set.Warnings = warnings.Distinct().ToArray();
        return set;
    }

    private DriverMatcher MatcherFor(DriverPlatform platform)
    {
        var key = platform.ToString();
        if (!_matchers.TryGetValue(key, out var matcher))
        {
            _matchers.Add(key, matcher = new DriverMatcher(_index, platform));
        }

        return matcher;
    }

    private DriverPackageRecord RecordOf(DriverCandidate candidate) => _byId[candidate.PackageId];

    private void AddSources(DriverProfileRecord profile, Dictionary<DriverPackageRecord, (DriverSourceTier Tier, string Source)> sources, List<string> warnings)
    {
        var rules = profile.Rules;
        void Offer(DriverPackageRecord record, DriverSourceTier tier, string source)
        {
            if (!sources.TryGetValue(record, out var existing) || existing.Tier < tier)
            {
                sources[record] = (tier, "profile '" + profile.Name + "', " + source);
            }
        }

        foreach (var (groups, tier, label) in new[] { (rules.CuratedGroups, DriverSourceTier.Curated, "curated group"), (rules.Groups, DriverSourceTier.Oem, "group") })
        {
            foreach (var group in groups)
            {
                var members = _records.Where(r => r.Groups.Contains(group, StringComparer.OrdinalIgnoreCase)).ToList();
                if (members.Count == 0)
                {
                    warnings.Add("Profile '" + profile.Name + "' names " + label + " '" + group + "', which no package in the library belongs to.");
                }

                foreach (var record in members)
                {
                    Offer(record, tier, label + " '" + group + "'");
                }
            }
        }

        foreach (var (ids, tier, label) in new[] { (rules.CuratedPackageIds, DriverSourceTier.Curated, "curated package"), (rules.PackageIds, DriverSourceTier.Oem, "package") })
        {
            foreach (var id in ids)
            {
                var record = _records.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));
                if (record is null)
                {
                    warnings.Add("Profile '" + profile.Name + "' names " + label + " " + id + ", which is not in the library.");
                    continue;
                }

                Offer(record, tier, label + " " + id);
            }
        }
    }

    private static string? ExclusionReason(DriverPackageRecord record, IEnumerable<DriverProfileRecord> profiles)
    {
        foreach (var profile in profiles)
        {
            var rules = profile.Rules;
            var by = "excluded by profile '" + profile.Name + "': ";
            if (rules.ExcludePackageIds.Any(id => string.Equals(id, record.Id, StringComparison.OrdinalIgnoreCase)))
            {
                return by + "the package is excluded";
            }

            var group = record.Groups.FirstOrDefault(g => rules.ExcludeGroups.Contains(g, StringComparer.OrdinalIgnoreCase));
            if (group is not null)
            {
                return by + "group '" + group + "' is excluded";
            }

            var cls = rules.ExcludeClasses.FirstOrDefault(c => string.Equals(c, record.Class, StringComparison.OrdinalIgnoreCase) || SameGuid(c, record.ClassGuid));
            if (cls is not null)
            {
                if (rules.ExcludeClassesFromGroups.Count == 0)
                {
                    return by + "class " + cls + " is excluded from every source";
                }

                var from = record.Groups.FirstOrDefault(g => rules.ExcludeClassesFromGroups.Contains(g, StringComparer.OrdinalIgnoreCase));
                if (from is not null)
                {
                    return by + "class " + cls + " is excluded from group '" + from + "'";
                }
            }

            foreach (var pattern in rules.ExcludeHardwareIds)
            {
                var wildcard = new Wildcard(pattern);
                var hit = record.ModelsSections.SelectMany(s => s.Models).SelectMany(m => new[] { m.HardwareId }.Concat(m.CompatibleIds)).FirstOrDefault(id => id is not null && wildcard.IsMatch(id));
                if (hit is not null)
                {
                    return by + "it lists " + hit + ", which matches the excluded hardware id '" + pattern + "'";
                }
            }
        }

        return null;
    }

    private static bool SameGuid(string a, string? b)
        => Guid.TryParse(a, out var x) && Guid.TryParse(b, out var y) && x == y;

    private static IEnumerable<string> HardwareIdsOf(DriverPackageRecord record, Formats.Inf.InfTargetPlatform platform)
        => DriverSectionSelector.Selected(record, platform).SelectMany(s => s.Models).Select(m => m.HardwareId).Where(h => !string.IsNullOrEmpty(h)).Distinct(StringComparer.OrdinalIgnoreCase)!;

    private static string ReasonFor(DriverCandidate chosen, DriverMatchResult ranking)
    {
        if (ranking.Chosen is { } windows && windows.PackageId != chosen.PackageId)
        {
            return "Curated " + chosen.InfName + " matches a hardware id (" + chosen.Rank!.DescribeMatch() + ") and wins over Windows' own pick " + windows.InfName + " (" + windows.RankHex + " against " + chosen.RankHex + ").";
        }

        return chosen.Reason;
    }

    private string LostExample(DriverPackageRecord record, IReadOnlyList<DeviceIdentity> devices, Func<DeviceIdentity, (DriverCandidate? Chosen, DriverMatchResult Ranking)> choose)
    {
        foreach (var device in devices)
        {
            var (chosen, ranking) = choose(device);
            var mine = ranking.Candidates.FirstOrDefault(c => c.PackageId == record.Id && c.IsApplicable);
            if (chosen is not null && mine is not null && chosen.PackageId != record.Id)
            {
                var why = ranking.Chosen is { } windows && windows.PackageId == chosen.PackageId
                    ? mine.Reason
                    : "a curated package matching the hardware id wins over the others";
                return "; for example for " + device + " " + chosen.InfName + " (" + chosen.PackageId + ") is chosen: " + why;
            }
        }

        return devices.Count == 0 ? string.Empty : " (it matches none of them)";
    }

    private DriverSetPackage Describe(DriverPackageRecord record, (DriverSourceTier Tier, string Source) source, List<string> chosenFor, DriverPlatform platform, bool devices)
    {
        var info = _catalog.Describe(record);
        var platformRecord = record.Platforms.FirstOrDefault(p => p.Architecture == platform.Architecture);
        var total = record.Manufacturers.Count == 0 ? 0 : HardwareIdsOf(record, platform.ToInf()).Count();
        return new DriverSetPackage
        {
            PackageId = record.Id,
            Name = record.InfName,
            Provider = record.Provider,
            Class = record.Class,
            Version = record.DriverVersion,
            Date = DriverPackageInfo.ParseDate(record.DriverDate),
            Tier = source.Tier,
            Source = source.Source,
            Reason = (source.Tier == DriverSourceTier.Curated ? "Curated, " : string.Empty) + (record.Manufacturers.Count == 0
                ? "listed by " + source.Source + " (it has no device models)."
                : devices
                    ? "chosen for " + chosenFor.Count + " device(s): " + string.Join(", ", chosenFor.Take(5)) + (chosenFor.Count > 5 ? ", ..." : string.Empty) + "; from " + source.Source + "."
                    : "chosen for " + chosenFor.Count + " of the " + total + " hardware id(s) it lists; from " + source.Source + "."),
            IsBootCritical = platformRecord?.BootCritical ?? false,
            IsBootStorageController = platformRecord?.BootStorageController ?? false,
            ChosenFor = chosenFor.ToArray(),
            InfStorePath = info.Files.FirstOrDefault(f => string.Equals(f.Path, record.InfPath, StringComparison.OrdinalIgnoreCase))?.StorePath ?? string.Empty,
            Files = info.Files,
        };
    }

    private static DeviceResolution[] Unresolved(DriverSetRequest request, DeviceCoverage coverage, string reason)
        => (request.Devices ?? Array.Empty<DeviceIdentity>()).Select((d, i) =>
        {
            var current = request.CurrentDriverInfs is { } infs && i < infs.Count ? infs[i] : null;
            var inbox = coverage == DeviceCoverage.NoDriver && current is not null && current.Length > 0 && !OemInf.IsMatch(System.IO.Path.GetFileName(current));
            return new DeviceResolution { Device = d, Class = d.Class, Coverage = inbox ? DeviceCoverage.Inbox : coverage, CurrentDriverInf = current, Reason = reason };
        }).ToArray();

    private static void Add(Dictionary<DriverPackageRecord, List<string>> map, DriverPackageRecord record, string what)
    {
        if (!map.TryGetValue(record, out var list))
        {
            map.Add(record, list = new List<string>());
        }

        if (!list.Contains(what))
        {
            list.Add(what);
        }
    }
}
