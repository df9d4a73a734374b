using System.IO;
using ImageOps.Engine.Disks.Conversion;
using ImageOps.Engine.Platform;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Engine.Disks.Operations;

/// <summary>Creates an empty fixed, dynamic or differencing disk, under a temp name first.</summary>
internal static class DiskCreator
{
    public static DiskFileInfo Create(DiskOpener opener, NewDiskRequest request, OperationContext context)
    {
        var destination = Path.GetFullPath(request.Path);
        VirtualDisk? parent = null;
        try
        {
            var variant = request.Variant;
            long capacity;
            if (request.ParentPath is not null)
            {
                parent = opener.Open(request.ParentPath);
                variant = DiskVariant.Differencing;
                capacity = request.SizeBytes ?? parent.Capacity;
            }
            else
            {
                if (variant == DiskVariant.Differencing)
                {
                    throw new InvalidRequestException(ErrorIds.InvalidArgument, "A differencing disk needs a parent (-ParentPath, --parent).", destination);
                }

                capacity = request.SizeBytes ?? throw new InvalidRequestException(ErrorIds.InvalidArgument, "Say how large the disk is (-SizeBytes, --size).", destination);
            }

            var format = DiskFormats.Get(request.Format);
            if (capacity <= 0 || capacity % format.Capabilities.CapacityAlignment != 0)
            {
                throw new InvalidRequestException("DiskSizeInvalid", $"A {request.Format} disk's size must be a positive multiple of {format.Capabilities.CapacityAlignment} bytes, not {capacity}.", capacity);
            }

            if (capacity > format.Capabilities.MaxCapacity)
            {
                throw new InvalidRequestException("DiskTooLarge", $"{request.Format} holds at most {ByteSize.Format(format.Capabilities.MaxCapacity)}.", capacity);
            }

            using var output = new OutputFile(destination, request.Overwrite);
            var storage = new FlushPolicyStorage(FileBlockStorage.Create(output.TempPath), destination);
            using (var disk = format.Create(storage, new DiskCreateOptions
            {
                Capacity = capacity,
                Variant = variant,
                ClusterSize = request.ClusterSizeBytes,
                LogicalSectorSize = request.LogicalSectorSizeBytes,
                PhysicalSectorSize = request.PhysicalSectorSizeBytes,
                Parent = parent,
                ParentReference = parent is null ? null : PathRules.RelativePath(Path.GetDirectoryName(destination)!, Path.GetFullPath(parent.Path)),
                Subformat = request.Subformat,
            }))
            {
                disk.Flush();
                storage.FlushDurably();
            }

            output.Commit();
            context.Log.Verbose($"Created {variant.ToString().ToLowerInvariant()} {request.Format} '{destination}' of {ByteSize.Format(capacity)}.");
        }
        finally
        {
            parent?.Dispose();
        }

        return DiskInspector.Inspect(opener, destination, request.Format, context);
    }
}
