using System.Collections.Generic;
using ImageOps.Engine.Disks;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Inventory;

/// <summary>
/// The inventory operations both front ends call (one engine call per cmdlet or CLI verb):
/// Get-ImageInventory / <c>imageops image inventory</c> and Compare-ImageInventory /
/// <c>imageops image diff</c>. Disk files of any format and chain are opened read-only, with parents
/// only from the image's own folder and the search paths given.
/// </summary>
public sealed class ImageInventoryService
{
    private readonly DiskOpener _opener;

    /// <summary>Creates the service; parents may also be opened from <paramref name="parentSearchPaths"/>.</summary>
    public ImageInventoryService(IEnumerable<string>? parentSearchPaths = null)
    {
        _opener = new DiskOpener(parentSearchPaths);
    }

    /// <summary>
    /// Takes the inventory of the disk file at <paramref name="path"/>. A file that cannot be opened as a
    /// disk (missing, unknown or damaged format, parent refused or changed) is a typed error; problems
    /// inside the disk are reported in <see cref="ImageInventory.Problems"/>.
    /// </summary>
    public ImageInventory GetInventory(string path, DiskFormat? format = null, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        using var disk = _opener.Open(path, format: format);
        context.Log.Verbose($"Taking the inventory of '{disk.Path}' ({disk.Format}, {ByteSize.Format(disk.Capacity)}).");
        return WindowsInventoryReader.Read(disk, new WindowsInventoryOptions(), context).Inventory;
    }

    /// <summary>Takes both inventories and compares them: what changed from <paramref name="referencePath"/> to <paramref name="differencePath"/>.</summary>
    public ImageInventoryComparison Compare(string referencePath, string differencePath, OperationContext? context = null)
    {
        context ??= OperationContext.None;
        var reference = GetInventory(referencePath, context: context);
        var difference = GetInventory(differencePath, context: context);
        return InventoryComparer.Compare(reference, difference);
    }

    /// <summary>Compares two inventories taken earlier.</summary>
    public ImageInventoryComparison Compare(ImageInventory reference, ImageInventory difference)
        => InventoryComparer.Compare(reference, difference);
}
