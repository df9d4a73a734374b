using System.CommandLine;

namespace ImageOps.Cli.Infrastructure;

/// <summary>Options several verbs share, created per verb (a System.CommandLine option has one parent).</summary>
internal static class CommonOptions
{
    /// <summary>--what-if: the CLI's -WhatIf. Shows what would change and changes nothing.</summary>
    public static Option<bool> WhatIf() => new("--what-if")
    {
        Description = "Show what would be done, and do nothing.",
    };
}
