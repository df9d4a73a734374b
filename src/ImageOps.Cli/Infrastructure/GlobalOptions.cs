using System.CommandLine;

namespace ImageOps.Cli.Infrastructure;

/// <summary>Options every verb accepts (declared recursive on the root command).</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Library = new("--library")
    {
        Description = "Library folder to use instead of $IMAGEOPS_HOME or the per-OS default.",
        Recursive = true,
        HelpName = "PATH",
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write results (and errors) as JSON on standard output.",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Write what the operation is doing to standard error.",
        Recursive = true,
    };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Library);
        root.Options.Add(Json);
        root.Options.Add(Verbose);
    }
}
