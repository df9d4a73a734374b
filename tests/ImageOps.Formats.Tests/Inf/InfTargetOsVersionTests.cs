using ImageOps.Formats.Inf;

namespace ImageOps.Formats.Tests.Inf;

public class InfTargetOsVersionTests
{
    private static InfTargetPlatform Win(InfArchitecture arch, int major, int minor, int build, int type = 1, int suite = 0)
        => new(arch, major, minor, build, type, suite);

    [Fact]
    public void All_fields_are_read_including_empty_ones()
    {
        var t = InfTargetOsVersion.Parse("NTamd64.10.0...17763");
        Assert.True(t.IsValid);
        Assert.Equal(InfArchitecture.Amd64, t.Architecture);
        Assert.Equal(10, t.MajorVersion);
        Assert.Equal(0, t.MinorVersion);
        Assert.Null(t.ProductType);
        Assert.Null(t.SuiteMask);
        Assert.Equal(17763, t.BuildNumber);

        var suite = InfTargetOsVersion.Parse("NTx86....0x80");
        Assert.Equal(InfArchitecture.X86, suite.Architecture);
        Assert.Null(suite.MajorVersion);
        Assert.Equal(0x80, suite.SuiteMask);

        var type = InfTargetOsVersion.Parse("NT$ARCH$.10.0.1..16299");
        Assert.True(type.IsArchitecturePlaceholder);
        Assert.Equal(1, type.ProductType);
        Assert.Equal(16299, type.BuildNumber);
    }

    [Theory]
    [InlineData("NTAMD64", InfArchitecture.Amd64)]
    [InlineData("ntarm64", InfArchitecture.Arm64)]
    [InlineData("NTARM", InfArchitecture.Arm)]
    [InlineData("NTia64", InfArchitecture.Ia64)]
    [InlineData("NT", InfArchitecture.Unspecified)]
    [InlineData("NT.6.1", InfArchitecture.Unspecified)]
    public void Architecture_names_are_case_insensitive(string text, InfArchitecture expected)
    {
        var t = InfTargetOsVersion.Parse(text);
        Assert.True(t.IsValid);
        Assert.Equal(expected, t.Architecture);
    }

    [Theory]
    [InlineData("")]
    [InlineData("amd64")]
    [InlineData("NTmips")]
    [InlineData("NTamd64.ten")]
    [InlineData("NTamd64.1.2.3.4.5.6")]
    public void Invalid_decorations_are_flagged_and_never_apply(string text)
    {
        var t = InfTargetOsVersion.Parse(text);
        Assert.False(t.IsValid);
        Assert.NotNull(t.Problem);
        Assert.False(t.AppliesTo(Win(InfArchitecture.Amd64, 10, 0, 26100)));
    }

    [Fact]
    public void A_decoration_without_architecture_applies_to_x86_only()
    {
        // "Starting with Windows Server 2003 SP1, Architecture must be specified ... for non-x86".
        var nt = InfTargetOsVersion.Parse("NT");
        Assert.True(nt.AppliesTo(Win(InfArchitecture.X86, 10, 0, 19045)));
        Assert.False(nt.AppliesTo(Win(InfArchitecture.Amd64, 10, 0, 19045)));
    }

    [Fact]
    public void The_arch_placeholder_applies_to_every_architecture()
    {
        var t = InfTargetOsVersion.Parse("NT$ARCH$");
        Assert.True(t.AppliesTo(Win(InfArchitecture.Amd64, 10, 0, 19045)));
        Assert.True(t.AppliesTo(Win(InfArchitecture.Arm64, 10, 0, 19045)));
    }

    [Fact]
    public void Versions_must_not_exceed_the_platform()
    {
        var t = InfTargetOsVersion.Parse("NTamd64.6.2");
        Assert.True(t.AppliesTo(Win(InfArchitecture.Amd64, 6, 3, 9600)));
        Assert.True(t.AppliesTo(Win(InfArchitecture.Amd64, 10, 0, 10240)));
        Assert.False(t.AppliesTo(Win(InfArchitecture.Amd64, 6, 1, 7601)));
    }

    [Fact]
    public void The_build_counts_only_when_major_and_minor_are_equal()
    {
        var t = InfTargetOsVersion.Parse("NTamd64.10.0...22000");
        Assert.False(t.AppliesTo(Win(InfArchitecture.Amd64, 10, 0, 19045)));
        Assert.True(t.AppliesTo(Win(InfArchitecture.Amd64, 10, 0, 22000)));
        Assert.True(t.AppliesTo(Win(InfArchitecture.Amd64, 11, 0, 100)));
    }

    [Fact]
    public void Product_type_must_match_and_suite_bits_must_all_be_present()
    {
        var server = InfTargetOsVersion.Parse("NTamd64.10.0.3");
        Assert.True(server.AppliesTo(Win(InfArchitecture.Amd64, 10, 0, 20348, type: 3)));
        Assert.False(server.AppliesTo(Win(InfArchitecture.Amd64, 10, 0, 19045, type: 1)));

        var datacenter = InfTargetOsVersion.Parse("NTx86....0x80");
        Assert.True(datacenter.AppliesTo(Win(InfArchitecture.X86, 5, 1, 2600, suite: 0x82)));
        Assert.False(datacenter.AppliesTo(Win(InfArchitecture.X86, 5, 1, 2600, suite: 0x02)));
    }

    [Fact]
    public void The_documented_example_picks_the_highest_applicable_version_over_suite()
    {
        // "INF Manufacturer Section": on Windows XP (5.1) with or without Data Center, NT.5 is chosen.
        var m = TestManufacturer("NT", "NT.5", "NT.5.5", "NT....0x80");
        Assert.Equal("NT.5", m.SelectTargetOsVersion(Win(InfArchitecture.X86, 5, 1, 2600))!.Text);
        Assert.Equal("NT.5", m.SelectTargetOsVersion(Win(InfArchitecture.X86, 5, 1, 2600, suite: 0x80))!.Text);
    }

    [Fact]
    public void The_highest_applicable_build_wins()
    {
        var m = TestManufacturer("NT$ARCH$.10.0...17134", "NT$ARCH$.10.0...22000");
        Assert.Equal("NT$ARCH$.10.0...22000", m.SelectTargetOsVersion(Win(InfArchitecture.Amd64, 10, 0, 22621))!.Text);
        Assert.Equal("NT$ARCH$.10.0...17134", m.SelectTargetOsVersion(Win(InfArchitecture.Amd64, 10, 0, 19045))!.Text);
        Assert.Null(m.SelectTargetOsVersion(Win(InfArchitecture.Amd64, 10, 0, 16299)));
    }

    [Fact]
    public void The_undecorated_models_section_serves_x86_only()
    {
        var decorated = TestManufacturer("NTamd64");
        Assert.Equal("Models.NTamd64", decorated.SelectModelsSection(Win(InfArchitecture.Amd64, 10, 0, 19045)));
        Assert.Equal("Models", decorated.SelectModelsSection(Win(InfArchitecture.X86, 10, 0, 19045)));
        Assert.Null(decorated.SelectModelsSection(Win(InfArchitecture.Arm64, 10, 0, 19045)));

        var plain = TestManufacturer();
        Assert.Equal("Models", plain.SelectModelsSection(Win(InfArchitecture.X86, 10, 0, 19045)));
        Assert.Null(plain.SelectModelsSection(Win(InfArchitecture.Amd64, 10, 0, 19045)));
    }

    private static InfManufacturer TestManufacturer(params string[] decorations)
    {
        var doc = InfTestDocuments.Parse("[Manufacturer]\n%M%=Models" + string.Concat(System.Linq.Enumerable.Select(decorations, d => "," + d)) + "\n[Strings]\nM=Maker\n");
        return Assert.Single(doc.Manufacturers);
    }
}
