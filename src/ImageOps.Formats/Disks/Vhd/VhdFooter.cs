using System;
using System.Buffers.Binary;
using System.Text;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// The hard disk footer: Microsoft "Virtual Hard Disk Image Format Specification" (2006), section
/// "Hard Disk Footer Format". 512 big-endian bytes at the end of every VHD file; dynamic and
/// differencing disks keep a copy at offset 0 ("Dynamic Disk Header Format": the copy is there for
/// redundancy). Virtual PC before 2004 wrote a 511-byte footer (the last reserved byte missing).
/// </summary>
/// <remarks>
/// The raw bytes are kept, and only the fields ImageOps changes are patched, so reserved bytes and
/// unknown feature bits survive a rewrite (HOSTILE.md: ignore and preserve unknown compatible bits).
/// </remarks>
internal sealed class VhdFooter
{
    /// <summary>Bytes of the footer.</summary>
    public const int Size = 512;

    /// <summary>Bytes of the footer that Virtual PC before 2004 wrote (the spec: "the last 511 or 512 bytes").</summary>
    public const int LegacySize = 511;

    public const int CookieOffset = 0;
    public const int FeaturesOffset = 8;
    public const int FileFormatVersionOffset = 12;
    public const int DataOffsetOffset = 16;
    public const int TimeStampOffset = 24;
    public const int CreatorApplicationOffset = 28;
    public const int CreatorVersionOffset = 32;
    public const int CreatorHostOsOffset = 36;
    public const int OriginalSizeOffset = 40;
    public const int CurrentSizeOffset = 48;
    public const int DiskGeometryOffset = 56;
    public const int DiskTypeOffset = 60;
    public const int ChecksumOffset = 64;
    public const int UniqueIdOffset = 68;
    public const int SavedStateOffset = 84;
    public const int ReservedOffset = 85;

    /// <summary>Feature bit: the disk is a candidate for deletion on shutdown.</summary>
    public const uint FeatureTemporary = 0x1;

    /// <summary>Feature bit the spec says must always be set.</summary>
    public const uint FeatureReserved = 0x2;

    /// <summary>File format version 1.0, the only one defined.</summary>
    public const uint Version1 = 0x00010000;

    /// <summary>Data offset of a fixed disk: no further structure.</summary>
    public const ulong NoDataOffset = ulong.MaxValue;

    /// <summary>Creator host OS "Wi2k" (Windows).</summary>
    public const uint HostOsWindows = 0x5769326B;

    /// <summary>
    /// Creator application ImageOps records: "win ", as Hyper-V does. qemu's block/vpc.c takes the
    /// virtual size from Current Size for "win " (every version since 2.6), whereas for "vpc " and
    /// "qemu" it takes the CHS geometry, which rounds down; Hyper-V and Azure always use Current
    /// Size. Recording "win " makes qemu-img, Hyper-V and Azure agree on exactly the size written.
    /// </summary>
    public const string ImageOpsCreatorApplication = "win ";

    /// <summary>Creator version ImageOps records with <see cref="ImageOpsCreatorApplication"/> (10.0).</summary>
    public const uint ImageOpsCreatorVersion = 0x000A0000;

    private readonly byte[] _raw;

    private VhdFooter(byte[] raw)
    {
        _raw = raw;
    }

    /// <summary>The footer's cookie, "conectix".</summary>
    public static ReadOnlySpan<byte> Cookie => "conectix"u8;

    public uint Features
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(FeaturesOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_raw.AsSpan(FeaturesOffset), value);
    }

    public uint FileFormatVersion
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(FileFormatVersionOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_raw.AsSpan(FileFormatVersionOffset), value);
    }

    /// <summary>Absolute offset of the dynamic disk header; <see cref="NoDataOffset"/> for fixed disks.</summary>
    public ulong DataOffset
    {
        get => BinaryPrimitives.ReadUInt64BigEndian(_raw.AsSpan(DataOffsetOffset));
        set => BinaryPrimitives.WriteUInt64BigEndian(_raw.AsSpan(DataOffsetOffset), value);
    }

    /// <summary>Seconds since 2000-01-01 UTC (see <see cref="VhdTime"/>).</summary>
    public uint TimeStamp
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(TimeStampOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_raw.AsSpan(TimeStampOffset), value);
    }

    /// <summary>The four creator application bytes, for example "win ", "vpc ", "qemu", "d2v\0".</summary>
    public ReadOnlySpan<byte> CreatorApplicationBytes => _raw.AsSpan(CreatorApplicationOffset, 4);

    /// <summary>The creator application as text (NULs shown as spaces are not trimmed: "d2v\0" stays 4 characters).</summary>
    public string CreatorApplication
    {
        get => Encoding.ASCII.GetString(_raw, CreatorApplicationOffset, 4);
        set
        {
            var bytes = Encoding.ASCII.GetBytes(value);
            if (bytes.Length != 4)
            {
                throw new ArgumentException("A creator application is exactly four ASCII characters.", nameof(value));
            }

            bytes.CopyTo(_raw, CreatorApplicationOffset);
        }
    }

    public uint CreatorVersion
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(CreatorVersionOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_raw.AsSpan(CreatorVersionOffset), value);
    }

    public uint CreatorHostOs
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(CreatorHostOsOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_raw.AsSpan(CreatorHostOsOffset), value);
    }

    /// <summary>Size in bytes when the disk was created.</summary>
    public ulong OriginalSize
    {
        get => BinaryPrimitives.ReadUInt64BigEndian(_raw.AsSpan(OriginalSizeOffset));
        set => BinaryPrimitives.WriteUInt64BigEndian(_raw.AsSpan(OriginalSizeOffset), value);
    }

    /// <summary>Current size in bytes (what Hyper-V and Azure present).</summary>
    public ulong CurrentSize
    {
        get => BinaryPrimitives.ReadUInt64BigEndian(_raw.AsSpan(CurrentSizeOffset));
        set => BinaryPrimitives.WriteUInt64BigEndian(_raw.AsSpan(CurrentSizeOffset), value);
    }

    /// <summary>Cylinders, heads, sectors per track.</summary>
    public VhdDiskGeometry Geometry
    {
        get => new(BinaryPrimitives.ReadUInt16BigEndian(_raw.AsSpan(DiskGeometryOffset)), _raw[DiskGeometryOffset + 2], _raw[DiskGeometryOffset + 3]);
        set
        {
            BinaryPrimitives.WriteUInt16BigEndian(_raw.AsSpan(DiskGeometryOffset), value.Cylinders);
            _raw[DiskGeometryOffset + 2] = value.Heads;
            _raw[DiskGeometryOffset + 3] = value.SectorsPerTrack;
        }
    }

    public VhdDiskType DiskType
    {
        get => (VhdDiskType)BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(DiskTypeOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_raw.AsSpan(DiskTypeOffset), (uint)value);
    }

    /// <summary>The checksum stored in the footer.</summary>
    public uint StoredChecksum => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(ChecksumOffset));

    /// <summary>The checksum the content calls for.</summary>
    public uint ComputedChecksum => ComputeChecksum(_raw, ChecksumOffset);

    /// <summary>True if the stored checksum matches the content.</summary>
    public bool ChecksumValid => StoredChecksum == ComputedChecksum;

    /// <summary>The disk's identity, which a differencing child records as its parent unique id.</summary>
    public Guid UniqueId
    {
        get => VhdGuid.Read(_raw.AsSpan(UniqueIdOffset, 16));
        set => VhdGuid.Write(value, _raw.AsSpan(UniqueIdOffset, 16));
    }

    /// <summary>The raw 16 bytes of the unique id.</summary>
    public ReadOnlySpan<byte> UniqueIdBytes => _raw.AsSpan(UniqueIdOffset, 16);

    /// <summary>1 when the virtual machine using the disk is in a saved state.</summary>
    public byte SavedState
    {
        get => _raw[SavedStateOffset];
        set => _raw[SavedStateOffset] = value;
    }

    /// <summary>True if <paramref name="bytes"/> starts with the footer cookie.</summary>
    public static bool HasCookie(ReadOnlySpan<byte> bytes) => bytes.Length >= 8 && bytes.Slice(0, 8).SequenceEqual(Cookie);

    /// <summary>
    /// Parses a footer from 512 bytes, or from the 511 bytes of a legacy footer (the missing last
    /// reserved byte reads as zero, which leaves the checksum unchanged). Does not validate.
    /// </summary>
    public static VhdFooter Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size && bytes.Length != LegacySize)
        {
            throw new ArgumentException($"A VHD footer is {Size} (or {LegacySize}) bytes.", nameof(bytes));
        }

        var raw = new byte[Size];
        bytes.CopyTo(raw);
        return new VhdFooter(raw);
    }

    /// <summary>A new footer for a disk ImageOps creates.</summary>
    public static VhdFooter CreateNew(VhdDiskType type, long capacity, Guid uniqueId, uint timeStamp)
    {
        var footer = new VhdFooter(new byte[Size]);
        Cookie.CopyTo(footer._raw);
        footer.Features = FeatureReserved;
        footer.FileFormatVersion = Version1;
        footer.DataOffset = type == VhdDiskType.Fixed ? NoDataOffset : (ulong)Size;
        footer.TimeStamp = timeStamp;
        footer.CreatorApplication = ImageOpsCreatorApplication;
        footer.CreatorVersion = ImageOpsCreatorVersion;
        footer.CreatorHostOs = HostOsWindows;
        footer.OriginalSize = (ulong)capacity;
        footer.CurrentSize = (ulong)capacity;
        footer.Geometry = VhdDiskGeometry.FromCapacity(capacity);
        footer.DiskType = type;
        footer.UniqueId = uniqueId;
        return footer;
    }

    /// <summary>
    /// The one's complement of the byte sum of <paramref name="structure"/> without its 4-byte
    /// checksum field (the same rule for the footer and the dynamic disk header).
    /// </summary>
    public static uint ComputeChecksum(ReadOnlySpan<byte> structure, int checksumOffset)
    {
        uint sum = 0;
        for (var i = 0; i < structure.Length; i++)
        {
            if (i < checksumOffset || i >= checksumOffset + 4)
            {
                sum += structure[i];
            }
        }

        return ~sum;
    }

    /// <summary>Copies what a resize or a time stamp refresh changes: time stamp, creator, current size and geometry.</summary>
    public void TakeResizableFieldsFrom(VhdFooter other)
    {
        other._raw.AsSpan(TimeStampOffset, 12).CopyTo(_raw.AsSpan(TimeStampOffset));
        other._raw.AsSpan(CurrentSizeOffset, 12).CopyTo(_raw.AsSpan(CurrentSizeOffset));
    }

    /// <summary>An independent copy.</summary>
    public VhdFooter Clone() => new((byte[])_raw.Clone());

    /// <summary>The 512 bytes to store, with the checksum computed.</summary>
    public byte[] ToBytes()
    {
        var bytes = (byte[])_raw.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(ChecksumOffset), ComputeChecksum(bytes, ChecksumOffset));
        return bytes;
    }

    /// <summary>True if both footers would store the same bytes.</summary>
    public bool SameAs(VhdFooter other) => ToBytes().AsSpan().SequenceEqual(other.ToBytes());
}

/// <summary>The disk type field of the footer (VHD spec, "Disk Type").</summary>
internal enum VhdDiskType : uint
{
    None = 0,
    Fixed = 2,
    Dynamic = 3,
    Differencing = 4,
}
