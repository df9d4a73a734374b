using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>Fixed offsets, sizes and limits of the VHDX layout (MS-VHDX 2.1, 2.2, 2.5, 2.6).</summary>
internal static class VhdxConstants
{
    /// <summary>The name used in error messages.</summary>
    public const string FormatName = "VHDX";

    public const long OneMiB = 1 << 20;

    /// <summary>The header section: file identifier, two headers, two region tables (MS-VHDX 2.2).</summary>
    public const long HeaderSectionSize = OneMiB;

    public const long FileIdentifierOffset = 0;
    public const long Header1Offset = 64 * 1024;
    public const long Header2Offset = 128 * 1024;
    public const long RegionTable1Offset = 192 * 1024;
    public const long RegionTable2Offset = 256 * 1024;

    /// <summary>Everything below this offset is the file identifier and the headers, which the log must never write (MS-VHDX 2.2.2).</summary>
    public const long FirstLoggableOffset = RegionTable1Offset;

    /// <summary>Payload blocks, the BAT, the log and metadata start on 1 MiB boundaries (MS-VHDX 2.2.3.1, 2.5.1).</summary>
    public const long RegionAlignment = OneMiB;

    /// <summary>Block sizes are powers of two from 1 MiB to 256 MiB (MS-VHDX 2.6.2.1).</summary>
    public const int MinBlockSize = 1 << 20;
    public const int MaxBlockSize = 256 << 20;
    public const int DefaultBlockSize = 32 << 20;

    /// <summary>Hyper-V's default block size for differencing disks, small so a child copies little of its parent.</summary>
    public const int DefaultDifferencingBlockSize = 2 << 20;

    /// <summary>The largest virtual disk (MS-VHDX 2.6.2.2).</summary>
    public const long MaxCapacity = 64L << 40;

    /// <summary>Sectors one sector bitmap block describes: a chunk (MS-VHDX 2.5).</summary>
    public const long SectorsPerChunk = 1L << 23;

    /// <summary>A sector bitmap block is always 1 MiB (MS-VHDX 2.5.1.2).</summary>
    public const int SectorBitmapBlockSize = 1 << 20;

    /// <summary>A file this large cannot be a real VHDX (64 TiB of payload plus every table): a bound for untrusted offsets.</summary>
    public const long MaxFileOffset = 1L << 47;

    public const int DefaultLogSize = 1 << 20;
    public const int DefaultPhysicalSectorSize = 4096;

    public const string Creator = "ImageOps";
}

/// <summary>The GUIDs MS-VHDX assigns to regions, metadata items and parent locator types.</summary>
internal static class VhdxGuids
{
    /// <summary>BAT region (MS-VHDX 2.2.3.2).</summary>
    public static readonly Guid BatRegion = new("2DC27766-F623-4200-9D64-115E9BFD4A08");

    /// <summary>Metadata region (MS-VHDX 2.2.3.2).</summary>
    public static readonly Guid MetadataRegion = new("8B7CA206-4790-4B9A-B8FE-575F050F886E");

    /// <summary>File Parameters item (MS-VHDX 2.6.2.1).</summary>
    public static readonly Guid FileParameters = new("CAA16737-FA36-4D43-B3B6-33F0AA44E76B");

    /// <summary>Virtual Disk Size item (MS-VHDX 2.6.2.2).</summary>
    public static readonly Guid VirtualDiskSize = new("2FA54224-CD1B-4876-B211-5DBED83BF4B8");

    /// <summary>Virtual Disk ID item, the SCSI page 83 identifier (MS-VHDX 2.6.2.3).</summary>
    public static readonly Guid VirtualDiskId = new("BECA12AB-B2E6-4523-93EF-C309E000C746");

    /// <summary>Logical Sector Size item (MS-VHDX 2.6.2.4).</summary>
    public static readonly Guid LogicalSectorSize = new("8141BF1D-A96F-4709-BA47-F233A8FAAB5F");

    /// <summary>Physical Sector Size item (MS-VHDX 2.6.2.5).</summary>
    public static readonly Guid PhysicalSectorSize = new("CDA348C7-445D-4471-9CC9-E9885251C556");

    /// <summary>Parent Locator item (MS-VHDX 2.6.2.6).</summary>
    public static readonly Guid ParentLocator = new("A8D35F2D-B30B-454D-ABF7-D3D84834AB0C");

    /// <summary>The only parent locator type: a VHDX parent (MS-VHDX 2.6.2.6.1).</summary>
    public static readonly Guid VhdxParentLocatorType = new("B04AEFB7-D19E-4A81-B789-25B8E9445913");

    /// <summary>Reads an MS-GUID as stored (Data1-3 little-endian), without allocating.</summary>
    public static Guid Read(ReadOnlySpan<byte> bytes)
        => new(
            BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(4)),
            BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(6)),
            bytes[8],
            bytes[9],
            bytes[10],
            bytes[11],
            bytes[12],
            bytes[13],
            bytes[14],
            bytes[15]);

    /// <summary>Writes an MS-GUID in its stored form (what <see cref="Guid.ToByteArray"/> produces).</summary>
    public static void Write(Span<byte> bytes, Guid value) => value.ToByteArray().CopyTo(bytes);
}
