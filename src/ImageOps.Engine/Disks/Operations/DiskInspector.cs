using System.Collections.Generic;
using System.IO;
using System.Linq;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Disks.Operations;

/// <summary>Builds <see cref="DiskFileInfo"/>: geometry, allocation and the chain with each link's identity check.</summary>
internal static class DiskInspector
{
    public static DiskFileInfo Inspect(DiskOpener opener, string path, DiskFormat? format, OperationContext context)
    {
        VirtualDisk disk;
        string? unavailable = null;
        try
        {
            // Inspection reports a mismatched parent instead of refusing it.
            disk = opener.Open(path, format: format, verifyParentIdentity: false);
        }
        catch (ImageOpsException ex) when (IsParentProblem(ex))
        {
            unavailable = ex.Message;
            disk = opener.Open(path, format: format, skipParents: true);
        }

        using (disk)
        {
            var info = Describe(disk, context);
            info.Chain = Chain(disk, unavailable).ToArray();
            return info;
        }
    }

    internal static DiskFileInfo Describe(VirtualDisk disk, OperationContext context)
    {
        long allocated = 0;
        foreach (var range in disk.GetAllocation(0, disk.Capacity))
        {
            context.ThrowIfCancelled();
            if (range.Kind == AllocationKind.Data)
            {
                allocated += range.Length;
            }
        }

        return new DiskFileInfo
        {
            Path = Path.GetFullPath(disk.Path),
            Format = disk.Format,
            Variant = disk.Variant,
            Subformat = disk.Subformat,
            CapacityBytes = disk.Capacity,
            FileSizeBytes = disk.FileSize,
            AllocatedBytes = allocated,
            ClusterSizeBytes = disk.ClusterSize,
            LogicalSectorSize = disk.LogicalSectorSize,
            PhysicalSectorSize = disk.PhysicalSectorSize,
            Identity = disk.Identity,
            ParentReference = disk.ParentLink?.Reference,
            ParentPath = disk.ParentLink?.ResolvedPath,
        };
    }

    private static IEnumerable<DiskChainEntry> Chain(VirtualDisk top, string? unavailable)
    {
        var depth = 0;
        for (var disk = top; disk is not null; disk = disk.Parent, depth++)
        {
            var link = disk.ParentLink;
            var status = link is null ? ChainLinkStatus.None
                : disk.Parent is null ? ChainLinkStatus.Unavailable
                : link.IdentityMatches switch
                {
                    true => ChainLinkStatus.Verified,
                    false => ChainLinkStatus.IdentityMismatch,
                    null => ChainLinkStatus.Unverified,
                };
            yield return new DiskChainEntry
            {
                Depth = depth,
                Path = Path.GetFullPath(disk.Path),
                Format = disk.Format,
                Variant = disk.Variant,
                Identity = disk.Identity,
                ParentLink = status,
                ExpectedParentIdentity = link?.ExpectedIdentity,
                ParentDetail = status switch
                {
                    ChainLinkStatus.Unavailable => unavailable ?? $"The parent '{link!.Reference}' was not opened.",
                    ChainLinkStatus.IdentityMismatch => $"'{link!.ResolvedPath}' has identity {link.ActualIdentity}, but this disk was made from {link.ExpectedIdentity}.",
                    _ => null,
                },
            };
        }
    }

    internal static bool IsParentProblem(ImageOpsException ex)
        => ex.ErrorId is "ParentNotFound" or "ParentReferenceRefused" or "ChainTooDeep" or "ChainCycle" or "ParentIdentityMismatch";
}
