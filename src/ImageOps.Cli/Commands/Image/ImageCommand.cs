using System.CommandLine;

namespace ImageOps.Cli.Commands.Image;

/// <summary>
/// <c>imageops image</c>: the Windows inside offline disk images, mirroring the *-ImageInventory and
/// *-ImageDriver cmdlets. Each verb lives in its own file.
/// </summary>
internal static class ImageCommand
{
    public static Command Create()
    {
        var image = new Command("image", "Look inside offline Windows images and change their drivers: inventory (version, build, architecture, drivers, boot mode), the diff between two images, and driver injection into a new layer.");
        image.Subcommands.Add(ImageInventoryVerb.Create());
        image.Subcommands.Add(ImageDiffVerb.Create());
        image.Subcommands.Add(ImageCreateSampleVerb.Create());
        image.Subcommands.Add(ImageAddDriverVerb.Create());
        image.Subcommands.Add(ImageDriversVerb.Create());
        image.Subcommands.Add(ImageRemoveDriverVerb.Create());
        return image;
    }
}
