using System.CommandLine;
using ImageOps.Cli.Commands.Disk;
using ImageOps.Cli.Infrastructure;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Inventory;

namespace ImageOps.Cli.Commands.Image;

/// <summary><c>imageops image inventory FILE</c> — Get-ImageInventory.</summary>
internal static class ImageInventoryVerb
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "The disk file (raw, VHD, VHDX, QCOW2, VMDK; a differencing disk is read through its chain)." };
        var format = DiskOptions.Format();
        var roots = DiskOptions.ParentSearchPath();
        var command = new Command("inventory", "Show what an offline image holds: Windows product, edition, version, build and UBR, architecture, drivers, boot mode, partitions, and any problems met reading it.") { path, format, roots };
        VerbAction.Set(command, session =>
        {
            var service = new ImageInventoryService(CliPaths.All(session.Parse.GetValue(roots)));
            var inventory = service.GetInventory(CliPaths.Full(session.Parse.GetRequiredValue(path)), session.Parse.GetValue(format), session.Context());
            session.Result(inventory, console => InventoryViews.Inventory(console, inventory));
            return ExitCodes.Success;
        });
        return command;
    }
}
