using System.IO;
using ImageOps.Cli.Rendering;
using ImageOps.Engine.Inventory;
using ImageOps.Engine.OfflineVolumes;
using ImageOps.Engine.Samples;

namespace ImageOps.Cli.Commands.Demo;

/// <summary>
/// Demo chapter 3: inside the image — two monthly builds of a synthetic Windows 11 24H2 gold image, the
/// inventory of the first, and the diff of the two (the monthly "what's new").
/// </summary>
internal sealed class InventoryDemoStep : IDemoStep
{
    public string Title => "Inside the image: inventory and the monthly diff";

    public void Run(DemoContext demo)
    {
        var context = demo.Session.Context();
        Directory.CreateDirectory(demo.PathOf("images"));
        var november = demo.PathOf("images", "win11-gold-2024-11.vhdx");
        var december = demo.PathOf("images", "win11-gold-2024-12.vhdx");
        try
        {
            SyntheticWindowsImage.Create(november, new WindowsImageSpec { Build = 26100, Ubr = 2314 }, context);
            SyntheticWindowsImage.Create(december, new WindowsImageSpec { Build = 26100, Ubr = 2605, Drivers = SampleDrivers.NextMonth() }, context);
        }
        catch (ImageOpsException ex) when (ex.ErrorId is OfflineVolumeErrorIds.MkntfsNotAvailable or OfflineVolumeErrorIds.Ntfs3gNotAvailable)
        {
            demo.Say($"Skipped: building sample Windows images needs mkntfs and libntfs-3g ({ex.Message})");
            return;
        }

        demo.Say($"Built two sample Windows 11 24H2 images, a month apart  (imageops image create-sample; New-SampleWindowsImage)");
        var service = new ImageInventoryService();
        var inventory = service.GetInventory(november, context: context);
        demo.Say($"The inventory of {Path.GetFileName(november)}, read offline from its registry hives and driver store  (imageops image inventory; Get-ImageInventory):");
        InventoryViews.Inventory(demo.Session.Console, inventory);

        var diff = service.Compare(november, december, context);
        demo.Say($"What changed in December  (imageops image diff A B: exit 0 same, 1 changed; Compare-ImageInventory):");
        InventoryViews.Comparison(demo.Session.Console, diff);
    }
}
