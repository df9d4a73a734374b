using System.CommandLine;
using ImageOps.Cli.Commands.Disk;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Inventory;

namespace ImageOps.Cli.Commands.Image;

/// <summary>
/// <c>imageops image diff A B</c> — Compare-ImageInventory. Exit 0 when nothing changed, 1 when
/// something did, 2 on error: the convention of <c>disk compare</c> (and qemu-img compare, and diff).
/// </summary>
internal static class ImageDiffVerb
{
    /// <summary>The code for "could not compare", as <c>disk compare</c>.</summary>
    private const int DiffError = 2;

    public static Command Create()
    {
        var reference = new Argument<string>("reference") { Description = "The reference (older) image." };
        var difference = new Argument<string>("difference") { Description = "The difference (newer) image." };
        var roots = DiskOptions.ParentSearchPath();
        var command = new Command("diff", "Show what changed between two images (the monthly \"what's new\"): build and other Windows fields, drivers added, removed and updated, boot mode, partitions. Exit 0 identical, 1 different, 2 error.") { reference, difference, roots };
        command.SetAction((parse, cancellation) => System.Threading.Tasks.Task.FromResult(VerbAction.Run(parse, cancellation, session =>
        {
            var service = new ImageInventoryService(CliPaths.All(session.Parse.GetValue(roots)));
            var result = service.Compare(
                CliPaths.Full(session.Parse.GetRequiredValue(reference)),
                CliPaths.Full(session.Parse.GetRequiredValue(difference)),
                session.Context());
            session.Result(result, console => InventoryViews.Comparison(console, result));
            return result.Identical ? 0 : 1;
        }, failureExitCode: DiffError)));
        return command;
    }
}
