using ImageOps.Tests.Disks;
using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using ImageOps.Formats.Disks;
using ImageOps.Formats.Disks.Chains;
using ImageOps.Formats.Disks.Storage;
using ImageOps.Tests;

namespace ImageOps.Formats.Tests.Disks.Qcow2;

/// <summary>HOSTILE.md for qcow2: every bad image, built by patching a valid one, ends in success or a typed error, bounded.</summary>
public class Qcow2HostileTests
{
    private const int Cs = 65536;

    /// <summary>A valid 4 MiB v3 image: 0 header, 1 reftable, 2 refblock, 3 L1, 4 L2, 5-6 data.</summary>
    private static byte[] Valid(string? subformat = null)
    {
        var storage = new MemoryBlockStorage("valid.qcow2");
        using (var disk = Qcow2TestSupport.Format.Create(storage, new DiskCreateOptions { Capacity = 4L << 20, Subformat = subformat }))
        {
            disk.Write(0, Qcow2TestSupport.Pattern(Cs + 100, 1));
        }

        return storage.ToArray();
    }

    /// <summary>A valid compressed image made by the writer.</summary>
    private static byte[] ValidCompressed()
    {
        var storage = new MemoryBlockStorage("compressed.qcow2");
        var source = new MemoryBlockStorage(Qcow2TestSupport.TextLike(256 << 10, 2), "src.raw");
        using (var src = DiskFormats.Open(source, new DiskOpenOptions { Format = DiskFormat.Raw }))
        using (var writer = Qcow2TestSupport.Format.CreateWriter(new NonDisposing(storage), new DiskCreateOptions { Capacity = 256 << 10, Compress = true }))
        {
            Qcow2TestSupport.Pump(src, writer);
        }

        return storage.ToArray();
    }

    private static ImageOpsException? Exercise(byte[] image, bool writable = false, ParentResolver? parents = null)
        => Hostile.Survives(() =>
        {
            var storage = new MemoryBlockStorage(image, "hostile.qcow2", writable);
            var options = new DiskOpenOptions { Writable = writable, Parents = parents ?? new InMemoryParents() };
            using (var disk = DiskFormats.Open(storage, options))
            {
                var buffer = new byte[64 << 10];
                foreach (var offset in new[] { 0L, Math.Max(0, disk.Capacity - buffer.Length) })
                {
                    disk.Read(offset, buffer.AsSpan(0, (int)Math.Min(buffer.Length, disk.Capacity - offset)));
                }

                _ = disk.GetAllocation(0, disk.Capacity).Take(100000).Count();
                if (writable)
                {
                    disk.Write(0, new byte[1000]);
                }
            }
        });

    private static ImageOpsException? ExerciseCheck(byte[] image)
        => Hostile.Survives(() =>
        {
            using var storage = new MemoryBlockStorage(image, "hostile.qcow2", writable: false);
            _ = Qcow2TestSupport.Format.Check(storage, new DiskCheckOptions());
        });

    private static byte[] Patch(byte[] image, Action<byte[]> patch)
    {
        var copy = (byte[])image.Clone();
        patch(copy);
        return copy;
    }

    private static void U32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), v);

    private static void U64(byte[] b, int at, ulong v) => BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(at), v);

    [Fact]
    public void The_valid_images_open_read_write_and_check_clean()
    {
        Assert.Null(Exercise(Valid()));
        Assert.Null(Exercise(Valid("v2"), writable: true));
        Assert.Null(Exercise(ValidCompressed()));
        Assert.Null(ExerciseCheck(ValidCompressed()));
    }

    [Fact]
    public void Truncation_anywhere_is_survived()
    {
        foreach (var image in new[] { Valid(), ValidCompressed() })
        {
            foreach (var length in new[] { 0, 1, 8, 71, 72, 103, 104, 111, 120, 511, 512, Cs - 1, Cs, (2 * Cs) + 4, (3 * Cs) + 100, (4 * Cs) + 1000, (5 * Cs) + 7, image.Length - 1 })
            {
                if (length > image.Length)
                {
                    continue;
                }

                var cut = image.AsSpan(0, length).ToArray();
                Exercise(cut);
                ExerciseCheck(cut);
            }
        }

        Assert.NotNull(Exercise(new byte[] { (byte)'Q', (byte)'F', (byte)'I', 0xfb, 0, 0, 0, 3 }));
    }

    [Theory]
    [InlineData(Qcow2HostileCase.Version4, "Qcow2VersionNotSupported")]
    [InlineData(Qcow2HostileCase.ClusterBitsZero, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.ClusterBitsHuge, "Qcow2ClusterSizeNotSupported")]
    [InlineData(Qcow2HostileCase.SizePetabytesSmallL1, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.SizeNegative, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.L1SizeHuge, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.L1SizeNegative, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.L1OffsetPastEof, "ImageTruncated")]
    [InlineData(Qcow2HostileCase.L1OffsetMisaligned, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.L1OffsetOverflows, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.L1OverHeader, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.RefcountTableClustersZero, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.RefcountTableClustersHuge, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.SnapshotsHuge, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.SnapshotsPastEof, "ImageTruncated")]
    [InlineData(Qcow2HostileCase.HeaderLengthShort, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.HeaderLengthPastCluster, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.RefcountOrder7, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.UnknownIncompatibleBit, "Qcow2IncompatibleFeature")]
    [InlineData(Qcow2HostileCase.ExternalDataFile, "Qcow2ExternalDataFileNotSupported")]
    [InlineData(Qcow2HostileCase.Zstd, "Qcow2CompressionTypeNotSupported")]
    [InlineData(Qcow2HostileCase.CompressionTypeWithoutBit, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.AesEncrypted, "Qcow2EncryptionNotSupported")]
    [InlineData(Qcow2HostileCase.LuksEncrypted, "Qcow2EncryptionNotSupported")]
    [InlineData(Qcow2HostileCase.ExtensionPastHeaderArea, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.DuplicateExtension, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.ExtendedL2SmallClusters, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.BackingNameTooLong, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.BackingNameOutsideFirstCluster, "ImageCorrupt")]
    [InlineData(Qcow2HostileCase.L1EntryPastEof, "ImageTruncated")]
    [InlineData(Qcow2HostileCase.L1EntryMisaligned, "Qcow2L1EntryCorrupt")]
    [InlineData(Qcow2HostileCase.L2EntryMisaligned, "Qcow2L2EntryCorrupt")]
    [InlineData(Qcow2HostileCase.ZeroFlagInV2, "Qcow2L2EntryCorrupt")]
    public void Bad_headers_and_tables_are_refused_with_typed_errors(Qcow2HostileCase which, string errorId)
    {
        var image = Build(which);
        var error = Exercise(image);
        Assert.NotNull(error);
        Assert.Equal(errorId, error!.ErrorId);
        ExerciseCheck(image);
    }

    [Fact]
    public void Unknown_incompatible_bits_are_named_from_the_feature_table()
    {
        var image = Patch(Valid(), b =>
        {
            b[72] |= 0x80; // bit 63
            // A feature name table extension at the header's end: type 0, bit 63, "shiny".
            U32(b, 112, 0x6803f857);
            U32(b, 116, 48);
            b[120] = 0;
            b[121] = 63;
            Encoding.ASCII.GetBytes("shiny").CopyTo(b, 122);
            U32(b, 168, 0);
            U32(b, 172, 0);
        });
        var error = Assert.IsType<UnsupportedFeatureException>(Exercise(image));
        Assert.Contains("shiny", error.Message);
    }

    [Fact]
    public void Compressed_garbage_bombs_and_offsets_past_eof_are_survived()
    {
        var image = ValidCompressed();
        var l1 = (int)BinaryPrimitives.ReadUInt64BigEndian(image.AsSpan(40));
        var l2 = (int)(BinaryPrimitives.ReadUInt64BigEndian(image.AsSpan(l1)) & 0x00fffffffffffe00UL);
        var entry = BinaryPrimitives.ReadUInt64BigEndian(image.AsSpan(l2));
        var offset = (int)(entry & ((1UL << 54) - 1));

        var garbage = Patch(image, b => new Random(3).NextBytes(b.AsSpan(offset, 40)));
        var error = Exercise(garbage);
        Assert.True(error is null || error.ErrorId == "Qcow2CompressedClusterCorrupt", error?.ErrorId);

        var pastEof = Patch(image, b => U64(b, l2, (entry & ~((1UL << 54) - 1)) | (ulong)(long)(b.Length + (1 << 20))));
        Assert.Equal("ImageTruncated", Exercise(pastEof)!.ErrorId);

        // A bomb: a stream that inflates to far more than a cluster; only one cluster is produced.
        var bombData = new byte[8 << 20];
        var packed = new MemoryStream();
        using (var deflate = new System.IO.Compression.DeflateStream(packed, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(bombData);
        }

        var bomb = Patch(image, b =>
        {
            Array.Resize(ref b, b.Length);
        });
        var withBomb = bomb.Concat(packed.ToArray()).Concat(new byte[512]).ToArray();
        var layout = new ImageOps.Formats.Disks.Qcow2.Qcow2Layout(16, false, 4);
        U64(withBomb, l2, layout.CompressedEntry(bomb.Length, (int)Math.Min(packed.Length, Cs - 1)));
        Assert.Null(Exercise(withBomb));
        ExerciseCheck(withBomb);
    }

    [Fact]
    public void Huge_virtual_sizes_with_nothing_allocated_are_cheap()
    {
        var storage = new MemoryBlockStorage("huge.qcow2");
        using (var disk = Qcow2TestSupport.Format.Create(storage, new DiskCreateOptions { Capacity = 1L << 52, ClusterSize = 2 << 20 }))
        {
            Assert.Single(disk.GetAllocation(0, disk.Capacity));
        }

        Assert.Null(Exercise(storage.ToArray()));
    }

    [Fact]
    public void Overlapping_tables_and_l2_over_the_header_are_survived()
    {
        var image = Valid();
        Exercise(Patch(image, b => U64(b, 3 * Cs, 1UL << 63))); // L1 entry pointing at the header cluster? offset 0 = unallocated
        Exercise(Patch(image, b => U64(b, 3 * Cs, (1UL << 63) | (2UL * Cs)))); // L2 = the refcount block
        Exercise(Patch(image, b => U64(b, 4 * Cs, (1UL << 63) | (3UL * Cs)))); // data = the L1 table
        Assert.Equal(DiskCheckStatus.Corrupt, Qcow2TestSupport.Format.Check(new MemoryBlockStorage(Patch(image, b => U64(b, 4 * Cs, (1UL << 63) | (3UL * Cs)))), new DiskCheckOptions()).Status);
        ExerciseCheck(Patch(image, b => U64(b, Cs, ulong.MaxValue)));
        ExerciseCheck(Patch(image, b => U64(b, Cs + 8, 0x7fffffffffff0000UL)));
        ExerciseCheck(Patch(image, b => U64(b, 3 * Cs, 0x00fffffffffffe00UL)));
    }

    [Fact]
    public void Snapshots_sharing_one_huge_L1_cannot_make_the_check_quadratic()
    {
        var image = Valid();
        var l1Region = image.Length;
        const int l1Entries = 131072; // 1 MiB of L1 entries, all pointing at the one L2 table
        const int snapshots = 1000;
        var table = l1Region + (l1Entries * 8);
        var bytes = new byte[table + (snapshots * 48)];
        image.CopyTo(bytes, 0);
        for (var i = 0; i < l1Entries; i++)
        {
            U64(bytes, l1Region + (i * 8), 4UL * Cs);
        }

        for (var s = 0; s < snapshots; s++)
        {
            var at = table + (s * 48);
            U64(bytes, at, (ulong)l1Region);
            U32(bytes, at + 8, l1Entries);
            bytes[at + 13] = 1; // id length
            bytes[at + 15] = 1; // name length
            bytes[at + 40] = (byte)'1';
            bytes[at + 41] = (byte)'s';
        }

        U32(bytes, 60, snapshots);
        U64(bytes, 64, (ulong)table);
        var error = ExerciseCheck(bytes);
        Assert.Equal("Qcow2CheckTooLarge", error!.ErrorId);
        Assert.Null(Exercise(bytes));
    }

    [Fact]
    public void Hostile_backing_references_are_refused_and_open_nothing_outside_the_roots()
    {
        using var dir = new TempFolder("qcow2-hostile-backing");
        var root = dir.Combine("root");
        Directory.CreateDirectory(root);
        File.WriteAllBytes(Path.Combine(dir.Path, "outside.raw"), new byte[1 << 20]);
        var resolver = new ParentResolver(new[] { root });

        foreach (var (reference, errorId) in new[]
        {
            ("/etc/passwd", "ParentReferenceRefused"),
            ("../outside.raw", "ParentReferenceRefused"),
            ("json:{\"file.filename\":\"/etc/passwd\"}", "ParentReferenceRefused"),
            ("http://example.invalid/x.qcow2", "ParentReferenceRefused"),
            ("nbd://127.0.0.1/x", "ParentReferenceRefused"),
            ("missing.raw", "ParentNotFound"),
        })
        {
            var path = Path.Combine(root, "child.qcow2");
            File.WriteAllBytes(path, WithBacking(Valid(), reference, null));
            var error = Hostile.Survives(() => DiskFormats.Open(path, new DiskOpenOptions { Parents = resolver }).Dispose());
            Assert.True(error is not null && error.ErrorId == errorId, $"{reference}: {error?.ErrorId}");
        }

        // A cycle: the image names itself.
        var self = Path.Combine(root, "self.qcow2");
        File.WriteAllBytes(self, WithBacking(Valid(), "self.qcow2", "qcow2"));
        Assert.Equal("ChainCycle", Hostile.Survives(() => DiskFormats.Open(self, new DiskOpenOptions { Parents = resolver }).Dispose())!.ErrorId);

        // A chain deeper than the limit.
        File.WriteAllBytes(Path.Combine(root, "d0.qcow2"), Valid());
        for (var i = 1; i <= DiskOpenContext.MaxChainDepth + 2; i++)
        {
            File.WriteAllBytes(Path.Combine(root, $"d{i}.qcow2"), WithBacking(Valid(), $"d{i - 1}.qcow2", "qcow2"));
        }

        Assert.Equal("ChainTooDeep", Hostile.Survives(() => DiskFormats.Open(Path.Combine(root, $"d{DiskOpenContext.MaxChainDepth + 2}.qcow2"), new DiskOpenOptions { Parents = resolver }).Dispose())!.ErrorId);

        // An unknown declared backing format is refused, never probed.
        var qed = Path.Combine(root, "qed.qcow2");
        File.WriteAllBytes(qed, WithBacking(Valid(), "d0.qcow2", "qed"));
        Assert.Equal("Qcow2BackingFormatNotSupported", Hostile.Survives(() => DiskFormats.Open(qed, new DiskOpenOptions { Parents = resolver }).Dispose())!.ErrorId);

        // A declared format is used as declared: a qcow2 file declared raw is read as raw bytes.
        var declaredRaw = Path.Combine(root, "declared-raw.qcow2");
        File.WriteAllBytes(declaredRaw, WithBacking(Valid(), "d0.qcow2", "raw"));
        using (var disk = DiskFormats.Open(declaredRaw, new DiskOpenOptions { Parents = resolver }))
        {
            Assert.Equal(DiskFormat.Raw, disk.Parent!.Format);
        }
    }

    /// <summary>Adds a backing file name (and optionally a backing format extension) to a valid image.</summary>
    internal static byte[] WithBacking(byte[] image, string name, string? format)
    {
        var b = (byte[])image.Clone();
        var at = 112;
        if (format is not null)
        {
            U32(b, at, 0xe2792aca);
            U32(b, at + 4, (uint)format.Length);
            Encoding.ASCII.GetBytes(format).CopyTo(b, at + 8);
            at += 8 + ((format.Length + 7) & ~7);
        }

        U64(b, at, 0);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        nameBytes.CopyTo(b, 1024);
        U64(b, 8, 1024);
        U32(b, 16, (uint)nameBytes.Length);
        return b;
    }

    private static byte[] Build(Qcow2HostileCase which)
    {
        var v = Valid();
        return which switch
        {
            Qcow2HostileCase.Version4 => Patch(v, b => U32(b, 4, 4)),
            Qcow2HostileCase.ClusterBitsZero => Patch(v, b => U32(b, 20, 0)),
            Qcow2HostileCase.ClusterBitsHuge => Patch(v, b => U32(b, 20, 0xffffffff)),
            Qcow2HostileCase.SizePetabytesSmallL1 => Patch(v, b => U64(b, 24, 1UL << 60)),
            Qcow2HostileCase.SizeNegative => Patch(v, b => U64(b, 24, ulong.MaxValue)),
            Qcow2HostileCase.L1SizeHuge => Patch(v, b => U32(b, 36, 1u << 31)),
            Qcow2HostileCase.L1SizeNegative => Patch(v, b => U32(b, 36, 0xffffffff)),
            Qcow2HostileCase.L1OffsetPastEof => Patch(v, b => U64(b, 40, 1UL << 40)),
            Qcow2HostileCase.L1OffsetMisaligned => Patch(v, b => U64(b, 40, (3UL * Cs) + 8)),
            Qcow2HostileCase.L1OffsetOverflows => Patch(v, b => U64(b, 40, 0xffffffffffff0000UL)),
            Qcow2HostileCase.L1OverHeader => Patch(v, b => U64(b, 40, 0)),
            Qcow2HostileCase.RefcountTableClustersZero => Patch(v, b => U32(b, 56, 0)),
            Qcow2HostileCase.RefcountTableClustersHuge => Patch(v, b => U32(b, 56, 0xffffffff)),
            Qcow2HostileCase.SnapshotsHuge => Patch(v, b =>
            {
                U32(b, 60, 0x7fffffff);
                U64(b, 64, 5UL * Cs);
            }),
            Qcow2HostileCase.SnapshotsPastEof => Patch(v, b =>
            {
                U32(b, 60, 3);
                U64(b, 64, 1UL << 40);
            }),
            Qcow2HostileCase.HeaderLengthShort => Patch(v, b => U32(b, 100, 96)),
            Qcow2HostileCase.HeaderLengthPastCluster => Patch(v, b => U32(b, 100, (uint)Cs + 8)),
            Qcow2HostileCase.RefcountOrder7 => Patch(v, b => U32(b, 96, 7)),
            Qcow2HostileCase.UnknownIncompatibleBit => Patch(v, b => b[79] |= 0x20),
            Qcow2HostileCase.ExternalDataFile => Patch(v, b => b[79] |= 0x04),
            Qcow2HostileCase.Zstd => Patch(v, b =>
            {
                b[79] |= 0x08;
                b[104] = 1;
            }),
            Qcow2HostileCase.CompressionTypeWithoutBit => Patch(v, b => b[104] = 1),
            Qcow2HostileCase.AesEncrypted => Patch(v, b => U32(b, 32, 1)),
            Qcow2HostileCase.LuksEncrypted => Patch(v, b => U32(b, 32, 2)),
            Qcow2HostileCase.ExtensionPastHeaderArea => Patch(v, b =>
            {
                U32(b, 112, 0x12345678);
                U32(b, 116, 0x7fffffff);
            }),
            Qcow2HostileCase.DuplicateExtension => Patch(v, b =>
            {
                U32(b, 112, 0x12345678);
                U32(b, 116, 0);
                U32(b, 120, 0x12345678);
                U32(b, 124, 0);
            }),
            Qcow2HostileCase.ExtendedL2SmallClusters => Patch(Valid4k(), b => b[79] |= 0x10),
            Qcow2HostileCase.BackingNameTooLong => Patch(v, b =>
            {
                U64(b, 8, 1024);
                U32(b, 16, 5000);
            }),
            Qcow2HostileCase.BackingNameOutsideFirstCluster => Patch(v, b =>
            {
                U64(b, 8, 2UL * Cs);
                U32(b, 16, 1000);
            }),
            Qcow2HostileCase.L1EntryPastEof => Patch(v, b => U64(b, 3 * Cs, (1UL << 63) | (1UL << 45))),
            Qcow2HostileCase.L1EntryMisaligned => Patch(v, b => U64(b, 3 * Cs, (1UL << 63) | ((4UL * Cs) + 512))),
            Qcow2HostileCase.L2EntryMisaligned => Patch(v, b => U64(b, 4 * Cs, (1UL << 63) | ((5UL * Cs) + 512))),
            Qcow2HostileCase.ZeroFlagInV2 => Patch(Valid("v2"), b => U64(b, 4 * Cs, 1)),
            _ => throw new ArgumentOutOfRangeException(nameof(which)),
        };
    }

    private static byte[] Valid4k()
    {
        var storage = new MemoryBlockStorage("valid4k.qcow2");
        using (Qcow2TestSupport.Format.Create(storage, new DiskCreateOptions { Capacity = 1L << 20, ClusterSize = 4096 }))
        {
        }

        return storage.ToArray();
    }

    private sealed class NonDisposing : IBlockStorage
    {
        private readonly IBlockStorage _inner;

        public NonDisposing(IBlockStorage inner) => _inner = inner;

        public string Name => _inner.Name;

        public long Length => _inner.Length;

        public bool CanWrite => _inner.CanWrite;

        public int ReadAt(long offset, Span<byte> buffer) => _inner.ReadAt(offset, buffer);

        public void WriteAt(long offset, ReadOnlySpan<byte> data) => _inner.WriteAt(offset, data);

        public void SetLength(long length) => _inner.SetLength(length);

        public void Flush(bool durable) => _inner.Flush(durable);

        public void Dispose()
        {
        }
    }
}

public enum Qcow2HostileCase
{
    Version4,
    ClusterBitsZero,
    ClusterBitsHuge,
    SizePetabytesSmallL1,
    SizeNegative,
    L1SizeHuge,
    L1SizeNegative,
    L1OffsetPastEof,
    L1OffsetMisaligned,
    L1OffsetOverflows,
    L1OverHeader,
    RefcountTableClustersZero,
    RefcountTableClustersHuge,
    SnapshotsHuge,
    SnapshotsPastEof,
    HeaderLengthShort,
    HeaderLengthPastCluster,
    RefcountOrder7,
    UnknownIncompatibleBit,
    ExternalDataFile,
    Zstd,
    CompressionTypeWithoutBit,
    AesEncrypted,
    LuksEncrypted,
    ExtensionPastHeaderArea,
    DuplicateExtension,
    ExtendedL2SmallClusters,
    BackingNameTooLong,
    BackingNameOutsideFirstCluster,
    L1EntryPastEof,
    L1EntryMisaligned,
    L2EntryMisaligned,
    ZeroFlagInV2,
}
