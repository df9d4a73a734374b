using System;
using System.IO;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>
/// What a new VMDK will be, decided once from <see cref="DiskCreateOptions"/> for <c>Create</c>,
/// <c>CreateWriter</c> and <c>Measure</c>: every option ImageOps cannot honour is refused here, by name.
/// </summary>
internal sealed class VmdkCreatePlan
{
    private VmdkCreatePlan()
    {
    }

    public bool Stream { get; private set; }

    public string CreateType => Stream ? VmdkFormat.StreamOptimized : VmdkFormat.MonolithicSparse;

    public uint Version { get; private set; }

    public SparseExtentFlags Flags { get; private set; }

    public long CapacitySectors { get; private set; }

    public long GrainSectors { get; private set; }

    public int GrainBytes => (int)(GrainSectors * SparseExtentHeader.SectorSize);

    public VirtualDisk? Parent { get; private set; }

    public string? ParentReference { get; private set; }

    public uint ParentCid { get; private set; } = VmdkDescriptor.NoParentCid;

    public Guid? DiskId { get; private set; }

    public bool ZeroedGrains => (Flags & SparseExtentFlags.ZeroedGrainTableEntry) != 0;

    public SparseExtentLayout Layout => Stream ? SparseExtentLayout.Stream(CapacitySectors, GrainSectors) : SparseExtentLayout.Hosted(CapacitySectors, GrainSectors);

    public static VmdkCreatePlan From(DiskCreateOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        var plan = new VmdkCreatePlan { DiskId = options.DiskId };
        plan.Stream = ChooseSubformat(options);
        if (options.Capacity <= 0 || options.Capacity % SparseExtentHeader.SectorSize != 0 || options.Capacity / SparseExtentHeader.SectorSize > SparseExtentLayout.MaxCreateCapacitySectors)
        {
            throw new ImageOpsException("DiskSizeNotSupported", ErrorKind.InvalidArgument, $"A VMDK's size must be a positive multiple of 512 bytes up to {SparseExtentLayout.MaxCreateCapacitySectors * SparseExtentHeader.SectorSize} bytes (2 TiB - 512), not {options.Capacity}.");
        }

        plan.CapacitySectors = options.Capacity / SparseExtentHeader.SectorSize;
        if (options.LogicalSectorSize != SparseExtentHeader.SectorSize)
        {
            throw new UnsupportedFeatureException("VMDK logical sector size", $"A VMDK has 512-byte sectors; a logical sector size of {options.LogicalSectorSize} cannot be recorded.", errorId: "VmdkSectorSizeNotSupported");
        }

        plan.GrainSectors = SparseExtentLayout.GrainSectorsFor(options.ClusterSize);
        switch (options.Variant)
        {
            case DiskVariant.Fixed:
                throw new UnsupportedFeatureException("VMDK monolithicFlat creation", "ImageOps writes sparse VMDKs (monolithicSparse, streamOptimized); a fixed (flat) VMDK is a descriptor plus a second raw file, which it reads but does not create.", errorId: "VmdkSubformatNotSupported");
            case DiskVariant.Differencing:
                plan.SetParent(options);
                break;
            default:
                if (options.Parent is not null)
                {
                    throw new ArgumentException("A parent was given for a disk that is not differencing; set Variant to Differencing.", nameof(options));
                }

                break;
        }

        if (plan.Stream)
        {
            // ESXi accepts a streamOptimized disk only with header version 3 (qemu writes 3 for the same reason).
            if (options.VmdkVersion is { } v && v != 3)
            {
                throw new UnsupportedFeatureException($"VMDK streamOptimized version {v}", $"streamOptimized VMDKs are written with header version 3, which ESXi requires; version {v} is not offered.", errorId: "VmdkVersionNotSupported");
            }

            plan.Version = 3;
            plan.Flags = SparseExtentFlags.NewlineDetection | SparseExtentFlags.Compressed | SparseExtentFlags.Markers;
        }
        else
        {
            // Version 1 is qemu's default; version 2 adds zeroed-grain entries, which a delta disk needs
            // to hide parent data without writing zeros, so deltas default to it.
            var version = options.VmdkVersion ?? (plan.Parent is null ? 1 : 2);
            if (version != 1 && version != 2)
            {
                throw new UnsupportedFeatureException($"VMDK monolithicSparse version {version}", $"monolithicSparse VMDKs are written with header version 1 or 2 (zeroed grains); version {version} is not offered (qemu opens uncompressed version 3 read-only).", errorId: "VmdkVersionNotSupported");
            }

            plan.Version = (uint)version;
            plan.Flags = SparseExtentFlags.NewlineDetection | SparseExtentFlags.RedundantGrainTable | (version == 2 ? SparseExtentFlags.ZeroedGrainTableEntry : 0);
        }

        return plan;
    }

    private static bool ChooseSubformat(DiskCreateOptions options)
    {
        var name = options.Subformat;
        if (name is null)
        {
            return options.Compress;
        }

        if (string.Equals(name, VmdkFormat.StreamOptimized, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(name, VmdkFormat.MonolithicSparse, StringComparison.OrdinalIgnoreCase))
        {
            if (options.Compress)
            {
                throw new UnsupportedFeatureException("VMDK monolithicSparse compression", "A monolithicSparse VMDK stores grains uncompressed; use the streamOptimized subformat for a compressed VMDK.", errorId: "CompressionNotSupported");
            }

            return false;
        }

        throw new UnsupportedFeatureException($"VMDK subformat {name}", $"ImageOps creates the VMDK subformats monolithicSparse and streamOptimized; '{name}' (split or flat layouts need more than one file) is not created.", errorId: "VmdkSubformatNotSupported");
    }

    private void SetParent(DiskCreateOptions options)
    {
        var parent = options.Parent ?? throw new ArgumentException("A differencing VMDK needs the opened parent disk (DiskCreateOptions.Parent).", nameof(options));
        if (Stream)
        {
            throw new UnsupportedFeatureException("VMDK streamOptimized delta", "A streamOptimized VMDK stands alone (it is the distribution form ESXi imports); create a monolithicSparse delta instead.", errorId: "VmdkStreamOptimizedDelta");
        }

        // qemu: "backing_file must be a vmdk image" — a VMDK child records its parent by CID, which only a VMDK has.
        if (parent.Format != DiskFormat.Vmdk || parent.Identity is null || !uint.TryParse(parent.Identity, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var cid))
        {
            throw new UnsupportedFeatureException("VMDK delta over a non-VMDK parent", $"A VMDK delta disk records its parent's VMDK content id (CID); '{parent.Path}' is {parent.Format}{(parent.Format == DiskFormat.Vmdk ? " without a CID" : string.Empty)}. As in qemu, the parent of a VMDK must be a VMDK.", parent.Path, "VmdkParentNotVmdk");
        }

        Parent = parent;
        ParentCid = cid;
        ParentReference = options.ParentReference ?? Path.GetFileName(parent.Path);
        VmdkDescriptorTemplate.CheckName(ParentReference, "parent reference");
    }

    /// <summary>The descriptor text for a new extent stored in <paramref name="fileName"/>.</summary>
    public byte[] DescriptorBytes(string fileName, uint cid)
    {
        var name = Path.GetFileName(fileName);
        if (string.IsNullOrEmpty(name))
        {
            name = "disk.vmdk";
        }

        VmdkDescriptorTemplate.CheckName(name, "file name");
        var text = VmdkDescriptorTemplate.Create(CreateType, CapacitySectors, name, cid, ParentCid, Parent is null ? null : ParentReference, Stream ? VmdkDescriptorTemplate.AdapterLsiLogic : VmdkDescriptorTemplate.AdapterIde, DiskId);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        if (bytes.Length > SparseExtentLayout.DescriptorSizeSectors * SparseExtentHeader.SectorSize)
        {
            throw new ArgumentException($"The descriptor ({bytes.Length} bytes) does not fit the {SparseExtentLayout.DescriptorSizeSectors * SparseExtentHeader.SectorSize}-byte area; the parent reference is too long.");
        }

        return bytes;
    }
}
