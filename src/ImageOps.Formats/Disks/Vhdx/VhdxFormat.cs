using System;
using System.Collections.Generic;
using System.IO;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// Microsoft VHDX (MS-VHDX): fixed, dynamic and differencing disks, read and written, with the log
/// replayed in memory for read-only opens and in place for writable ones. Detected by the
/// <c>vhdxfile</c> signature at offset 0.
/// </summary>
public sealed class VhdxFormat : IDiskFormat
{
    /// <inheritdoc />
    public DiskFormat Format => DiskFormat.Vhdx;

    /// <inheritdoc />
    public DiskFormatCapabilities Capabilities { get; } = new()
    {
        Variants = new[] { DiskVariant.Fixed, DiskVariant.Dynamic, DiskVariant.Differencing },
        Compression = false,
        MaxCapacity = VhdxConstants.MaxCapacity,
        DefaultClusterSize = VhdxConstants.DefaultBlockSize,
        MinClusterSize = VhdxConstants.MinBlockSize,
        MaxClusterSize = VhdxConstants.MaxBlockSize,
        ParentFormats = new[] { DiskFormat.Vhdx },
        CapacityAlignment = 512,
    };

    /// <inheritdoc />
    public bool Probe(IBlockStorage storage)
    {
        try
        {
            Span<byte> signature = stackalloc byte[8];
            return storage.Length >= signature.Length && storage.ReadAt(0, signature) == signature.Length && VhdxFileIdentifier.HasSignature(signature);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public VirtualDisk Open(IBlockStorage storage, DiskOpenContext context) => VhdxDisk.Open(storage, context);

    /// <inheritdoc />
    public VirtualDisk Create(IBlockStorage storage, DiskCreateOptions options) => VhdxCreator.Create(storage, options);

    /// <inheritdoc />
    public DiskWriter CreateWriter(IBlockStorage storage, DiskCreateOptions options) => new VhdxWriter(storage, options, storage.Name);

    /// <inheritdoc />
    public DiskCheckReport Check(IBlockStorage storage, DiskCheckOptions options) => VhdxChecker.Check(storage, options);

    /// <inheritdoc />
    public DiskMeasurement Measure(DiskCreateOptions options, IReadOnlyList<AllocationRange> dataRanges)
    {
        // A dry run of the writer, so the figure is exactly the size the writer produces.
        using var writer = new VhdxWriter(null, options, "measure.vhdx");
        var chunk = writer.ChunkSize;
        var ranges = new List<AllocationRange>(dataRanges);
        ranges.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        var capacity = writer.Parameters.Geometry.Capacity;
        var done = 0L;
        foreach (var range in ranges)
        {
            var start = Math.Max(range.Offset, 0);
            var end = Math.Min(range.End, capacity);
            if (range.Kind == AllocationKind.Data)
            {
                // The engine writes every chunk a data range touches.
                start = Math.Max(start / chunk * chunk, done);
                end = Math.Min((end + chunk - 1) / chunk * chunk, capacity);
            }
            else if (range.Kind == AllocationKind.Zero)
            {
                // Only whole chunks of zeros are written as zeros; partial ones belong to a data chunk.
                start = Math.Max((start + chunk - 1) / chunk * chunk, done);
                end = end == capacity ? end : end / chunk * chunk;
            }
            else
            {
                continue;
            }

            if (end > start)
            {
                writer.Mark(start, end - start, range.Kind == AllocationKind.Data);
                done = end;
            }
        }

        writer.Complete();
        var parameters = writer.Parameters;
        return new DiskMeasurement
        {
            RequiredBytes = writer.FileLength,
            FullyAllocatedBytes = parameters.DataOffset + (parameters.Geometry.DataBlocks * parameters.Geometry.BlockSize),
        };
    }
}
