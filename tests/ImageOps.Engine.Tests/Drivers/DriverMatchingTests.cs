using System;
using System.IO;
using System.Linq;
using ImageOps.Engine.Drivers;
using ImageOps.Engine.Library;
using ImageOps.Formats.Inf;
using ImageOps.Tests;

namespace ImageOps.Engine.Tests.Drivers;

/// <summary>
/// Ranking against Microsoft's documented rules, with constructed packages: "How Windows Ranks Drivers",
/// "Signature Score", "Feature Score", "Identifier Score", "Driver Package Rank Example", and "Overview of
/// the Driver Package Selection Process" (lowest rank, then newest date, then highest version; a match
/// counts only if its models section's TargetOSVersion applies).
/// </summary>
public sealed class DriverMatchingTests : IDisposable
{
    private static readonly DriverPlatform Win10 = new(InfArchitecture.Amd64, new Version(10, 0, 19045));
    private static readonly DriverPlatform Win11 = new(InfArchitecture.Amd64, new Version(10, 0, 22631));

    private readonly TempFolder _dir = new("match");
    private readonly ImageLibrary _library;
    private int _count;

    public DriverMatchingTests()
    {
        _library = ImageLibrary.Open(_dir.Combine("library"));
    }

    public void Dispose() => _dir.Dispose();

    private string Add(TestInf inf)
    {
        var folder = _dir.Combine("p" + _count++);
        var result = _library.Drivers.Packages.Add(new DriverImportRequest { Path = inf.WriteTo(folder) });
        var item = Assert.Single(result.Items);
        Assert.True(item.Status == DriverImportStatus.Added, item.Error?.Message);
        return item.Package!.Id;
    }

    private static TestInf Inf(string name, string date = "01/01/2024", string version = "1.0.0.0")
        => new() { Name = name + ".inf", CatalogFile = name + ".cat", DriverVer = date + "," + version };

    private DriverMatchResult Match(DeviceIdentity device, DriverPlatform? platform = null) => _library.Drivers.Match(device, platform ?? Win11);

    [Theory]
    // The table of "Driver Package Rank Example": device ids down, INF entry ids across.
    [InlineData(0, "INF_HWID_1", 0x0000u)]
    [InlineData(0, "INF_CID_1", 0x1000u)]
    [InlineData(0, "INF_CID_2", 0x1000u)]
    [InlineData(1, "INF_HWID_1", 0x0001u)]
    [InlineData(1, "INF_CID_1", 0x1001u)]
    [InlineData(1, "INF_CID_2", 0x1001u)]
    [InlineData(2, "INF_HWID_1", 0x2000u)]
    [InlineData(2, "INF_CID_1", 0x3000u)]
    [InlineData(2, "INF_CID_2", 0x3100u)]
    [InlineData(3, "INF_HWID_1", 0x2001u)]
    [InlineData(3, "INF_CID_1", 0x3001u)]
    [InlineData(3, "INF_CID_2", 0x3101u)]
    public void Identifier_scores_follow_the_documented_rank_example(int devicePosition, string infId, uint identifierScore)
    {
        Add(Inf("example").Model("NTamd64", "INF_HWID_1", "INF_CID_1", "INF_CID_2"));
        var ids = new[] { "HwID_1", "HwID_2", "CID_1", "CID_2" };
        ids[devicePosition] = infId;
        var result = Match(new DeviceIdentity(ids.Take(2), ids.Skip(2)));
        var chosen = Assert.IsType<DriverCandidate>(result.Chosen);
        Assert.Equal(0x00FF0000u + identifierScore, chosen.Rank!.Value);
        Assert.Equal(0x00, chosen.Rank.SignatureScore);
        Assert.Equal(0xFF, chosen.Rank.FeatureScore);
    }

    [Fact]
    public void A_hardware_id_match_beats_a_compatible_id_match_even_when_older()
    {
        var exact = Add(Inf("exact", "01/01/2018", "1.0.0.0").Model("NTamd64", "PCI\\VEN_8086&DEV_15F3&SUBSYS_12345678"));
        var generic = Add(Inf("generic", "06/01/2025", "9.0.0.0").Model("NTamd64", "PCI\\CC_020000"));
        var device = new DeviceIdentity(new[] { "PCI\\VEN_8086&DEV_15F3&SUBSYS_12345678", "PCI\\VEN_8086&DEV_15F3" }, new[] { "PCI\\VEN_8086&CC_020000", "PCI\\CC_020000" });
        var result = Match(device);
        Assert.Equal(exact, result.Chosen!.PackageId);
        Assert.Equal("0x00FF0000", result.Chosen.RankHex);
        var loser = result.Candidates.Single(c => c.PackageId == generic);
        Assert.Equal("0x00FF2001", loser.RankHex);
        Assert.Contains("identifier score 0x2001", loser.Reason);
        Assert.Contains("worse than 0x0000", loser.Reason);
    }

    [Fact]
    public void The_position_in_the_device_s_list_decides_between_hardware_id_matches()
    {
        Add(Inf("specific").Model("NTamd64", "USB\\VID_046D&PID_C52B&REV_1211"));
        var lessSpecific = Add(Inf("vidpid", "01/01/2030").Model("NTamd64", "USB\\VID_046D&PID_C52B"));
        var result = Match(new DeviceIdentity(new[] { "USB\\VID_046D&PID_C52B&REV_1211", "USB\\VID_046D&PID_C52B" }));
        Assert.Equal("specific.inf", result.Chosen!.InfName);
        Assert.Equal("0x00FF0001", result.Candidates.Single(c => c.PackageId == lessSpecific).RankHex);
    }

    [Fact]
    public void A_signed_package_beats_an_unsigned_one_whatever_the_identifier_and_nt_sections_rank_above_plain_ones()
    {
        var signedCompat = Add(Inf("signed").Model("NTamd64", "ACME\\GENERIC"));
        var unsignedNt = Inf("unsigned_nt", "01/01/2030");
        unsignedNt.WriteCatalog = false;
        unsignedNt.CatalogFile = null;
        var unsignedNtId = Add(unsignedNt.Model("NTamd64", "ACME\\DEVICE_1"));
        var unsignedPlain = Inf("unsigned_plain", "01/01/2031");
        unsignedPlain.CatalogFile = null;
        unsignedPlain.NtInstallSection = false;
        var unsignedPlainId = Add(unsignedPlain.Model("NTamd64", "ACME\\DEVICE_1"));

        var result = Match(new DeviceIdentity(new[] { "ACME\\DEVICE_1" }, new[] { "ACME\\GENERIC" }));
        Assert.Equal(new[] { signedCompat, unsignedNtId, unsignedPlainId }, result.Candidates.Select(c => c.PackageId));
        Assert.Equal("0x00FF2000", result.Candidates[0].RankHex);
        Assert.Equal("0x80FF0000", result.Candidates[1].RankHex);
        Assert.Equal("0xC0FF0000", result.Candidates[2].RankHex);
        Assert.Contains("signature score 0x80", result.Candidates[1].Reason);
        Assert.True(result.Candidates[0].Rank!.SignatureAssumed);
    }

    [Fact]
    public void A_lower_feature_score_wins_over_a_newer_date()
    {
        var featured = Inf("featured", "01/01/2019");
        featured.FeatureScore = 0x80;
        var featuredId = Add(featured.Model("NTamd64", "ACPI\\ACME0001"));
        Add(Inf("plain", "01/01/2025").Model("NTamd64", "ACPI\\ACME0001"));
        var result = Match(new DeviceIdentity(new[] { "ACPI\\ACME0001" }));
        Assert.Equal(featuredId, result.Chosen!.PackageId);
        Assert.Equal("0x00800000", result.Chosen.RankHex);
        Assert.Contains("feature score 0xFF is worse than 0x80", result.Candidates[1].Reason);
    }

    [Fact]
    public void Equal_ranks_are_decided_by_date_then_version_and_true_ties_are_said()
    {
        var older = Add(Inf("older", "03/01/2023", "5.0.0.0").Model("NTamd64", "PCI\\VEN_10EC&DEV_8168"));
        var newer = Add(Inf("newer", "04/01/2024", "1.0.0.0").Model("NTamd64", "PCI\\VEN_10EC&DEV_8168"));
        var newerHigher = Add(Inf("newer_higher", "04/01/2024", "1.2.0.0").Model("NTamd64", "PCI\\VEN_10EC&DEV_8168"));
        var result = Match(new DeviceIdentity(new[] { "PCI\\VEN_10EC&DEV_8168" }));
        Assert.Equal(new[] { newerHigher, newer, older }, result.Candidates.Select(c => c.PackageId));
        Assert.Contains("highest version (1.2.0.0)", result.Chosen!.Reason);
        Assert.Contains("version 1.0.0.0 is lower than 1.2.0.0", result.Candidates[1].Reason);
        Assert.Contains("date 2023-03-01 is older than 2024-04-01", result.Candidates[2].Reason);

        var twin = Inf("twin", "04/01/2024", "1.2.0.0");
        twin.Service = "twin";
        Add(twin.Model("NTamd64", "PCI\\VEN_10EC&DEV_8168"));
        var tied = Match(new DeviceIdentity(new[] { "PCI\\VEN_10EC&DEV_8168" }));
        Assert.Contains("Windows may pick either", tied.Candidates[1].Reason);
    }

    [Fact]
    public void A_models_section_whose_decoration_does_not_apply_is_not_a_match_and_says_why()
    {
        var win11Only = Add(Inf("win11only").Model("NTamd64.10.0...22000", "PCI\\VEN_8086&DEV_A0F0"));
        var device = new DeviceIdentity(new[] { "PCI\\VEN_8086&DEV_A0F0" });

        var onWin10 = Match(device, Win10);
        Assert.Null(onWin10.Chosen);
        var candidate = Assert.Single(onWin10.Candidates);
        Assert.Equal(win11Only, candidate.PackageId);
        Assert.False(candidate.IsApplicable);
        Assert.Contains("NTamd64.10.0...22000", candidate.Reason);
        Assert.Contains("build 22000", candidate.Reason);
        Assert.Contains("none applies", onWin10.Summary);

        Assert.Equal(win11Only, Match(device, Win11).Chosen!.PackageId);
        Assert.Null(Match(device, new DriverPlatform(InfArchitecture.Arm64, new Version(10, 0, 26100))).Chosen);
    }

    [Fact]
    public void Windows_uses_only_the_most_specific_applicable_section_of_a_manufacturer()
    {
        // On 22631 the NTamd64.10.0...22000 section replaces NTamd64: an id listed only in NTamd64 is not offered.
        var id = Add(Inf("split").Model("NTamd64", "PCI\\VEN_1111&DEV_OLD").Model("NTamd64.10.0...22000", "PCI\\VEN_1111&DEV_NEW"));
        var old = new DeviceIdentity(new[] { "PCI\\VEN_1111&DEV_OLD" });
        Assert.Equal(id, Match(old, Win10).Chosen!.PackageId);
        var onWin11 = Match(old, Win11);
        Assert.Null(onWin11.Chosen);
        Assert.Contains("more specific [Mfg.NTamd64.10.0...22000]", Assert.Single(onWin11.Candidates).Reason);
    }

    [Fact]
    public void Server_only_sections_do_not_apply_to_workstations()
    {
        Add(Inf("server").Model("NTamd64.10.0.3", "PCI\\VEN_2222&DEV_0001"));
        var device = new DeviceIdentity(new[] { "PCI\\VEN_2222&DEV_0001" });
        Assert.Null(Match(device, Win11).Chosen);
        Assert.NotNull(Match(device, new DriverPlatform(InfArchitecture.Amd64, new Version(10, 0, 20348), DriverProductType.Server)).Chosen);
    }

    [Fact]
    public void The_summary_explains_the_choice_in_one_sentence()
    {
        Add(Inf("only").Model("NTamd64", "HID\\VID_1234&PID_0001"));
        var result = Match(new DeviceIdentity(new[] { "HID\\VID_1234&PID_0001" }));
        Assert.StartsWith("only.inf", result.Summary);
        Assert.Contains("is the only one", result.Summary);
        Assert.Contains("rank 0x00FF0000 = signature 0x00", result.Summary);
        Assert.Equal("No package in the library lists any of the device's ids.", Match(new DeviceIdentity(new[] { "NOPE\\1" })).Summary);
        Assert.Equal(ErrorIds.InvalidArgument, Assert.Throws<InvalidRequestException>(() => Match(new DeviceIdentity(Array.Empty<string>()))).ErrorId);
    }

    [Fact]
    public void Ids_compare_without_case()
    {
        Add(Inf("lower").Model("NTamd64", "pci\\ven_8086&dev_1234"));
        Assert.NotNull(Match(new DeviceIdentity(new[] { "PCI\\VEN_8086&DEV_1234" })).Chosen);
    }
}
