using System.Collections.Generic;
using ImageOps.Engine.Disks.Operations;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Disks;

/// <summary>
/// The virtual disk operations both front ends call (one engine call per cmdlet or CLI verb):
/// inspect, create, convert, capture, check, compare, measure, resize, optimize and merge.
/// </summary>
public sealed class DiskFileService
{
    private readonly DiskOpener _opener;

    /// <summary>Creates the service; parents may also be opened from <paramref name="parentSearchPaths"/>.</summary>
    public DiskFileService(IEnumerable<string>? parentSearchPaths = null)
    {
        _opener = new DiskOpener(parentSearchPaths);
    }

    /// <summary>Describes a disk file and its chain.</summary>
    public DiskFileInfo GetInfo(string path, DiskFormat? format = null, OperationContext? context = null)
        => DiskInspector.Inspect(_opener, path, format, context ?? OperationContext.None);

    /// <summary>Creates an empty disk file.</summary>
    public DiskFileInfo Create(NewDiskRequest request, OperationContext? context = null)
        => DiskCreator.Create(_opener, request, context ?? OperationContext.None);

    /// <summary>Converts a disk (flattening its chain, or only its top layer onto a backing image).</summary>
    public ConversionResult Convert(ConversionRequest request, OperationContext? context = null)
        => DiskConverter.Convert(new DiskOpener(request.ParentSearchPaths), request, context ?? OperationContext.None);

    /// <summary>
    /// Captures a block device, a disk file or one partition into an image, every sector or (used-only)
    /// only the clusters its NTFS volumes use.
    /// </summary>
    public CaptureResult Capture(CaptureRequest request, OperationContext? context = null)
        => DiskCapturer.Capture(new DiskOpener(request.ParentSearchPaths), request, context ?? OperationContext.None);

    /// <summary>Checks (and with <paramref name="repair"/>, repairs) a disk's metadata.</summary>
    public DiskCheckResult Check(string path, bool repair = false, DiskFormat? format = null, OperationContext? context = null)
        => DiskChecker.Check(path, format, repair, context ?? OperationContext.None);

    /// <summary>Compares the content of two disks of any formats.</summary>
    public DiskComparison Compare(string path, string otherPath, DiskFormat? format = null, DiskFormat? otherFormat = null, OperationContext? context = null)
        => DiskComparer.Compare(_opener, path, format, otherPath, otherFormat, context ?? OperationContext.None);

    /// <summary>Predicts the size of converting <paramref name="path"/> to <paramref name="target"/>.</summary>
    public DiskMeasureResult Measure(string path, DiskFormat target, DiskVariant variant = DiskVariant.Dynamic, int? clusterSizeBytes = null, bool compress = false, string? subformat = null, DiskFormat? sourceFormat = null, OperationContext? context = null)
        => DiskMaintenance.Measure(_opener, path, sourceFormat, target, variant, clusterSizeBytes, compress, subformat, context ?? OperationContext.None);

    /// <summary>Changes a disk's virtual size.</summary>
    public DiskFileInfo Resize(string path, long sizeBytes, bool allowShrink = false, OperationContext? context = null)
        => DiskMaintenance.Resize(_opener, path, sizeBytes, allowShrink, context ?? OperationContext.None);

    /// <summary>Rewrites a disk without its zero and unused blocks.</summary>
    public DiskOptimizeResult Optimize(string path, OperationContext? context = null)
        => DiskMaintenance.Optimize(_opener, path, context ?? OperationContext.None);

    /// <summary>Commits a differencing disk into its parent.</summary>
    public DiskMergeResult Merge(string childPath, bool keepChild = false, OperationContext? context = null)
        => DiskMaintenance.Merge(_opener, childPath, keepChild, context ?? OperationContext.None);
}
