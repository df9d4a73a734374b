using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using ImageOps.Formats.Disks.Storage;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// The qcow2 file header (qemu docs/interop/qcow2.txt, "Header"): 72 bytes for version 2, at least
/// 104 (qemu writes 112, with the compression type) for version 3, followed in the first cluster by
/// header extensions and the backing file name. Parsing validates every field the way qemu's
/// <c>qcow2_do_open</c> does before anything is allocated from it.
/// </summary>
internal sealed class Qcow2Header
{
    public const string FormatName = "QCOW2";
    public const uint Magic = 0x514649fb; // "QFI\xfb"
    public const int V2Length = 72;
    public const int V3MinLength = 104;
    public const int V3Length = 112; // with compression_type and its padding, as qemu writes it

    // Field offsets (qcow2.txt "Header").
    public const int OffsetVersion = 4;
    public const int OffsetBackingFileOffset = 8;
    public const int OffsetBackingFileSize = 16;
    public const int OffsetClusterBits = 20;
    public const int OffsetSize = 24;
    public const int OffsetCryptMethod = 32;
    public const int OffsetL1Size = 36;
    public const int OffsetL1TableOffset = 40;
    public const int OffsetRefcountTableOffset = 48;
    public const int OffsetRefcountTableClusters = 56;
    public const int OffsetNbSnapshots = 60;
    public const int OffsetSnapshotsOffset = 64;
    public const int OffsetIncompatibleFeatures = 72;
    public const int OffsetCompatibleFeatures = 80;
    public const int OffsetAutoclearFeatures = 88;
    public const int OffsetRefcountOrder = 96;
    public const int OffsetHeaderLength = 100;
    public const int OffsetCompressionType = 104;

    // Incompatible feature bits.
    public const ulong IncompatibleDirty = 1UL << 0;
    public const ulong IncompatibleCorrupt = 1UL << 1;
    public const ulong IncompatibleExternalData = 1UL << 2;
    public const ulong IncompatibleCompressionType = 1UL << 3;
    public const ulong IncompatibleExtendedL2 = 1UL << 4;
    public const ulong KnownIncompatible = IncompatibleDirty | IncompatibleCorrupt | IncompatibleExternalData | IncompatibleCompressionType | IncompatibleExtendedL2;

    // Compatible and autoclear bits.
    public const ulong CompatibleLazyRefcounts = 1UL << 0;
    public const ulong AutoclearBitmaps = 1UL << 0;
    public const ulong AutoclearRawExternalData = 1UL << 1;

    // Limits: the spec's, and qemu's implementation limits (block/qcow2.h), which bound allocations.
    public const int MinClusterBits = 9;
    public const int MaxClusterBits = 21;
    public const int MinExtendedL2ClusterBits = 14;
    public const int MaxBackingFileNameLength = 1023;
    public const long MaxL1Bytes = 32L << 20; // QCOW_MAX_L1_SIZE
    public const long MaxRefcountTableBytes = 8L << 20; // QCOW_MAX_REFTABLE_SIZE
    public const int MaxSnapshots = 65536; // QCOW_MAX_SNAPSHOTS
    public const int MaxRefcountOrder = 6;

    public uint Version { get; set; }

    public ulong BackingFileOffset { get; set; }

    public uint BackingFileSize { get; set; }

    public int ClusterBits { get; set; }

    public long Size { get; set; }

    public uint CryptMethod { get; set; }

    public int L1Size { get; set; }

    public long L1TableOffset { get; set; }

    public long RefcountTableOffset { get; set; }

    public int RefcountTableClusters { get; set; }

    public int NbSnapshots { get; set; }

    public long SnapshotsOffset { get; set; }

    public ulong IncompatibleFeatures { get; set; }

    public ulong CompatibleFeatures { get; set; }

    public ulong AutoclearFeatures { get; set; }

    public int RefcountOrder { get; set; } = 4;

    public int HeaderLength { get; set; } = V2Length;

    public byte CompressionType { get; set; }

    /// <summary>Header bytes past the fields this code knows (kept so a rewrite preserves them, qcow2.txt "Additional fields").</summary>
    public byte[] UnknownTail { get; set; } = Array.Empty<byte>();

    public List<Qcow2HeaderExtension> Extensions { get; } = new();

    public string? BackingFile { get; set; }

    public long ClusterSize => 1L << ClusterBits;

    public bool ExtendedL2 => (IncompatibleFeatures & IncompatibleExtendedL2) != 0;

    public bool IsDirty => (IncompatibleFeatures & IncompatibleDirty) != 0;

    public bool IsCorrupt => (IncompatibleFeatures & IncompatibleCorrupt) != 0;

    public string? BackingFormat
    {
        get
        {
            var ext = Find(Qcow2HeaderExtension.TypeBackingFormat);
            return ext is null ? null : Encoding.ASCII.GetString(ext.Data).TrimEnd('\0');
        }
    }

    public Qcow2HeaderExtension? Find(uint type) => Extensions.Find(e => e.Type == type);

    /// <summary>Reads and validates the header, its extensions and the backing file name.</summary>
    public static Qcow2Header Read(IBlockStorage storage)
    {
        var name = storage.Name;
        if (storage.Length < V2Length)
        {
            throw new CorruptImageException(name, FormatName, 0, "header", $"the file has {storage.Length} bytes, fewer than the {V2Length} of a header", "ImageTruncated");
        }

        var fixedPart = new byte[V3MinLength];
        var fixedLength = (int)Math.Min(V3MinLength, storage.Length);
        storage.ReadExactly(0, fixedPart.AsSpan(0, fixedLength), FormatName, "header");
        var b = fixedPart.AsSpan();
        if (BinaryPrimitives.ReadUInt32BigEndian(b) != Magic)
        {
            throw new CorruptImageException(name, FormatName, 0, "header", "the magic is not QFI\\xfb", "ImageFormatNotRecognized");
        }

        var h = new Qcow2Header { Version = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(OffsetVersion)) };
        if (h.Version != 2 && h.Version != 3)
        {
            throw new UnsupportedFeatureException($"qcow2 version {h.Version}", $"'{name}' is a qcow2 image of version {h.Version}; only versions 2 and 3 are supported.", name, "Qcow2VersionNotSupported");
        }

        h.BackingFileOffset = BinaryPrimitives.ReadUInt64BigEndian(b.Slice(OffsetBackingFileOffset));
        h.BackingFileSize = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(OffsetBackingFileSize));
        var clusterBits = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(OffsetClusterBits));
        var size = BinaryPrimitives.ReadUInt64BigEndian(b.Slice(OffsetSize));
        h.CryptMethod = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(OffsetCryptMethod));
        var l1Size = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(OffsetL1Size));
        var l1Offset = BinaryPrimitives.ReadUInt64BigEndian(b.Slice(OffsetL1TableOffset));
        var refOffset = BinaryPrimitives.ReadUInt64BigEndian(b.Slice(OffsetRefcountTableOffset));
        var refClusters = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(OffsetRefcountTableClusters));
        var nbSnapshots = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(OffsetNbSnapshots));
        var snapshotsOffset = BinaryPrimitives.ReadUInt64BigEndian(b.Slice(OffsetSnapshotsOffset));

        if (clusterBits < MinClusterBits)
        {
            throw Corrupt(name, OffsetClusterBits, $"cluster_bits is {clusterBits}; the smallest allowed is {MinClusterBits} (512-byte clusters)");
        }

        if (clusterBits > MaxClusterBits)
        {
            throw new UnsupportedFeatureException($"qcow2 cluster_bits {clusterBits}", $"'{name}' uses clusters of 2^{clusterBits} bytes; qemu and ImageOps support at most 2 MiB.", name, "Qcow2ClusterSizeNotSupported");
        }

        h.ClusterBits = (int)clusterBits;
        if (size > long.MaxValue)
        {
            throw Corrupt(name, OffsetSize, $"the virtual size {size} does not fit in 63 bits");
        }

        h.Size = (long)size;

        if (h.Version == 3)
        {
            if (storage.Length < V3MinLength)
            {
                throw new CorruptImageException(name, FormatName, 0, "header", $"a version 3 header needs {V3MinLength} bytes but the file has {storage.Length}", "ImageTruncated");
            }

            h.IncompatibleFeatures = BinaryPrimitives.ReadUInt64BigEndian(b.Slice(OffsetIncompatibleFeatures));
            h.CompatibleFeatures = BinaryPrimitives.ReadUInt64BigEndian(b.Slice(OffsetCompatibleFeatures));
            h.AutoclearFeatures = BinaryPrimitives.ReadUInt64BigEndian(b.Slice(OffsetAutoclearFeatures));
            var refcountOrder = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(OffsetRefcountOrder));
            var headerLength = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(OffsetHeaderLength));
            if (refcountOrder > MaxRefcountOrder)
            {
                throw Corrupt(name, OffsetRefcountOrder, $"refcount_order is {refcountOrder}; at most {MaxRefcountOrder} is allowed");
            }

            if (headerLength < V3MinLength || headerLength % 8 != 0 || headerLength > h.ClusterSize)
            {
                throw Corrupt(name, OffsetHeaderLength, $"header_length {headerLength} must be a multiple of 8 between {V3MinLength} and the cluster size {h.ClusterSize}");
            }

            h.RefcountOrder = (int)refcountOrder;
            h.HeaderLength = (int)headerLength;
        }

        // The rest of the header (v3 additional fields and padding), the extensions and the
        // backing name all lie in the first cluster; read it once, bounded by the cluster size.
        var firstCluster = new byte[(int)Math.Min(h.ClusterSize, storage.Length)];
        storage.ReadExactly(0, firstCluster, FormatName, "header cluster");
        if (h.HeaderLength > firstCluster.Length)
        {
            throw new CorruptImageException(name, FormatName, 0, "header", $"header_length {h.HeaderLength} runs past the end of the file ({storage.Length} bytes)", "ImageTruncated");
        }

        if (h.HeaderLength > OffsetCompressionType)
        {
            h.CompressionType = firstCluster[OffsetCompressionType];
        }

        var knownEnd = h.Version == 3 ? Math.Min(h.HeaderLength, OffsetCompressionType + 1) : V2Length;
        h.UnknownTail = firstCluster.AsSpan(knownEnd, h.HeaderLength - knownEnd).ToArray();

        h.ValidateFeatures(name, firstCluster);

        if (h.CryptMethod != 0)
        {
            throw new UnsupportedFeatureException("qcow2 encryption", $"'{name}' is encrypted ({(h.CryptMethod == 1 ? "AES" : h.CryptMethod == 2 ? "LUKS" : "method " + h.CryptMethod)}); ImageOps does not read encrypted qcow2 images.", name, "Qcow2EncryptionNotSupported");
        }

        // Extensions run from the end of the header up to the backing name (or the cluster's end).
        var extensionsEnd = h.BackingFileOffset != 0 ? (long)Math.Min(h.BackingFileOffset, (ulong)firstCluster.Length) : firstCluster.Length;
        h.ReadExtensions(name, firstCluster, h.HeaderLength, (int)extensionsEnd);

        if (h.BackingFileOffset != 0)
        {
            if (h.BackingFileSize == 0 || h.BackingFileSize > MaxBackingFileNameLength)
            {
                throw Corrupt(name, OffsetBackingFileSize, $"the backing file name length {h.BackingFileSize} must be between 1 and {MaxBackingFileNameLength}");
            }

            if (h.BackingFileOffset > (ulong)h.ClusterSize || h.BackingFileOffset + h.BackingFileSize > (ulong)storage.Length)
            {
                throw Corrupt(name, OffsetBackingFileOffset, $"the backing file name at {h.BackingFileOffset} (+{h.BackingFileSize}) lies outside the first cluster or the file");
            }

            var nameBytes = new byte[h.BackingFileSize];
            storage.ReadExactly((long)h.BackingFileOffset, nameBytes, FormatName, "backing file name");
            h.BackingFile = Encoding.UTF8.GetString(nameBytes);
        }

        // A stray external data file name without the incompatible bit is ignored, as qemu does;
        // the file it names is never opened.
        // Tables: alignment and implementation limits, before anything sized from them is allocated.
        if (l1Size > MaxL1Bytes / 8)
        {
            throw Corrupt(name, OffsetL1Size, $"the active L1 table has {l1Size} entries, more than qemu's limit of {MaxL1Bytes / 8}");
        }

        h.L1Size = (int)l1Size;
        var neededL1 = RequiredL1Size(h.Size, h.ClusterBits, h.ExtendedL2);
        if (neededL1 > h.L1Size)
        {
            throw Corrupt(name, OffsetL1Size, $"the L1 table has {h.L1Size} entries but a virtual size of {h.Size} needs {neededL1}");
        }

        h.L1TableOffset = CheckTableOffset(name, h, OffsetL1TableOffset, l1Offset, (long)h.L1Size * 8, "L1 table");
        if (refClusters == 0 || refClusters > MaxRefcountTableBytes / h.ClusterSize)
        {
            throw Corrupt(name, OffsetRefcountTableClusters, $"refcount_table_clusters is {refClusters}; it must be between 1 and {MaxRefcountTableBytes / h.ClusterSize}");
        }

        h.RefcountTableClusters = (int)refClusters;
        h.RefcountTableOffset = CheckTableOffset(name, h, OffsetRefcountTableOffset, refOffset, refClusters * h.ClusterSize, "refcount table");
        if (nbSnapshots > MaxSnapshots)
        {
            throw Corrupt(name, OffsetNbSnapshots, $"{nbSnapshots} snapshots exceed the limit of {MaxSnapshots}");
        }

        h.NbSnapshots = (int)nbSnapshots;
        h.SnapshotsOffset = nbSnapshots == 0 ? (long)Math.Min(snapshotsOffset, long.MaxValue) : CheckTableOffset(name, h, OffsetSnapshotsOffset, snapshotsOffset, nbSnapshots * Qcow2SnapshotEntry.FixedLength, "snapshot table");
        return h;
    }

    /// <summary>L1 entries a virtual size needs (qemu's size_to_l1).</summary>
    public static long RequiredL1Size(long size, int clusterBits, bool extendedL2)
    {
        var l2Bits = clusterBits - (extendedL2 ? 4 : 3);
        var shift = clusterBits + l2Bits;
        return shift >= 63 ? (size == 0 ? 0 : 1) : (long)(((ulong)size + (1UL << shift) - 1) >> shift);
    }

    /// <summary>The header and its extensions as they are written to the first cluster (without the backing name).</summary>
    public byte[] Serialize(out int backingNameOffset)
    {
        var buffer = new List<byte>(512);
        var fixedLength = Version == 2 ? V2Length : HeaderLength;
        var head = new byte[fixedLength];
        var s = head.AsSpan();
        BinaryPrimitives.WriteUInt32BigEndian(s, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(OffsetVersion), Version);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(OffsetClusterBits), (uint)ClusterBits);
        BinaryPrimitives.WriteUInt64BigEndian(s.Slice(OffsetSize), (ulong)Size);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(OffsetCryptMethod), CryptMethod);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(OffsetL1Size), (uint)L1Size);
        BinaryPrimitives.WriteUInt64BigEndian(s.Slice(OffsetL1TableOffset), (ulong)L1TableOffset);
        BinaryPrimitives.WriteUInt64BigEndian(s.Slice(OffsetRefcountTableOffset), (ulong)RefcountTableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(OffsetRefcountTableClusters), (uint)RefcountTableClusters);
        BinaryPrimitives.WriteUInt32BigEndian(s.Slice(OffsetNbSnapshots), (uint)NbSnapshots);
        BinaryPrimitives.WriteUInt64BigEndian(s.Slice(OffsetSnapshotsOffset), (ulong)SnapshotsOffset);
        if (Version == 3)
        {
            BinaryPrimitives.WriteUInt64BigEndian(s.Slice(OffsetIncompatibleFeatures), IncompatibleFeatures);
            BinaryPrimitives.WriteUInt64BigEndian(s.Slice(OffsetCompatibleFeatures), CompatibleFeatures);
            BinaryPrimitives.WriteUInt64BigEndian(s.Slice(OffsetAutoclearFeatures), AutoclearFeatures);
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(OffsetRefcountOrder), (uint)RefcountOrder);
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(OffsetHeaderLength), (uint)HeaderLength);
            var knownEnd = Math.Min(HeaderLength, OffsetCompressionType + 1);
            if (HeaderLength > OffsetCompressionType)
            {
                head[OffsetCompressionType] = CompressionType;
            }

            UnknownTail.AsSpan(0, Math.Min(UnknownTail.Length, HeaderLength - knownEnd)).CopyTo(s.Slice(knownEnd));
        }

        buffer.AddRange(head);
        foreach (var ext in Extensions)
        {
            if (Version == 2 && ext.Type == Qcow2HeaderExtension.TypeFeatureNameTable)
            {
                continue;
            }

            ext.AppendTo(buffer);
        }

        // End-of-extensions marker.
        buffer.AddRange(new byte[8]);
        backingNameOffset = buffer.Count;
        return buffer.ToArray();
    }

    private void ValidateFeatures(string name, byte[] firstCluster)
    {
        var unknown = IncompatibleFeatures & ~KnownIncompatible;
        if (unknown != 0)
        {
            // Name the bits from the image's own feature name table when it has one (qemu does too).
            var names = new List<string>();
            var table = TryReadFeatureNames(firstCluster);
            for (var bit = 0; bit < 64; bit++)
            {
                if ((unknown & (1UL << bit)) != 0)
                {
                    names.Add(table.TryGetValue((0, bit), out var n) ? $"bit {bit} ({n})" : $"bit {bit}");
                }
            }

            throw new UnsupportedFeatureException($"qcow2 incompatible feature {string.Join(", ", names)}", $"'{name}' uses incompatible qcow2 features ImageOps does not know: {string.Join(", ", names)}. Opening it could misread or corrupt data.", name, "Qcow2IncompatibleFeature");
        }

        if ((IncompatibleFeatures & IncompatibleExternalData) != 0)
        {
            throw new UnsupportedFeatureException("qcow2 external data file", $"'{name}' keeps its data in an external data file, which ImageOps does not open.", name, "Qcow2ExternalDataFileNotSupported");
        }

        if ((IncompatibleFeatures & IncompatibleCompressionType) != 0)
        {
            if (CompressionType == 0)
            {
                throw Corrupt(name, OffsetCompressionType, "the compression type bit is set but compression_type is 0 (zlib)");
            }

            throw new UnsupportedFeatureException($"qcow2 compression type {CompressionType}", $"'{name}' compresses clusters with {(CompressionType == 1 ? "zstd" : "compression type " + CompressionType)}; ImageOps reads zlib-compressed qcow2 only.", name, "Qcow2CompressionTypeNotSupported");
        }

        if (CompressionType != 0)
        {
            throw Corrupt(name, OffsetCompressionType, $"compression_type is {CompressionType} but the compression type feature bit is not set");
        }

        if (ExtendedL2 && ClusterBits < MinExtendedL2ClusterBits)
        {
            throw Corrupt(name, OffsetClusterBits, $"extended L2 entries need clusters of at least {1 << MinExtendedL2ClusterBits} bytes, not {ClusterSize}");
        }
    }

    private Dictionary<(int Type, int Bit), string> TryReadFeatureNames(byte[] firstCluster)
    {
        try
        {
            var probe = new Qcow2Header { Version = Version, ClusterBits = ClusterBits, HeaderLength = HeaderLength };
            var end = BackingFileOffset != 0 ? (int)Math.Min(BackingFileOffset, (ulong)firstCluster.Length) : firstCluster.Length;
            probe.ReadExtensions("(probe)", firstCluster, HeaderLength, end);
            var table = probe.Find(Qcow2HeaderExtension.TypeFeatureNameTable);
            return table is null ? new Dictionary<(int, int), string>() : Qcow2FeatureNameTable.Parse(table.Data);
        }
        catch (CorruptImageException)
        {
            return new Dictionary<(int, int), string>();
        }
    }

    private void ReadExtensions(string name, byte[] firstCluster, int start, int end)
    {
        var position = start;
        var seen = new HashSet<uint>();

        // Each extension takes at least 8 bytes, so the loop ends within the cluster.
        while (position + 8 <= end)
        {
            var type = BinaryPrimitives.ReadUInt32BigEndian(firstCluster.AsSpan(position));
            var length = BinaryPrimitives.ReadUInt32BigEndian(firstCluster.AsSpan(position + 4));
            if (type == Qcow2HeaderExtension.TypeEnd)
            {
                return;
            }

            if (length > (uint)(end - position - 8))
            {
                throw Corrupt(name, position, $"header extension 0x{type:x8} of {length} bytes runs past the header area (ends at {end})");
            }

            if (!seen.Add(type))
            {
                throw Corrupt(name, position, $"header extension 0x{type:x8} appears twice");
            }

            var data = firstCluster.AsSpan(position + 8, (int)length).ToArray();
            Extensions.Add(new Qcow2HeaderExtension(type, data));
            position += 8 + (int)((length + 7) & ~7u);
        }
    }

    private static long CheckTableOffset(string name, Qcow2Header h, int field, ulong offset, long bytes, string table)
    {
        if (offset > long.MaxValue || offset % (ulong)h.ClusterSize != 0)
        {
            throw Corrupt(name, field, $"the {table} offset {offset} is not aligned to the cluster size {h.ClusterSize}");
        }

        if (bytes > 0 && offset == 0)
        {
            throw Corrupt(name, field, $"the {table} lies over the header (offset 0)");
        }

        if ((long)offset > long.MaxValue - bytes)
        {
            throw Corrupt(name, field, $"the {table} at {offset} (+{bytes}) overflows");
        }

        return (long)offset;
    }

    private static CorruptImageException Corrupt(string name, long offset, string detail)
        => new(name, FormatName, offset, "header", detail);
}
