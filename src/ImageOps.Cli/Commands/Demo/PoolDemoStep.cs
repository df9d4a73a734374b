using System.Linq;
using ImageOps.Cli.Rendering;
using ImageOps.Engine;
using ImageOps.Engine.Pools;

namespace ImageOps.Cli.Commands.Demo;

/// <summary>Demo chapter 1: image pools — create, list, change, refuse nesting, unregister, register, remove.</summary>
internal sealed class PoolDemoStep : IDemoStep
{
    public string Title => "Image pools: folders that hold published images";

    public void Run(DemoContext demo)
    {
        var pools = demo.Library.Pools;
        var context = demo.Session.Context();
        var gold = pools.Create("Gold", demo.PathOf("pools", "gold"), "Gold images, rebuilt monthly", context);
        demo.Say($"Created pool '{gold.Name}' in {gold.Path}  (imageops pool new --name Gold --path ...)");
        var lab = pools.Create("Lab", demo.PathOf("pools", "lab"), "Scratch images for testing", context);
        demo.Say($"Created pool '{lab.Name}' in {lab.Path}");

        try
        {
            pools.Create("Nested", demo.PathOf("pools", "gold", "nested"), null, context);
            demo.Say("Unexpected: a pool inside another pool was accepted.");
        }
        catch (InvalidRequestException ex)
        {
            demo.Say($"Refused a pool inside 'Gold' as expected: {ex.ErrorId}");
        }

        pools.Update("Gold", new PoolChanges { Description = "Windows 11 gold images" }, context);
        demo.Say("Changed Gold's description  (imageops pool set Gold --description ...)");

        var forgotten = pools.Unregister("Lab", context);
        demo.Say($"Unregistered 'Lab'; its folder stays, so it can be registered again (as from a share)");
        pools.Register(forgotten.Path, null, context);
        demo.Say($"Registered it again from {forgotten.Path}  (imageops pool register PATH)");

        demo.Say("The library now holds:");
        PoolViews.Table(demo.Session.Console, pools.Find(null, context).Pools.ToList());

        var removed = pools.Remove("Lab", force: false, deleteFiles: true, context);
        demo.Say($"Removed 'Lab' and deleted its files: {removed.FilesDeleted}  (imageops pool remove Lab --delete-files)");
    }
}
