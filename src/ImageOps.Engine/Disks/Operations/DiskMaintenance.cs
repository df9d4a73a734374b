using System;
using System.IO;
using System.Linq;
using ImageOps.Engine.Disks.Conversion;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Engine.Disks.Operations;

/// <summary>Measure, resize, optimize (compact) and merge.</summary>
internal static class DiskMaintenance
{
    public static DiskMeasureResult Measure(DiskOpener opener, string path, DiskFormat? sourceFormat, DiskFormat target, DiskVariant variant, int? clusterSize, bool compress, string? subformat, OperationContext context)
    {
        using var source = opener.Open(path, format: sourceFormat);
        var data = ChainAllocation.Coalesce(ChainAllocation.Flatten(source, 0, source.Capacity)).Where(r => r.Kind == AllocationKind.Data).ToList();
        var measured = DiskFormats.Get(target).Measure(
            new DiskCreateOptions { Capacity = source.Capacity, Variant = variant, ClusterSize = clusterSize, Compress = compress, Subformat = subformat },
            data);
        return new DiskMeasureResult
        {
            SourcePath = Path.GetFullPath(source.Path),
            Format = target,
            Variant = variant,
            RequiredBytes = measured.RequiredBytes,
            FullyAllocatedBytes = measured.FullyAllocatedBytes,
            SourceDataBytes = data.Sum(r => r.Length),
        };
    }

    public static DiskFileInfo Resize(DiskOpener opener, string path, long newSize, bool allowShrink, OperationContext context)
    {
        using (var disk = opener.Open(path, writable: true))
        {
            if (newSize <= 0 || newSize % disk.LogicalSectorSize != 0)
            {
                throw new InvalidRequestException("DiskSizeInvalid", $"The new size must be a positive multiple of {disk.LogicalSectorSize} bytes, not {newSize}.", newSize);
            }

            if (newSize < disk.Capacity && !allowShrink)
            {
                throw new InvalidRequestException("DiskShrinkNotAllowed", $"Shrinking '{disk.Path}' from {disk.Capacity} to {newSize} bytes discards data; allow it explicitly (-AllowShrink, --shrink).", disk.Path);
            }

            if (newSize != disk.Capacity)
            {
                disk.Resize(newSize);
                disk.Flush();
                context.Log.Verbose($"Resized '{disk.Path}' to {ByteSize.Format(newSize)}.");
            }
        }

        return DiskInspector.Inspect(opener, path, null, context);
    }

    /// <summary>
    /// Compacts an image by rewriting it without zero or unused blocks (as <c>qemu-img convert</c>
    /// compaction does) into a temp file that atomically replaces the original. A differencing image
    /// keeps its parent and parent reference.
    /// </summary>
    public static DiskOptimizeResult Optimize(DiskOpener opener, string path, OperationContext context)
    {
        var full = Path.GetFullPath(path);
        var before = new FileInfo(full).Length;
        using (var disk = opener.Open(full))
        {
            if (disk.Identity is not null)
            {
                context.Log.Warning($"'{full}' is rewritten with a new identity; differencing disks made from it will no longer match it.");
            }

            var format = DiskFormats.Get(disk.Format);
            using var output = new OutputFile(full, overwrite: true);
            using (var storage = new FlushPolicyStorage(FileBlockStorage.Create(output.TempPath), full))
            using (var writer = format.CreateWriter(storage, new DiskCreateOptions
            {
                Capacity = disk.Capacity,
                Variant = disk.Variant,
                ClusterSize = disk.ClusterSize,
                LogicalSectorSize = disk.LogicalSectorSize,
                PhysicalSectorSize = disk.PhysicalSectorSize,
                Subformat = disk.Subformat,
                Parent = disk.Parent,
                ParentReference = disk.ParentLink?.Reference,
            }))
            {
                var plan = disk.Parent is null ? CopyPlan.Flatten(disk, writer.ChunkSize, out var bytes) : CopyPlan.TopLayer(disk, writer.ChunkSize, out bytes);
                new CopyPipeline(disk, writer, 2, zeroChunksHideParent: disk.Parent is not null).Run(plan, bytes, $"Optimizing {Path.GetFileName(full)}", context);
                writer.Complete();

                // The original is replaced: the new file must be on the device first.
                storage.FlushDurably();
            }

            // The disk (and its chain) must be closed before the file is replaced on Windows.
            disk.Dispose();
            output.Commit();
        }

        return new DiskOptimizeResult { Path = full, FileSizeBeforeBytes = before, FileSizeAfterBytes = new FileInfo(full).Length };
    }

    /// <summary>
    /// Commits a differencing disk's data into its parent (in place), then deletes the child unless
    /// asked to keep it. Until the child is deleted the chain still reads the same, so an interrupted
    /// merge can simply be run again.
    /// </summary>
    public static DiskMergeResult Merge(DiskOpener opener, string childPath, bool keepChild, OperationContext context)
    {
        var child = opener.Open(childPath);
        string parentPath;
        long merged = 0;
        try
        {
            if (child.Parent is null || child.ParentLink?.ResolvedPath is null)
            {
                throw new InvalidRequestException("DiskHasNoParent", $"'{child.Path}' has no parent to merge into; to flatten a chain into a new image use Convert-DiskFile.", child.Path);
            }

            parentPath = child.ParentLink.ResolvedPath;
            using var parent = opener.Open(parentPath, writable: true);
            var activity = $"Merging {Path.GetFileName(child.Path)} into {Path.GetFileName(parentPath)}";
            var ranges = child.GetAllocation(0, child.Capacity).Where(r => r.Kind != AllocationKind.Unallocated && r.Offset < parent.Capacity).ToList();
            var total = ranges.Sum(r => r.Length);
            var buffer = new byte[4 << 20];
            foreach (var range in ranges)
            {
                var end = System.Math.Min(range.End, parent.Capacity);
                for (var offset = range.Offset; offset < end; offset += buffer.Length)
                {
                    context.ThrowIfCancelled();
                    var length = (int)System.Math.Min(buffer.Length, end - offset);
                    if (range.Kind == AllocationKind.Zero)
                    {
                        parent.WriteZeros(offset, length);
                    }
                    else
                    {
                        child.Read(offset, buffer.AsSpan(0, length));
                        parent.Write(offset, buffer.AsSpan(0, length));
                    }

                    merged += length;
                    context.Report(activity, "Merging", merged, total);
                }
            }

            parent.Flush();
        }
        finally
        {
            child.Dispose();
        }

        if (!keepChild)
        {
            File.Delete(Path.GetFullPath(childPath));
        }

        return new DiskMergeResult { ChildPath = Path.GetFullPath(childPath), DestinationPath = parentPath, BytesMerged = merged, ChildRemoved = !keepChild };
    }
}
