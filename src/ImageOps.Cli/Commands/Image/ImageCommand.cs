using System.CommandLine;

namespace ImageOps.Cli.Commands.Image;

/// <summary><c>imageops image</c>: what is inside offline disk images, mirroring the *-ImageInventory cmdlets.</summary>
internal static class ImageCommand
{
    public static Command Create()
    {
        var image = new Command("image", "Look inside offline Windows images: inventory (version, build, architecture, drivers, boot mode) and the diff between two images.");
        image.Subcommands.Add(ImageInventoryVerb.Create());
        image.Subcommands.Add(ImageDiffVerb.Create());
        image.Subcommands.Add(ImageCreateSampleVerb.Create());
        return image;
    }
}
