using System.CommandLine;

namespace ImageOps.Cli.Commands.Image;

/// <summary>
/// <c>imageops image</c>: verbs on the Windows inside an offline image. Each verb lives in its own file
/// (the driver verbs mirror Add-ImageDriver, Get-ImageDriver and Remove-ImageDriver).
/// </summary>
internal static class ImageCommand
{
    public static Command Create()
    {
        var image = new Command("image", "Work on the Windows inside an offline image (any format or chain): its drivers.");
        image.Subcommands.Add(ImageAddDriverVerb.Create());
        image.Subcommands.Add(ImageDriversVerb.Create());
        image.Subcommands.Add(ImageRemoveDriverVerb.Create());
        return image;
    }
}
