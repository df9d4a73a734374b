using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks;

namespace ImageOps.Engine.Disks;

/// <summary>Where a converted disk is going: a target platform's rules on top of the chosen format.</summary>
public enum TargetProfile
{
    /// <summary>No platform rules: the format and options as given.</summary>
    Default,

    /// <summary>Azure: a fixed VHD whose virtual size is a whole number of MiB (rounded up).</summary>
    Azure,

    /// <summary>VMware ESXi: a compressed streamOptimized VMDK with header version 3.</summary>
    Esxi,
}

/// <summary>A conversion: what to read, what to write, and how.</summary>
public sealed class ConversionRequest
{
    /// <summary>The source image (the top of its chain).</summary>
    public string SourcePath { get; set; } = string.Empty;

    /// <summary>The source's format, or null to detect it from content.</summary>
    public DiskFormat? SourceFormat { get; set; }

    /// <summary>The image to create.</summary>
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>The output format; null lets the profile choose (Azure: VHD, ESXi: VMDK).</summary>
    public DiskFormat? Format { get; set; }

    /// <summary>Fixed or dynamic output; null for the profile's choice (dynamic by default, fixed for Azure). Differencing when <see cref="BackingPath"/> is set.</summary>
    public DiskVariant? Variant { get; set; }

    /// <summary>Output allocation unit, or null for the format's default.</summary>
    public int? ClusterSizeBytes { get; set; }

    /// <summary>Compress the output (QCOW2, streamOptimized VMDK).</summary>
    public bool Compress { get; set; }

    /// <summary>Format-specific output layout (VMDK <c>streamOptimized</c>, qcow2 <c>v2</c>).</summary>
    public string? Subformat { get; set; }

    /// <summary>Target platform rules.</summary>
    public TargetProfile Profile { get; set; }

    /// <summary>
    /// Convert only the source's top layer, as a differencing disk over this existing image (which
    /// must hold the same content as the source's parent). Null flattens the whole chain.
    /// </summary>
    public string? BackingPath { get; set; }

    /// <summary>
    /// Flush the new image to the device (fsync) before renaming it into place, so it survives a power
    /// loss too. Without it — as with qemu-img convert's default — the image is complete and renamed
    /// only after every byte is written (safe against the process being killed), and the operating
    /// system writes it back in its own time.
    /// </summary>
    public bool Durable { get; set; }

    /// <summary>Replace an existing destination (atomically, once the new image is complete).</summary>
    public bool Overwrite { get; set; }

    /// <summary>More folders parents may be opened from, besides each image's own folder.</summary>
    public IReadOnlyList<string> ParentSearchPaths { get; set; } = Array.Empty<string>();

    /// <summary>Reader/compressor threads; null for one per core (at most 8).</summary>
    public int? Workers { get; set; }
}

/// <summary>What a conversion produced.</summary>
public sealed class ConversionResult
{
    /// <summary>The source image.</summary>
    public string SourcePath { get; set; } = string.Empty;

    /// <summary>The image written.</summary>
    public string DestinationPath { get; set; } = string.Empty;

    /// <summary>Its format.</summary>
    public DiskFormat Format { get; set; }

    /// <summary>Its variant.</summary>
    public DiskVariant Variant { get; set; }

    /// <summary>Its layout detail.</summary>
    public string Subformat { get; set; } = string.Empty;

    /// <summary>The profile applied.</summary>
    public TargetProfile Profile { get; set; }

    /// <summary>Its virtual size (the Azure profile may round it up to a whole MiB).</summary>
    public long CapacityBytes { get; set; }

    /// <summary>Bytes of data copied (all-zero chunks are not written).</summary>
    public long DataBytesWritten { get; set; }

    /// <summary>Size of the new file.</summary>
    public long FileSizeBytes { get; set; }

    /// <summary>The backing image of a differencing output, or null.</summary>
    public string? BackingPath { get; set; }

    /// <summary>Wall-clock time of the conversion.</summary>
    public TimeSpan Duration { get; set; }
}
