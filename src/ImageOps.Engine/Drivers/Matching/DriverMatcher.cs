using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ImageOps.Formats.Inf;

namespace ImageOps.Engine.Drivers;

/// <summary>
/// Every hardware and compatible id that some models entry of a set of packages lists, so that matching a
/// device costs one lookup per device id whatever the size of the library.
/// </summary>
internal sealed class DriverIndex
{
    private readonly Dictionary<string, List<Hit>> _byId = new(StringComparer.OrdinalIgnoreCase);

    public DriverIndex(IEnumerable<DriverPackageRecord> records)
    {
        Records = records.ToList();
        foreach (var record in Records)
        {
            foreach (var section in record.ModelsSections)
            {
                for (var m = 0; m < section.Models.Count; m++)
                {
                    var model = section.Models[m];
                    if (!string.IsNullOrEmpty(model.HardwareId))
                    {
                        Add(model.HardwareId!, new Hit(record, section, m, 0));
                    }

                    for (var k = 0; k < model.CompatibleIds.Count; k++)
                    {
                        Add(model.CompatibleIds[k], new Hit(record, section, m, k + 1));
                    }
                }
            }
        }
    }

    public IReadOnlyList<DriverPackageRecord> Records { get; }

    public IReadOnlyList<Hit> Lookup(string id) => _byId.TryGetValue(id, out var hits) ? hits : (IReadOnlyList<Hit>)Array.Empty<Hit>();

    private void Add(string id, Hit hit)
    {
        if (!_byId.TryGetValue(id, out var list))
        {
            _byId.Add(id, list = new List<Hit>());
        }

        list.Add(hit);
    }

    /// <summary>An id in a models entry: position 0 is the entry's hardware id, 1.. its compatible ids.</summary>
    internal sealed class Hit
    {
        public Hit(DriverPackageRecord record, DriverModelsSectionRecord section, int model, int position)
        {
            Record = record;
            Section = section;
            Model = model;
            Position = position;
        }

        public DriverPackageRecord Record { get; }

        public DriverModelsSectionRecord Section { get; }

        public int Model { get; }

        public int Position { get; }
    }
}

/// <summary>
/// Ranks the packages of an index for devices on one platform, as Windows does ("Overview of the Driver
/// Package Selection Process"): a package matches if one of the device's ids equals an id of an entry in a
/// models section whose TargetOSVersion applies; each match gets a rank (<see cref="DriverRank"/>); the
/// lowest rank wins; among equal ranks the newest DriverVer date; then the highest version; beyond that
/// "Windows can select any driver package", and ImageOps orders by package id so results are stable.
/// Entries in sections that do not apply are listed with the reason, because "why was my driver not
/// used" is usually a decoration that excludes the target build.
/// </summary>
internal sealed class DriverMatcher
{
    private readonly DriverIndex _index;
    private readonly DriverPlatform _platform;
    private readonly InfTargetPlatform _inf;
    private readonly Dictionary<DriverPackageRecord, HashSet<string>> _selected = new();

    public DriverMatcher(DriverIndex index, DriverPlatform platform)
    {
        _index = index;
        _platform = platform;
        _inf = platform.ToInf();
    }

    public DriverPlatform Platform => _platform;

    /// <summary>Ranks the candidates for <paramref name="device"/>, optionally only among packages <paramref name="include"/> accepts.</summary>
    public DriverMatchResult Match(DeviceIdentity device, Func<DriverPackageRecord, bool>? include = null)
    {
        // The best (lowest identifier score) match per models entry.
        var entries = new Dictionary<(DriverPackageRecord, DriverModelsSectionRecord, int), (int Score, DriverIdMatchType Type, int DevicePos, int InfPos, string DeviceId, string InfId)>();
        void Consider(string deviceId, int devicePosition, bool deviceIsHardware)
        {
            foreach (var hit in _index.Lookup(deviceId))
            {
                if (include is not null && !include(hit.Record))
                {
                    continue;
                }

                var infIsHardware = hit.Position == 0;
                var type = deviceIsHardware
                    ? infIsHardware ? DriverIdMatchType.HardwareIdToHardwareId : DriverIdMatchType.HardwareIdToCompatibleId
                    : infIsHardware ? DriverIdMatchType.CompatibleIdToHardwareId : DriverIdMatchType.CompatibleIdToCompatibleId;
                var probe = new DriverRank(0, 0, type, devicePosition, hit.Position, deviceId, string.Empty);
                var key = (hit.Record, hit.Section, hit.Model);
                if (!entries.TryGetValue(key, out var best) || probe.IdentifierScore < best.Score)
                {
                    var model = hit.Section.Models[hit.Model];
                    var infId = infIsHardware ? model.HardwareId! : model.CompatibleIds[hit.Position - 1];
                    entries[key] = (probe.IdentifierScore, type, devicePosition, hit.Position, deviceId, infId);
                }
            }
        }

        for (var i = 0; i < device.HardwareIds.Count; i++)
        {
            Consider(device.HardwareIds[i], i, deviceIsHardware: true);
        }

        for (var j = 0; j < device.CompatibleIds.Count; j++)
        {
            Consider(device.CompatibleIds[j], j, deviceIsHardware: false);
        }

        var applicable = new Dictionary<DriverPackageRecord, DriverCandidate>();
        var notApplicable = new Dictionary<DriverPackageRecord, DriverCandidate>();
        foreach (var pair in entries)
        {
            var (record, section, modelIndex) = pair.Key;
            var (_, type, devicePos, infPos, deviceId, infId) = pair.Value;
            var model = section.Models[modelIndex];
            var candidate = NewCandidate(record, section, model);
            if (!SelectedSections(record).Contains(section.Name))
            {
                candidate.Reason = "[" + section.Name + "] lists " + infId + ", but Windows does not use that section here: " + DriverSectionSelector.WhyNotSelected(record, section, _inf) + ".";
                if (!notApplicable.ContainsKey(record) && !applicable.ContainsKey(record))
                {
                    notApplicable[record] = candidate;
                }

                continue;
            }

            var install = InstallSection(record, model.InstallSection);
            var platformRecord = record.Platforms.FirstOrDefault(p => p.Architecture == _platform.Architecture);
            var signature = platformRecord?.CatalogPresent == true
                ? DriverRank.SignatureTrusted
                : (install?.Decoration ?? string.Empty).StartsWith(".NT", StringComparison.OrdinalIgnoreCase) ? DriverRank.SignatureUnsignedNt : DriverRank.SignatureUnsigned;
            candidate.Rank = new DriverRank(signature, install?.FeatureScore ?? DriverRank.DefaultFeatureScore, type, devicePos, infPos, deviceId, infId);
            candidate.IsApplicable = true;
            candidate.InstallSection = install?.Name ?? model.InstallSection;
            candidate.IsBootStart = install?.BootStart ?? false;
            candidate.Date = DriverPackageInfo.ParseDate(install?.DriverDate ?? record.DriverDate);
            candidate.Version = install?.DriverVersion ?? record.DriverVersion;
            notApplicable.Remove(record);
            if (!applicable.TryGetValue(record, out var previous) || Compare(candidate, previous) < 0)
            {
                applicable[record] = candidate;
            }
        }

        var ranked = applicable.Values.ToList();
        ranked.Sort(Compare);
        Explain(ranked);
        var result = new DriverMatchResult
        {
            Device = device,
            Platform = _platform,
            Chosen = ranked.FirstOrDefault(),
            Candidates = ranked.Concat(notApplicable.Values.OrderBy(c => c.InfName, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.PackageId, StringComparer.Ordinal)).ToArray(),
        };
        result.Summary = result.Chosen is { } chosen
            ? string.Format(CultureInfo.InvariantCulture, "{0} ({1}) {2} of {3} matching package(s) on {4}: {5}", chosen.InfName, chosen.PackageId, ranked.Count == 1 ? "is the only one" : "is the best", ranked.Count, _platform, chosen.Rank!.Describe())
            : notApplicable.Count > 0
                ? notApplicable.Count + " package(s) list the device's ids, but none applies to " + _platform + "."
                : "No package in the library lists any of the device's ids.";
        return result;
    }

    /// <summary>Windows' order: rank, then newer date, then higher version; then package id for a stable result.</summary>
    internal static int Compare(DriverCandidate a, DriverCandidate b)
    {
        var c = a.Rank!.Value.CompareTo(b.Rank!.Value);
        if (c != 0)
        {
            return c;
        }

        c = (b.Date ?? DateTime.MinValue).CompareTo(a.Date ?? DateTime.MinValue);
        if (c != 0)
        {
            return c;
        }

        c = ParseVersion(b.Version).CompareTo(ParseVersion(a.Version));
        return c != 0 ? c : string.CompareOrdinal(a.PackageId, b.PackageId);
    }

    /// <summary>Why each candidate won or lost against the first (which must be sorted first).</summary>
    internal static void Explain(IReadOnlyList<DriverCandidate> ranked)
    {
        if (ranked.Count == 0)
        {
            return;
        }

        var winner = ranked[0];
        for (var i = 0; i < ranked.Count; i++)
        {
            ranked[i].Position = i + 1;
            ranked[i].IsChosen = i == 0;
            if (i > 0)
            {
                ranked[i].Reason = "Lost to " + winner.InfName + " (" + winner.PackageId + "): " + Difference(ranked[i], winner) + ".";
            }
        }

        winner.Reason = ranked.Count == 1
            ? "The only applicable match: " + winner.Rank!.Describe() + "."
            : "Chosen: " + winner.Rank!.Describe() + (ranked[1].Rank!.Value == winner.Rank.Value ? ", and of the equally ranked drivers " + Difference(ranked[1], winner, asWinner: true) : string.Empty) + ".";
    }

    private static string Difference(DriverCandidate loser, DriverCandidate winner, bool asWinner = false)
    {
        var l = loser.Rank!;
        var w = winner.Rank!;
        if (l.SignatureScore != w.SignatureScore)
        {
            return string.Format(CultureInfo.InvariantCulture, "signature score 0x{0:X2} ({1}) is worse than 0x{2:X2}", l.SignatureScore, DriverRank.DescribeSignature(l.SignatureScore), w.SignatureScore);
        }

        if (l.FeatureScore != w.FeatureScore)
        {
            return string.Format(CultureInfo.InvariantCulture, "feature score 0x{0:X2} is worse than 0x{1:X2}", l.FeatureScore, w.FeatureScore);
        }

        if (l.IdentifierScore != w.IdentifierScore)
        {
            return string.Format(CultureInfo.InvariantCulture, "identifier score 0x{0:X4} ({1}) is worse than 0x{2:X4} ({3})", l.IdentifierScore, l.DescribeMatch(), w.IdentifierScore, w.DescribeMatch());
        }

        var ld = loser.Date ?? DateTime.MinValue;
        var wd = winner.Date ?? DateTime.MinValue;
        if (ld != wd)
        {
            return asWinner
                ? "it has the newest DriverVer date (" + FormatDate(winner.Date) + ")"
                : string.Format(CultureInfo.InvariantCulture, "same rank {0}, but its DriverVer date {1} is older than {2}", w.Hex, FormatDate(loser.Date), FormatDate(winner.Date));
        }

        if (ParseVersion(loser.Version) != ParseVersion(winner.Version))
        {
            return asWinner
                ? "it has the highest version (" + (winner.Version ?? "none") + ") among those of the same date"
                : string.Format(CultureInfo.InvariantCulture, "same rank {0} and date {1}, but its version {2} is lower than {3}", w.Hex, FormatDate(winner.Date), loser.Version ?? "(none)", winner.Version ?? "(none)");
        }

        return asWinner
            ? "it ties with " + loser.InfName + " (" + loser.PackageId + ") on rank, date and version: Windows may pick either; ImageOps orders ties by package id"
            : "same rank, date and version: Windows may pick either; ImageOps orders ties by package id";
    }

    private static string FormatDate(DateTime? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "00/00/0000 (none)";

    private static Version ParseVersion(string? text) => System.Version.TryParse(text, out var v) ? v : new Version(0, 0, 0, 0);

    private HashSet<string> SelectedSections(DriverPackageRecord record)
    {
        if (!_selected.TryGetValue(record, out var names))
        {
            names = new HashSet<string>(DriverSectionSelector.Selected(record, _inf).Select(s => s.Name), StringComparer.OrdinalIgnoreCase);
            _selected.Add(record, names);
        }

        return names;
    }

    private DriverInstallSectionRecord? InstallSection(DriverPackageRecord record, string baseName)
        => record.InstallSections.FirstOrDefault(s => s.Architecture == _platform.Architecture && string.Equals(s.BaseName, baseName, StringComparison.OrdinalIgnoreCase));

    private static DriverCandidate NewCandidate(DriverPackageRecord record, DriverModelsSectionRecord section, DriverModelRecord model) => new()
    {
        PackageId = record.Id,
        InfName = record.InfName,
        Provider = record.Provider,
        Class = record.Class,
        ModelsSection = section.Name,
        Decoration = section.Decoration,
        Description = model.Description,
        InstallSection = model.InstallSection,
        Date = DriverPackageInfo.ParseDate(record.DriverDate),
        Version = record.DriverVersion,
        Groups = record.Groups.ToArray(),
    };
}
