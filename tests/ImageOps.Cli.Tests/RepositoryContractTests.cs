using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ImageOps.Tests;

namespace ImageOps.Cli.Tests;

/// <summary>The README's two commands stay true, and CI runs the same test command.</summary>
public class RepositoryContractTests
{
    private static string[] ShellCommands()
    {
        var readme = File.ReadAllText(RepoPaths.Combine("README.md"));
        var quickStart = readme.Substring(readme.IndexOf("## Quick start", System.StringComparison.Ordinal));
        quickStart = quickStart.Substring(0, quickStart.IndexOf("\n## ", 5, System.StringComparison.Ordinal));
        return Regex.Matches(quickStart, "```sh\n(?<cmd>[^\n]+)\n```").Select(m => m.Groups["cmd"].Value.Trim()).ToArray();
    }

    [Fact]
    public void The_quick_start_has_exactly_the_demo_and_the_test_command()
    {
        Assert.Equal(new[] { "dotnet run --project src/ImageOps.Cli -- demo", "dotnet test ImageOps.sln" }, ShellCommands());
    }

    [Fact]
    public void CI_runs_the_readme_test_command()
    {
        var ci = File.ReadAllLines(RepoPaths.Combine(".ci", "run"));
        Assert.Contains(ShellCommands()[1], ci.Select(l => l.Trim()));
        Assert.Equal("set -euo pipefail", ci.First(l => l.StartsWith("set ", System.StringComparison.Ordinal)));
    }

    [Fact]
    public void The_demo_command_in_the_readme_is_the_demo_verb()
    {
        var root = CliApp.Build();
        Assert.Contains(root.Subcommands, c => c.Name == "demo");
    }
}
