using ImageOps.Engine.Text;

namespace ImageOps.Engine.Tests.Text;

public class WildcardTests
{
    [Theory]
    [InlineData("Gold*", "gold", true)]
    [InlineData("Gold*", "GoldenImage", true)]
    [InlineData("Gold*", "OldGold", false)]
    [InlineData("*old", "OldGolden", false)]
    [InlineData("*old", "OldGold", true)]
    [InlineData("G?ld", "Gold", true)]
    [InlineData("G?ld", "Gld", false)]
    [InlineData("[GL]*", "Lab", true)]
    [InlineData("[GL]*", "Test", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("a.b", "aXb", false)]
    [InlineData("a+b", "a+b", true)]
    [InlineData("`*", "*", true)]
    [InlineData("`*", "x", false)]
    [InlineData("[unclosed", "[unclosed", true)]
    public void Matches_like_powershell(string pattern, string value, bool expected)
        => Assert.Equal(expected, new Wildcard(pattern).IsMatch(value));

    [Theory]
    [InlineData("Gold", false)]
    [InlineData("Gold*", true)]
    [InlineData("G?ld", true)]
    [InlineData("[ab]", true)]
    [InlineData("`*", false)]
    public void Knows_when_a_pattern_has_wildcards(string pattern, bool expected)
        => Assert.Equal(expected, Wildcard.ContainsWildcard(pattern));
}
