using System.CommandLine;
using ImageOps.Cli.Commands.Demo;
using ImageOps.Cli.Commands.Disk;
using ImageOps.Cli.Commands.Driver;
using ImageOps.Cli.Commands.Image;
using ImageOps.Cli.Commands.Pool;
using ImageOps.Cli.Commands.Profile;
using ImageOps.Cli.Infrastructure;

namespace ImageOps.Cli;

/// <summary>Builds the <c>imageops</c> command tree. Each noun group lives in its own folder under Commands.</summary>
internal static class CliApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand("ImageOps: single-image desktop management — image pools, virtual disks, drivers and deployment.");
        GlobalOptions.AddTo(root);
        root.Subcommands.Add(PoolCommand.Create());
        root.Subcommands.Add(DiskCommand.Create());
        root.Subcommands.Add(ImageCommand.Create());
        root.Subcommands.Add(DriverCommand.Create());
        root.Subcommands.Add(ProfileCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root;
    }
}
