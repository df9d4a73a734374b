using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace ImageOps.Build.Packaging;

/// <summary>
/// The few facts the build reads from or writes into <c>module/ImageOps.psd1</c>: the exported
/// cmdlets, and the version stamped in at packaging (the committed file carries 0.0.0).
/// </summary>
internal static class ModuleManifest
{
    private static readonly Regex CmdletsBlock = new(@"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)", RegexOptions.Singleline);
    private static readonly Regex Quoted = new(@"'(?<name>[^']+)'");
    private static readonly Regex Version = new(@"(?m)^(?<indent>\s*)ModuleVersion\s*=\s*'[^']*'");

    /// <summary>The names listed in CmdletsToExport.</summary>
    public static IReadOnlyList<string> CmdletsToExport(string manifestText)
    {
        var block = CmdletsBlock.Match(manifestText);
        if (!block.Success)
        {
            throw new System.InvalidOperationException("The module manifest has no explicit CmdletsToExport = @( ... ) list.");
        }

        return Quoted.Matches(block.Groups["list"].Value).Select(m => m.Groups["name"].Value).ToList();
    }

    /// <summary>The manifest text with ModuleVersion set to <paramref name="version"/>.</summary>
    public static string StampVersion(string manifestText, string version)
    {
        if (!Version.IsMatch(manifestText))
        {
            throw new System.InvalidOperationException("The module manifest has no ModuleVersion line to stamp.");
        }

        return Version.Replace(manifestText, m => $"{m.Groups["indent"].Value}ModuleVersion = '{version}'", 1);
    }

    /// <summary>The ModuleVersion value.</summary>
    public static string? ModuleVersionOf(string manifestText)
    {
        var match = Regex.Match(manifestText, @"(?m)^\s*ModuleVersion\s*=\s*'(?<v>[^']*)'");
        return match.Success ? match.Groups["v"].Value : null;
    }
}
