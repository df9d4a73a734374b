using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>Flags of the hosted sparse extent header (VMware "Virtual Disk Format 5.0", "Hosted Sparse Extent Header").</summary>
[Flags]
internal enum SparseExtentFlags : uint
{
    None = 0,

    /// <summary>Bit 0: the four end-of-line bytes are valid, so a file mangled by a text-mode transfer is detected.</summary>
    NewlineDetection = 1u << 0,

    /// <summary>Bit 1: a redundant grain directory and redundant grain tables are kept (<c>rgdOffset</c>).</summary>
    RedundantGrainTable = 1u << 1,

    /// <summary>Bit 2: a grain table entry of 1 means "grain reads as zeros" (header version 2, the zeroed-grain GTE).</summary>
    ZeroedGrainTableEntry = 1u << 2,

    /// <summary>Bit 16: grains are compressed (<c>compressAlgorithm</c> says how).</summary>
    Compressed = 1u << 16,

    /// <summary>Bit 17: grains and metadata are preceded by markers (the stream-optimized layout).</summary>
    Markers = 1u << 17,

    /// <summary>
    /// Bits 16..31 are incompatible: a reader that does not know one must refuse the extent (VMware's
    /// own reader, open-vmdk <c>getSparseExtentHeader</c>, does the same); bits 0..15 may be ignored.
    /// </summary>
    IncompatibleMask = 0xFFFF0000u,

    /// <summary>The incompatible bits ImageOps implements.</summary>
    KnownIncompatible = Compressed | Markers,
}

/// <summary>
/// The 512-byte header of a hosted sparse extent ("KDMV"), also used as the footer of a
/// stream-optimized extent. VMware "Virtual Disk Format 5.0", section "Hosted Sparse Extent Header";
/// qemu <c>block/vmdk.c</c> <c>VMDK4Header</c>. All fields little-endian, sizes and offsets in 512-byte sectors.
/// </summary>
internal sealed class SparseExtentHeader
{
    /// <summary>The header occupies exactly one sector.</summary>
    public const int Size = 512;

    /// <summary>"KDMV" as stored: the little-endian uint32 0x564D444B.</summary>
    public const uint Magic = 0x564D444B;

    /// <summary>The sector size every sparse-extent field is counted in.</summary>
    public const int SectorSize = 512;

    /// <summary>gdOffset of a stream-optimized header whose grain directory is found through the footer.</summary>
    public const ulong GrainDirectoryAtEnd = ulong.MaxValue;

    /// <summary>compressAlgorithm: none.</summary>
    public const ushort CompressionNone = 0;

    /// <summary>compressAlgorithm: deflate (RFC 1951, stored in a zlib RFC 1950 wrapper as qemu and VMware write it).</summary>
    public const ushort CompressionDeflate = 1;

    /// <summary>The newline-detection bytes: '\n', ' ', '\r', '\n'.</summary>
    public const byte SingleEndLineChar = (byte)'\n';

    /// <summary>See <see cref="SingleEndLineChar"/>.</summary>
    public const byte NonEndLineChar = (byte)' ';

    /// <summary>See <see cref="SingleEndLineChar"/>.</summary>
    public const byte DoubleEndLineChar1 = (byte)'\r';

    /// <summary>See <see cref="SingleEndLineChar"/>.</summary>
    public const byte DoubleEndLineChar2 = (byte)'\n';

    // Field offsets within the sector (the structure is packed).
    public const int MagicOffset = 0;
    public const int VersionOffset = 4;
    public const int FlagsOffset = 8;
    public const int CapacityOffset = 12;
    public const int GrainSizeOffset = 20;
    public const int DescriptorOffsetOffset = 28;
    public const int DescriptorSizeOffset = 36;
    public const int NumGtesPerGtOffset = 44;
    public const int RgdOffsetOffset = 48;
    public const int GdOffsetOffset = 56;
    public const int OverHeadOffset = 64;
    public const int UncleanShutdownOffset = 72;
    public const int SingleEndLineCharOffset = 73;
    public const int NonEndLineCharOffset = 74;
    public const int DoubleEndLineChar1Offset = 75;
    public const int DoubleEndLineChar2Offset = 76;
    public const int CompressAlgorithmOffset = 77;

    /// <summary>First byte of the zero padding that fills the sector.</summary>
    public const int PadOffset = 79;

    public uint Version { get; set; }

    public SparseExtentFlags Flags { get; set; }

    /// <summary>Virtual size of the extent, in sectors.</summary>
    public ulong Capacity { get; set; }

    /// <summary>Sectors per grain.</summary>
    public ulong GrainSize { get; set; }

    public ulong DescriptorOffset { get; set; }

    public ulong DescriptorSize { get; set; }

    /// <summary>Entries per grain table (512 in every file VMware or qemu writes).</summary>
    public uint NumGtesPerGt { get; set; }

    public ulong RgdOffset { get; set; }

    public ulong GdOffset { get; set; }

    /// <summary>Sectors of metadata before the first grain (the grain offset).</summary>
    public ulong OverHead { get; set; }

    public bool UncleanShutdown { get; set; }

    /// <summary>True if the four newline-detection bytes hold their expected values.</summary>
    public bool NewlineBytesIntact { get; set; } = true;

    public ushort CompressAlgorithm { get; set; }

    /// <summary>True if the first four bytes are "KDMV".</summary>
    public static bool HasMagic(ReadOnlySpan<byte> sector)
        => sector.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(sector) == Magic;

    /// <summary>Decodes the fields; the caller has checked <see cref="HasMagic"/>. No semantic validation.</summary>
    public static SparseExtentHeader Parse(ReadOnlySpan<byte> sector)
    {
        if (sector.Length < Size)
        {
            throw new ArgumentException("A sparse extent header is one 512-byte sector.", nameof(sector));
        }

        return new SparseExtentHeader
        {
            Version = BinaryPrimitives.ReadUInt32LittleEndian(sector.Slice(VersionOffset)),
            Flags = (SparseExtentFlags)BinaryPrimitives.ReadUInt32LittleEndian(sector.Slice(FlagsOffset)),
            Capacity = BinaryPrimitives.ReadUInt64LittleEndian(sector.Slice(CapacityOffset)),
            GrainSize = BinaryPrimitives.ReadUInt64LittleEndian(sector.Slice(GrainSizeOffset)),
            DescriptorOffset = BinaryPrimitives.ReadUInt64LittleEndian(sector.Slice(DescriptorOffsetOffset)),
            DescriptorSize = BinaryPrimitives.ReadUInt64LittleEndian(sector.Slice(DescriptorSizeOffset)),
            NumGtesPerGt = BinaryPrimitives.ReadUInt32LittleEndian(sector.Slice(NumGtesPerGtOffset)),
            RgdOffset = BinaryPrimitives.ReadUInt64LittleEndian(sector.Slice(RgdOffsetOffset)),
            GdOffset = BinaryPrimitives.ReadUInt64LittleEndian(sector.Slice(GdOffsetOffset)),
            OverHead = BinaryPrimitives.ReadUInt64LittleEndian(sector.Slice(OverHeadOffset)),
            UncleanShutdown = sector[UncleanShutdownOffset] != 0,
            NewlineBytesIntact = sector[SingleEndLineCharOffset] == SingleEndLineChar
                                 && sector[NonEndLineCharOffset] == NonEndLineChar
                                 && sector[DoubleEndLineChar1Offset] == DoubleEndLineChar1
                                 && sector[DoubleEndLineChar2Offset] == DoubleEndLineChar2,
            CompressAlgorithm = BinaryPrimitives.ReadUInt16LittleEndian(sector.Slice(CompressAlgorithmOffset)),
        };
    }

    /// <summary>Encodes the header into <paramref name="sector"/> (512 bytes, padding zeroed).</summary>
    public void WriteTo(Span<byte> sector)
    {
        sector.Slice(0, Size).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(MagicOffset), Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(VersionOffset), Version);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(FlagsOffset), (uint)Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(CapacityOffset), Capacity);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(GrainSizeOffset), GrainSize);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(DescriptorOffsetOffset), DescriptorOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(DescriptorSizeOffset), DescriptorSize);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(NumGtesPerGtOffset), NumGtesPerGt);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(RgdOffsetOffset), RgdOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(GdOffsetOffset), GdOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(OverHeadOffset), OverHead);
        sector[UncleanShutdownOffset] = UncleanShutdown ? (byte)1 : (byte)0;
        sector[SingleEndLineCharOffset] = SingleEndLineChar;
        sector[NonEndLineCharOffset] = NonEndLineChar;
        sector[DoubleEndLineChar1Offset] = DoubleEndLineChar1;
        sector[DoubleEndLineChar2Offset] = DoubleEndLineChar2;
        BinaryPrimitives.WriteUInt16LittleEndian(sector.Slice(CompressAlgorithmOffset), CompressAlgorithm);
    }

    /// <summary>A copy (the footer of a stream-optimized extent repeats the header with the real gdOffset).</summary>
    public SparseExtentHeader Clone() => (SparseExtentHeader)MemberwiseClone();
}
