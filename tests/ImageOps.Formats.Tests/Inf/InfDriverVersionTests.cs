using System;
using ImageOps.Formats.Inf;

namespace ImageOps.Formats.Tests.Inf;

public class InfDriverVersionTests
{
    [Fact]
    public void Date_and_four_part_version_are_read()
    {
        var v = InfDriverVersion.Parse("06/12/2008", "5.09.10.04");
        Assert.True(v.IsValid);
        Assert.Equal(new DateTime(2008, 6, 12), v.Date);
        Assert.Equal(new Version(5, 9, 10, 4), v.Version);
    }

    [Fact]
    public void Hyphens_may_separate_the_date_and_the_version_is_optional()
    {
        var v = InfDriverVersion.Parse("01-29-2010", null);
        Assert.True(v.IsValid);
        Assert.Equal(new DateTime(2010, 1, 29), v.Date);
        Assert.Null(v.Version);
    }

    [Fact]
    public void A_short_version_is_padded_with_zeros()
        => Assert.Equal(new Version(1, 2, 0, 0), InfDriverVersion.Parse("1/2/2020", "1.2").Version);

    [Theory]
    [InlineData("13/01/2020", "1.0.0.0")]
    [InlineData("02/30/2020", "1.0.0.0")]
    [InlineData("2020-01-01", "1.0.0.0")]
    [InlineData("WILL_BE_FIXED_UP_BY_STAMPINF", null)]
    [InlineData("01/01/20", "1.0.0.0")]
    [InlineData("01/01/2020", "1.0.0.65536")]
    [InlineData("01/01/2020", "1.0.0.0.0")]
    [InlineData("01/01/2020", "1.x.0.0")]
    public void Invalid_dates_and_versions_are_reported_not_thrown(string date, string? version)
    {
        var v = InfDriverVersion.Parse(date, version);
        Assert.False(v.IsValid);
        Assert.NotNull(v.Problem);
    }
}
