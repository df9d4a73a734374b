using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ImageOps.Engine.Disks.Conversion;
using ImageOps.Engine.Platform;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Engine.Disks.Operations;

/// <summary>Converts a disk (or a chain, flattened, or its top layer onto a backing) into any format.</summary>
internal static class DiskConverter
{
    private const long MiB = 1024 * 1024;

    public static ConversionResult Convert(DiskOpener opener, ConversionRequest request, OperationContext context)
    {
        var clock = Stopwatch.StartNew();
        var target = Resolve(request);
        var destination = Path.GetFullPath(request.DestinationPath);
        using var source = opener.Open(request.SourcePath, format: request.SourceFormat);
        RefuseOverwritingTheChain(source, destination);

        VirtualDisk? backing = null;
        try
        {
            if (request.BackingPath is not null)
            {
                backing = opener.Open(request.BackingPath);
                RefuseOverwritingTheChain(backing, destination);
                target.Variant = DiskVariant.Differencing;
            }

            return Write(source, backing, request, target, $"Converting {Path.GetFileName(source.Path)} to {target.Format}", clock, context);
        }
        finally
        {
            backing?.Dispose();
        }
    }

    /// <summary>
    /// Writes <paramref name="source"/> (any disk, including a capture's filtered view) as a new image:
    /// the one copy path both conversion and capture use — temp file, allocation-map-driven parallel
    /// pipeline, metadata, optional durable flush, rename.
    /// </summary>
    internal static ConversionResult Write(VirtualDisk source, VirtualDisk? backing, ConversionRequest request, Target target, string activity, Stopwatch clock, OperationContext context)
    {
        var destination = Path.GetFullPath(request.DestinationPath);
        var format = DiskFormats.Get(target.Format);
        var capacity = request.Profile == TargetProfile.Azure ? (source.Capacity + MiB - 1) / MiB * MiB : source.Capacity;
        CheckCapabilities(format, target, capacity, backing);
        var options = new DiskCreateOptions
        {
            Capacity = capacity,
            Variant = target.Variant,
            ClusterSize = request.ClusterSizeBytes,
            Compress = target.Compress,
            Subformat = target.Subformat,
            VmdkVersion = target.VmdkVersion,
            LogicalSectorSize = source.LogicalSectorSize,
            Parent = backing,
            ParentReference = backing is null ? null : PathRules.RelativePath(Path.GetDirectoryName(destination)!, Path.GetFullPath(backing.Path)),
        };

        using var output = new OutputFile(destination, request.Overwrite);
        long written;
        long fileSize;
        using (var storage = new FlushPolicyStorage(FileBlockStorage.Create(output.TempPath), destination))
        using (var writer = format.CreateWriter(storage, options))
        {
            var plan = backing is null
                ? CopyPlan.Flatten(source, writer.ChunkSize, out var dataBytes)
                : CopyPlan.TopLayer(source, writer.ChunkSize, out dataBytes);
            var workers = request.Workers ?? Math.Min(8, Math.Max(1, Environment.ProcessorCount));
            var pipeline = new CopyPipeline(source, writer, workers, zeroChunksHideParent: backing is not null);
            context.Log.Verbose($"Copying {ByteSize.Format(dataBytes)} of allocated data from '{source.Path}' ({ByteSize.Format(source.Capacity)} virtual) with {workers} worker(s).");
            pipeline.Run(plan, dataBytes, activity, context);
            context.ThrowIfCancelled();
            context.Report(activity, "Writing metadata", 0, -1);
            writer.Complete();
            // Replacing an existing image with data the device does not hold yet could lose both on a
            // power cut, so a replacement is always made durable first.
            if (request.Durable || File.Exists(destination))
            {
                context.Report(activity, "Flushing to disk", 0, -1);
                storage.FlushDurably();
            }

            written = pipeline.BytesWritten;
            fileSize = storage.Length;
        }

        output.Commit();
        context.Log.Verbose($"Wrote '{destination}' ({ByteSize.Format(fileSize)}) in {clock.Elapsed.TotalSeconds:F1} s.");
        return new ConversionResult
        {
            SourcePath = Path.GetFullPath(source.Path),
            DestinationPath = destination,
            Format = target.Format,
            Variant = target.Variant,
            Subformat = target.Subformat ?? target.Variant.ToString().ToLowerInvariant(),
            Profile = request.Profile,
            CapacityBytes = capacity,
            DataBytesWritten = written,
            FileSizeBytes = fileSize,
            BackingPath = backing is null ? null : Path.GetFullPath(backing.Path),
            Duration = clock.Elapsed,
        };
    }

    /// <summary>
    /// The output the request and its profile ask for. A profile fills in what the caller left unset
    /// and refuses what contradicts it, rather than silently overriding the caller.
    /// </summary>
    internal static Target Resolve(ConversionRequest request)
    {
        switch (request.Profile)
        {
            case TargetProfile.Azure:
                if ((request.Format ?? DiskFormat.Vhd) != DiskFormat.Vhd || (request.Variant ?? DiskVariant.Fixed) != DiskVariant.Fixed || request.Compress || request.BackingPath is not null)
                {
                    throw Conflict("The Azure profile writes a fixed, uncompressed VHD without a parent");
                }

                return new Target(DiskFormat.Vhd, DiskVariant.Fixed, compress: false, subformat: null, vmdkVersion: null);
            case TargetProfile.Esxi:
                if ((request.Format ?? DiskFormat.Vmdk) != DiskFormat.Vmdk || (request.Variant ?? DiskVariant.Dynamic) != DiskVariant.Dynamic || (request.Subformat ?? "streamOptimized") != "streamOptimized" || request.BackingPath is not null)
                {
                    throw Conflict("The ESXi profile writes a compressed streamOptimized VMDK (header version 3) without a parent");
                }

                return new Target(DiskFormat.Vmdk, DiskVariant.Dynamic, compress: true, subformat: "streamOptimized", vmdkVersion: 3);
            default:
                var format = request.Format ?? throw new InvalidRequestException(ErrorIds.InvalidArgument, "Say which format to convert to (or choose a target profile).", request.DestinationPath);
                return new Target(format, request.Variant ?? DiskVariant.Dynamic, request.Compress, request.Subformat, vmdkVersion: null);
        }
    }

    private static InvalidRequestException Conflict(string rule)
        => new("ProfileConflict", rule + "; leave the other options unset or drop the profile.", rule);

    private static void CheckCapabilities(IDiskFormat format, Target target, long capacity, VirtualDisk? backing)
    {
        var can = format.Capabilities;
        if (!can.Variants.Contains(target.Variant))
        {
            throw new UnsupportedFeatureException($"{target.Format} {target.Variant}", $"{target.Format} cannot hold a {target.Variant.ToString().ToLowerInvariant()} disk.", target.Format, "DiskVariantNotSupported");
        }

        if (target.Compress && !can.Compression)
        {
            throw new UnsupportedFeatureException($"{target.Format} compression", $"{target.Format} cannot store compressed data; use QCOW2 or a streamOptimized VMDK.", target.Format, "CompressionNotSupported");
        }

        if (capacity > can.MaxCapacity)
        {
            throw new InvalidRequestException("DiskTooLarge", $"{target.Format} holds at most {ByteSize.Format(can.MaxCapacity)}; the source is {ByteSize.Format(capacity)}.", target.Format);
        }

        if (backing is not null && !can.ParentFormats.Contains(backing.Format))
        {
            throw new UnsupportedFeatureException($"{target.Format} over {backing.Format}", $"A {target.Format} differencing disk cannot have a {backing.Format} parent.", target.Format, "ParentFormatNotSupported");
        }
    }

    internal static void RefuseOverwritingTheChain(VirtualDisk disk, string destination)
    {
        for (var d = disk; d is not null; d = d.Parent)
        {
            if (PathRules.AreSame(d.Path, destination))
            {
                throw new InvalidRequestException("DestinationInSourceChain", $"'{destination}' is part of the chain being read; write the output elsewhere.", destination);
            }
        }
    }

    /// <summary>The output a request resolves to.</summary>
    internal sealed class Target
    {
        public Target(DiskFormat format, DiskVariant variant, bool compress, string? subformat, int? vmdkVersion)
        {
            Format = format;
            Variant = variant;
            Compress = compress;
            Subformat = subformat;
            VmdkVersion = vmdkVersion;
        }

        public DiskFormat Format { get; }

        public DiskVariant Variant { get; set; }

        public bool Compress { get; }

        public string? Subformat { get; }

        public int? VmdkVersion { get; }
    }
}
