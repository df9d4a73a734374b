using System;
using System.Collections.Generic;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>The open and create sequences of <see cref="VmdkFormat"/>.</summary>
internal static class VmdkOpener
{
    private const string Format = "VMDK";

    /// <summary>Create types VMware defines that ImageOps recognises but does not read (they name devices, or use ESXi-only extents).</summary>
    private static readonly HashSet<string> RefusedTypes = new(StringComparer.Ordinal)
    {
        "vmfsSparse", "vmfsThin", "seSparse", "vsanSparse", "vmfsRaw", "vmfsRawDeviceMap", "vmfsPassthroughRawDeviceMap",
        "fullDevice", "partitionedDevice", "custom", VmdkFormat.StreamOptimized,
    };

    /// <summary>A monolithic sparse file: monolithicSparse or streamOptimized, possibly a delta disk.</summary>
    public static VirtualDisk OpenSparse(IBlockStorage storage, DiskOpenContext context)
    {
        var extent = SparseExtent.Open(storage, ownsStorage: false);
        var descriptor = extent.Descriptor;
        var createType = extent.Compressed ? VmdkFormat.StreamOptimized : VmdkFormat.MonolithicSparse;
        var writable = context.Writable && storage.CanWrite;
        if (writable)
        {
            if (extent.Compressed)
            {
                throw new UnsupportedFeatureException("VMDK streamOptimized writing", $"'{storage.Name}' is streamOptimized: its grains are compressed and laid out for streaming, so it is read-only in ImageOps. Convert it to monolithicSparse to change it.", storage.Name, "VmdkStreamOptimizedReadOnly");
            }

            if (extent.Header.Version == 3)
            {
                // VMware KB 2064959: version 3 adds changed-block tracking; qemu opens it read-only too.
                throw new UnsupportedFeatureException("VMDK version 3 writing", $"'{storage.Name}' is an uncompressed sparse extent of version 3 (changed-block tracking), which is opened read-only, as qemu does.", storage.Name, "VmdkVersion3ReadOnly");
            }

            if (descriptor?.Cid is null)
            {
                throw new UnsupportedFeatureException("VMDK without descriptor writing", $"'{storage.Name}' has no embedded descriptor with a CID, so changes could not be signalled to its children; it is opened read-only.", storage.Name, "VmdkDescriptorMissing");
            }

            extent.EnableHostedWrites();
        }

        var (parent, link) = OpenParent(storage, descriptor, context);
        if (writable && link is not null && parent is null)
        {
            // A partial write to a new grain copies the rest of the grain from the parent; without it, zeros would replace parent data.
            throw new UnsupportedFeatureException("VMDK delta writing without its parent", $"'{storage.Name}' is a delta disk opened without its parent, so it cannot be written: new grains are filled from the parent.", storage.Name, "VmdkParentRequired");
        }

        var disk = new VmdkDisk(storage, descriptor, new IVmdkExtent[] { extent }, createType, writable ? extent : null, cidFresh: false);
        Attach(disk, parent, link);
        return disk;
    }

    /// <summary>A standalone text descriptor and the extent files it names.</summary>
    public static VirtualDisk OpenDescriptorFile(IBlockStorage storage, DiskOpenContext context, ISet<string> supportedTypes)
    {
        if (storage.Length > VmdkDescriptor.MaxSize)
        {
            throw new CorruptImageException(storage.Name, Format, 0, "descriptor", $"a text descriptor of {storage.Length} bytes is larger than the {VmdkDescriptor.MaxSize} bytes allowed", "VmdkDescriptorTooLarge");
        }

        var text = new byte[storage.Length];
        storage.ReadExactly(0, text, Format, "descriptor");
        var descriptor = VmdkDescriptor.Parse(text, storage.Name, 0, embedded: false);
        var createType = descriptor.CreateType ?? throw new CorruptImageException(storage.Name, Format, 0, "descriptor", "it has no createType", "VmdkDescriptorInvalid");
        if (!supportedTypes.Contains(createType))
        {
            var known = RefusedTypes.Contains(createType);
            throw new UnsupportedFeatureException($"VMDK create type {createType}", known
                ? $"'{storage.Name}' is a VMDK of create type '{createType}', which ImageOps recognises but does not read (ESXi-specific or device-backed). Convert it on ESXi with vmkfstools first."
                : $"'{storage.Name}' has the unknown VMDK create type '{createType}'.", storage.Name, "VmdkCreateTypeNotSupported");
        }

        if (context.Writable)
        {
            throw new UnsupportedFeatureException("VMDK descriptor disk writing", $"'{storage.Name}' is a {createType} VMDK (a descriptor with separate extent files), which ImageOps reads but does not write. Convert it to monolithicSparse to change it.", storage.Name, "VmdkDescriptorDiskReadOnly");
        }

        if (descriptor.Extents.Count == 0)
        {
            throw new CorruptImageException(storage.Name, Format, 0, "descriptor", "it lists no extents", "VmdkDescriptorInvalid");
        }

        var extents = new List<IVmdkExtent>();
        VirtualDisk? parent = null;
        try
        {
            long total = 0;
            foreach (var line in descriptor.Extents)
            {
                total += line.Sectors;
                if (total > SparseExtentLayout.MaxCapacitySectors)
                {
                    throw new CorruptImageException(storage.Name, Format, 0, "descriptor", $"its extents add up to more than {SparseExtentLayout.MaxCapacitySectors} sectors (64 TiB)", "VmdkCapacityTooLarge");
                }

                extents.Add(OpenExtent(storage, context, line));
            }

            ParentLink? link;
            (parent, link) = OpenParent(storage, descriptor, context);
            var disk = new VmdkDisk(storage, descriptor, extents, createType, null, cidFresh: false);
            Attach(disk, parent, link);
            return disk;
        }
        catch
        {
            parent?.Dispose();
            foreach (var extent in extents)
            {
                extent.Dispose();
            }

            throw;
        }
    }

    private static IVmdkExtent OpenExtent(IBlockStorage descriptorStorage, DiskOpenContext context, VmdkExtentDescriptor line)
    {
        var name = descriptorStorage.Name;
        if (line.Access == VmdkExtentAccess.NoAccess)
        {
            throw new UnsupportedFeatureException("VMDK NOACCESS extent", $"Line {line.Line} of '{name}' marks an extent NOACCESS; its data cannot be read.", name, "VmdkExtentNotSupported");
        }

        var bytes = line.Sectors * SparseExtentHeader.SectorSize;
        switch (line.Type)
        {
            case VmdkExtentType.Zero:
                return new ZeroExtent(bytes);
            case VmdkExtentType.Flat:
            case VmdkExtentType.Vmfs:
            {
                if (line.Offset > SparseExtentLayout.MaxCapacitySectors)
                {
                    throw new CorruptImageException(name, Format, 0, "descriptor", $"the extent on line {line.Line} starts at sector {line.Offset}, beyond any extent file", "VmdkExtentInvalid");
                }

                var file = OpenExtentFile(descriptorStorage, context, line);
                var start = line.Offset * SparseExtentHeader.SectorSize;
                if (file.Length - start < bytes)
                {
                    file.Dispose();
                    throw new CorruptImageException(name, Format, 0, "descriptor", $"the extent on line {line.Line} needs {bytes} bytes at offset {start} of '{line.FileName}', which has {file.Length}", "VmdkExtentTooSmall");
                }

                return new FlatExtent(file, start, bytes);
            }

            case VmdkExtentType.Sparse:
            {
                var file = OpenExtentFile(descriptorStorage, context, line);
                SparseExtent sparse;
                try
                {
                    sparse = SparseExtent.Open(file, ownsStorage: true);
                }
                catch
                {
                    file.Dispose();
                    throw;
                }

                if (sparse.Length != bytes)
                {
                    sparse.Dispose();
                    throw new CorruptImageException(name, Format, 0, "descriptor", $"the extent on line {line.Line} is {line.Sectors} sectors but '{line.FileName}' holds {sparse.Length / SparseExtentHeader.SectorSize}", "VmdkExtentSizeMismatch");
                }

                return sparse;
            }

            default:
                throw new UnsupportedFeatureException($"VMDK {VmdkExtentDescriptor.Keyword(line.Type)} extent", $"Line {line.Line} of '{name}' is a {VmdkExtentDescriptor.Keyword(line.Type)} extent, an ESXi-specific or device-backed kind ImageOps does not read.", name, "VmdkExtentNotSupported");
        }
    }

    /// <summary>
    /// Opens an extent file by the rules for parent references (allowed roots; no URLs, UNC paths,
    /// devices or escapes). An extent is data of this disk, not a parent, so it is not added to the chain.
    /// </summary>
    private static IBlockStorage OpenExtentFile(IBlockStorage descriptorStorage, DiskOpenContext context, VmdkExtentDescriptor line)
    {
        var file = context.Resolver.OpenParent(descriptorStorage.Name, line.FileName!, out var resolved);
        if (string.Equals(resolved, FullName(descriptorStorage.Name), StringComparison.Ordinal))
        {
            file.Dispose();
            throw new CorruptImageException(descriptorStorage.Name, Format, 0, "descriptor", $"the extent on line {line.Line} names the descriptor file itself", "VmdkExtentInvalid");
        }

        return file;
    }

    private static (VirtualDisk? Parent, ParentLink? Link) OpenParent(IBlockStorage storage, VmdkDescriptor? descriptor, DiskOpenContext context)
    {
        if (descriptor?.ParentFileNameHint is not { } hint)
        {
            return (null, null);
        }

        // The child records the parent's CID; qemu refuses to read through a parent whose CID differs.
        var link = new ParentLink(hint, VmdkDescriptor.FormatCid(descriptor.ParentCid));
        var parent = context.OpenParent(storage, link, format: null);
        if (parent is not null && parent.Format != DiskFormat.Vmdk)
        {
            var format = parent.Format;
            parent.Dispose();
            throw new UnsupportedFeatureException("VMDK delta over a non-VMDK parent", $"The parent '{hint}' of '{storage.Name}' is {format}; a VMDK delta disk's parent must be a VMDK (as in qemu).", storage.Name, "VmdkParentNotVmdk");
        }

        return (parent, link);
    }

    private static void Attach(VmdkDisk disk, VirtualDisk? parent, ParentLink? link)
    {
        if (link is null)
        {
            return;
        }

        if (parent is null)
        {
            disk.SetLink(link);
        }
        else
        {
            disk.AttachParent(parent, link);
        }
    }

    /// <summary>Writes a new, empty image and opens it for writing.</summary>
    public static VirtualDisk Create(IBlockStorage storage, VmdkCreatePlan plan)
    {
        VmdkFormat.CheckEmpty(storage);
        var layout = plan.Layout;
        var header = layout.Header(plan.Version, plan.Flags, plan.Stream);
        var cid = VmdkDescriptor.NewCid();
        var sector = new byte[SparseExtentHeader.Size];
        header.WriteTo(sector);
        storage.WriteAt(0, sector);
        storage.WriteAt(SparseExtentLayout.DescriptorOffsetSectors * SparseExtentHeader.SectorSize, plan.DescriptorBytes(storage.Name, cid));
        if (plan.Stream)
        {
            // An empty stream: grain directory, footer and end-of-stream right after the grain offset.
            var end = layout.GrainOffsetSectors;
            StreamTail.WriteEnd(storage, ref end, new uint[layout.GtCount], header);
            storage.SetLength(end * SparseExtentHeader.SectorSize);
        }
        else
        {
            storage.SetLength(layout.GrainOffsetSectors * SparseExtentHeader.SectorSize);
            WriteHostedDirectories(storage, layout);
        }

        storage.Flush(durable: true);
        var extent = SparseExtent.Open(storage, ownsStorage: false);
        if (plan.Stream)
        {
            extent.EnableStreamWrites();
        }
        else
        {
            extent.EnableHostedWrites();
        }

        var disk = new VmdkDisk(storage, extent.Descriptor, new IVmdkExtent[] { extent }, plan.CreateType, extent, cidFresh: true);
        if (plan.Parent is { } parent)
        {
            var link = new ParentLink(plan.ParentReference!, VmdkDescriptor.FormatCid(plan.ParentCid))
            {
                ResolvedPath = parent.Path,
                ActualIdentity = parent.Identity,
            };
            disk.AttachParent(parent, link);
        }

        return disk;
    }

    /// <summary>The grain directory and its redundant copy, every entry pointing at its preallocated (zero) grain table, as qemu writes them.</summary>
    internal static void WriteHostedDirectories(IBlockStorage storage, SparseExtentLayout layout)
    {
        var directory = new uint[layout.GtCount];
        for (var i = 0; i < directory.Length; i++)
        {
            directory[i] = StreamTail.ToEntry(layout.GtSector(i), storage.Name);
        }

        storage.WriteAt(layout.GdOffsetSectors * SparseExtentHeader.SectorSize, GrainTable.Encode(directory));
        if (layout.RgdOffsetSectors != 0)
        {
            for (var i = 0; i < directory.Length; i++)
            {
                directory[i] = StreamTail.ToEntry(layout.RgtSector(i), storage.Name);
            }

            storage.WriteAt(layout.RgdOffsetSectors * SparseExtentHeader.SectorSize, GrainTable.Encode(directory));
        }
    }

    private static string FullName(string name)
    {
        try
        {
            return System.IO.Path.GetFullPath(name);
        }
        catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is System.IO.PathTooLongException)
        {
            return name;
        }
    }
}
