using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Formats.Disks.Vmdk;

namespace ImageOps.Formats.Disks;

/// <summary>
/// VMware VMDK (VMware "Virtual Disk Format 5.0"; qemu <c>block/vmdk.c</c> is the reference
/// implementation). Reads monolithicSparse (versions 1 to 3), streamOptimized, delta disks over a
/// VMDK parent, and descriptor files of monolithicFlat, twoGbMaxExtentFlat, twoGbMaxExtentSparse and
/// vmfs disks; writes monolithicSparse (versions 1 and 2, delta disks) and streamOptimized (version 3,
/// the form ESXi imports). Other create types (vmfsSparse, seSparse, raw device mappings) are
/// recognised and refused by name.
/// </summary>
public sealed class VmdkFormat : IDiskFormat
{
    /// <summary>One sparse file with the descriptor embedded (the hosted products' default; qemu's default).</summary>
    public const string MonolithicSparse = "monolithicSparse";

    /// <summary>One compressed sparse file laid out to be read as a stream (the OVA/OVF form ESXi imports).</summary>
    public const string StreamOptimized = "streamOptimized";

    /// <summary>A descriptor file and one raw extent file.</summary>
    public const string MonolithicFlat = "monolithicFlat";

    /// <summary>A descriptor file and raw extent files of at most 2 GB.</summary>
    public const string TwoGbMaxExtentFlat = "twoGbMaxExtentFlat";

    /// <summary>A descriptor file and sparse extent files of at most 2 GB.</summary>
    public const string TwoGbMaxExtentSparse = "twoGbMaxExtentSparse";

    /// <summary>ESXi's flat disk: a descriptor file and a "-flat.vmdk" raw extent.</summary>
    public const string Vmfs = "vmfs";

    private const int ProbeBytes = 4096;

    /// <summary>Create types that are read from a descriptor file.</summary>
    private static readonly HashSet<string> DescriptorTypes = new(StringComparer.Ordinal) { MonolithicFlat, TwoGbMaxExtentFlat, TwoGbMaxExtentSparse, Vmfs, MonolithicSparse };

    /// <inheritdoc />
    public DiskFormat Format => DiskFormat.Vmdk;

    /// <inheritdoc />
    public DiskFormatCapabilities Capabilities { get; } = new()
    {
        Variants = new[] { DiskVariant.Dynamic, DiskVariant.Differencing },
        Compression = true,
        MaxCapacity = SparseExtentLayout.MaxCreateCapacitySectors * SparseExtentHeader.SectorSize,
        DefaultClusterSize = 64 * 1024,
        MinClusterSize = 4096,
        MaxClusterSize = (int)SparseExtentLayout.MaxGrainSectors * SparseExtentHeader.SectorSize,
        ParentFormats = new[] { DiskFormat.Vmdk },
        CapacityAlignment = SparseExtentHeader.SectorSize,
    };

    /// <inheritdoc />
    public bool Probe(IBlockStorage storage)
    {
        try
        {
            var length = (int)Math.Min(storage.Length, ProbeBytes);
            if (length < 4)
            {
                return false;
            }

            var head = new byte[length];
            if (storage.ReadAt(0, head) != length)
            {
                return false;
            }

            return SparseExtentHeader.HasMagic(head) || LooksLikeDescriptor(head);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public VirtualDisk Open(IBlockStorage storage, DiskOpenContext context)
    {
        if (storage is null)
        {
            throw new ArgumentNullException(nameof(storage));
        }

        if (context is null)
        {
            throw new ArgumentNullException(nameof(context));
        }

        var head = new byte[4];
        if (storage.Length >= 4)
        {
            storage.ReadExactly(0, head, "VMDK", "header");
        }

        if (SparseExtentHeader.HasMagic(head))
        {
            return VmdkOpener.OpenSparse(storage, context);
        }

        var prefix = new byte[(int)Math.Min(storage.Length, ProbeBytes)];
        storage.ReadExactly(0, prefix, "VMDK", "descriptor");
        if (!LooksLikeDescriptor(prefix))
        {
            throw new CorruptImageException(storage.Name, "VMDK", 0, "header", "the file starts neither with a sparse extent header (\"KDMV\") nor with a text descriptor (\"version=1\")", "VmdkHeaderInvalid");
        }

        return VmdkOpener.OpenDescriptorFile(storage, context, DescriptorTypes);
    }

    /// <inheritdoc />
    public VirtualDisk Create(IBlockStorage storage, DiskCreateOptions options)
    {
        var plan = VmdkCreatePlan.From(options);
        return VmdkOpener.Create(storage, plan);
    }

    /// <inheritdoc />
    public DiskWriter CreateWriter(IBlockStorage storage, DiskCreateOptions options)
    {
        var plan = VmdkCreatePlan.From(options);
        CheckEmpty(storage);
        return plan.Stream ? new VmdkStreamWriter(storage, plan) : new VmdkSparseWriter(storage, plan);
    }

    /// <inheritdoc />
    public DiskCheckReport Check(IBlockStorage storage, DiskCheckOptions options) => VmdkChecker.Check(storage, options ?? new DiskCheckOptions());

    /// <inheritdoc />
    public DiskMeasurement Measure(DiskCreateOptions options, IReadOnlyList<AllocationRange> dataRanges)
    {
        var plan = VmdkCreatePlan.From(options);
        var layout = plan.Layout;
        var grainBytes = (long)plan.GrainBytes;
        var tableSpan = grainBytes * SparseExtentLayout.GtesPerGt;
        var ranges = new List<AllocationRange>(dataRanges ?? Array.Empty<AllocationRange>());
        ranges.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        long grains = 0, tables = 0, lastGrain = -1, lastTable = -1;
        foreach (var range in ranges)
        {
            if (range.Kind != AllocationKind.Data || range.Length <= 0)
            {
                continue;
            }

            var first = Math.Max(range.Offset / grainBytes, lastGrain + 1);
            var last = (Math.Min(range.End, plan.CapacitySectors * SparseExtentHeader.SectorSize) - 1) / grainBytes;
            if (last >= first)
            {
                grains += last - first + 1;
                lastGrain = last;
                var firstTable = Math.Max(first * grainBytes / tableSpan, lastTable + 1);
                var lastTableHere = last * grainBytes / tableSpan;
                if (lastTableHere >= firstTable)
                {
                    tables += lastTableHere - firstTable + 1;
                    lastTable = lastTableHere;
                }
            }
        }

        var overhead = layout.GrainOffsetSectors * SparseExtentHeader.SectorSize;
        if (!plan.Stream)
        {
            return new DiskMeasurement
            {
                RequiredBytes = overhead + grains * grainBytes,
                FullyAllocatedBytes = overhead + layout.GrainCount * grainBytes,
            };
        }

        // Compressed sizes are unknown before compressing: the size if every grain were incompressible.
        var record = StreamGrainCodec.StoredRecordLength(plan.GrainBytes);
        var table = (1 + layout.GtSectors) * SparseExtentHeader.SectorSize;
        var end = (1 + Math.Max(1, layout.GdSectors) + 3) * SparseExtentHeader.SectorSize;
        return new DiskMeasurement
        {
            RequiredBytes = overhead + grains * record + tables * table + end,
            FullyAllocatedBytes = overhead + layout.GrainCount * record + layout.GtCount * table + end,
        };
    }

    internal static void CheckEmpty(IBlockStorage storage)
    {
        if (storage is null)
        {
            throw new ArgumentNullException(nameof(storage));
        }

        if (storage.Length != 0)
        {
            throw new ArgumentException($"A new VMDK is written into empty storage; '{storage.Name}' already holds {storage.Length} bytes.", nameof(storage));
        }
    }

    /// <summary>
    /// A text descriptor: comment and blank lines, then <c>version=1</c>, 2 or 3 (qemu <c>vmdk_probe</c>;
    /// trailing blanks allowed). Binary content before that line rules it out.
    /// </summary>
    internal static bool LooksLikeDescriptor(byte[] head)
    {
        // A descriptor saved by a Windows editor may start with a UTF-8 byte order mark.
        var position = head.Length >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
        while (position < head.Length)
        {
            var end = Array.IndexOf(head, (byte)'\n', position);
            if (end < 0)
            {
                end = head.Length;
            }

            var line = Encoding.ASCII.GetString(head, position, end - position).TrimEnd('\r');
            for (var i = 0; i < line.Length; i++)
            {
                if (line[i] < 0x20 && line[i] != '\t')
                {
                    return false;
                }
            }

            var trimmed = line.Trim(' ', '\t');
            if (trimmed.Length > 0 && trimmed[0] != '#')
            {
                return end < head.Length && (trimmed == "version=1" || trimmed == "version=2" || trimmed == "version=3");
            }

            position = end + 1;
        }

        return false;
    }
}
