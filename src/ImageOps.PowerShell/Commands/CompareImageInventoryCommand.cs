using System;
using System.Management.Automation;
using ImageOps.Engine.Inventory;

namespace ImageOps.PowerShell.Commands;

/// <summary>Shows what changed between two offline images: Windows build and fields, drivers, boot mode and partitions.</summary>
/// <remarks>
/// <para>Compare-ImageInventory takes the inventory of two images (as Get-ImageInventory does) and
/// reports what changed from the reference image to the difference image: the monthly "what's new"
/// of a gold image. Changes lists each difference with its Category (Disk, Partition, BootMode,
/// Windows, Driver), its kind (Added, Removed, Updated, Downgraded, Changed), its Subject and the
/// values in both images. Identical is true when nothing changed; Summary says it in one line.</para>
/// <para>Windows fields compared: product name, edition, DisplayVersion (ReleaseId where there is no
/// DisplayVersion), version, build and UBR, installation type and architecture. Drivers are matched by
/// their original INF name, provider and class, then by INF name alone (so a new provider is a
/// change, not a removal and an addition); a higher version, or a later date of the same version, is
/// Updated. The oemN.inf names Windows gives third-party drivers are not compared: they are
/// renumbered from image to image.</para>
/// <para>Give the images as files (-ReferencePath and -DifferencePath) or as inventories taken
/// earlier (-ReferenceObject and -DifferenceObject; the difference inventory can come from the
/// pipeline). The imageops command's <c>image diff</c> verb exits 0 when identical, 1 when different
/// and 2 on error, as <c>disk compare</c> does.</para>
/// </remarks>
/// <example>
/// <code>Compare-ImageInventory -ReferencePath .\gold-2024-11.vhdx -DifferencePath .\gold-2024-12.vhdx</code>
/// <para>Shows what December's gold image changed: the build, and the drivers added, removed and updated.</para>
/// </example>
/// <example>
/// <code>(Compare-ImageInventory .\old.vhdx .\new.vhdx).Changes | Where-Object Category -eq Driver</code>
/// <para>Lists only the driver changes.</para>
/// </example>
/// <example>
/// <code>$before = Get-ImageInventory .\gold.vhdx; Get-ImageInventory .\gold-patched.vhdx | Compare-ImageInventory -ReferenceObject $before</code>
/// <para>Compares with an inventory taken earlier.</para>
/// </example>
/// <seealso cref="GetImageInventoryCommand"/>
/// <seealso cref="CompareDiskFileCommand"/>
[Cmdlet(VerbsData.Compare, "ImageInventory", DefaultParameterSetName = ByPath)]
[OutputType(typeof(ImageInventoryComparison))]
public sealed class CompareImageInventoryCommand : ImageOpsCmdlet
{
    private const string ByPath = "ByPath";
    private const string ByInputObject = "ByInputObject";

    /// <summary>
    /// <para>The reference (older) image file.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByPath, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "Path")]
    [ValidateNotNullOrEmpty]
    public string ReferencePath { get; set; } = string.Empty;

    /// <summary>
    /// <para>The difference (newer) image file.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByPath)]
    [ValidateNotNullOrEmpty]
    public string DifferencePath { get; set; } = string.Empty;

    /// <summary>
    /// <para>More folders in which parent images of either image may be opened.</para>
    /// </summary>
    [Parameter(ParameterSetName = ByPath)]
    [ValidateNotNullOrEmpty]
    public string[]? ParentSearchPath { get; set; }

    /// <summary>
    /// <para>The inventory of the reference (older) image, from Get-ImageInventory.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByInputObject)]
    [ValidateNotNull]
    public ImageInventory? ReferenceObject { get; set; }

    /// <summary>
    /// <para>The inventory of the difference (newer) image, from Get-ImageInventory or the pipeline.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ByInputObject, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ImageInventory? DifferenceObject { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ByInputObject)
        {
            WriteObject(InventoryComparer.Compare(ReferenceObject!, DifferenceObject!));
            return;
        }

        var reference = ResolveNewFileSystemPath(ReferencePath);
        var difference = ResolveNewFileSystemPath(DifferencePath);
        var roots = Array.ConvertAll(ParentSearchPath ?? Array.Empty<string>(), ResolveNewFileSystemPath);
        if (TryInvoke(reference, context => new ImageInventoryService(roots).Compare(reference, difference, context), out var result))
        {
            WriteObject(result);
        }
    }
}
