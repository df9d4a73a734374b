using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Disks.Vmdk;

/// <summary>Types of the metadata markers of a stream-optimized extent.</summary>
internal enum StreamMarkerType : uint
{
    /// <summary>End of stream: a sector of zeros ends the file.</summary>
    EndOfStream = 0,

    /// <summary>A grain table follows.</summary>
    GrainTable = 1,

    /// <summary>The grain directory follows.</summary>
    GrainDirectory = 2,

    /// <summary>The footer (a copy of the header with the real gdOffset) follows.</summary>
    Footer = 3,
}

/// <summary>
/// The markers of a stream-optimized extent (VMware "Virtual Disk Format 5.0", "Stream-Optimized
/// Compressed Sparse Extents"; qemu <c>VmdkGrainMarker</c>). A grain marker is
/// <c>{ uint64 lba; uint32 size; byte data[size]; }</c> padded with zeros to a sector; a metadata
/// marker is a whole sector <c>{ uint64 numSectors; uint32 size = 0; uint32 type; zeros }</c> and
/// precedes <c>numSectors</c> sectors of metadata. The size field tells them apart: a grain is never empty.
/// </summary>
internal static class StreamMarker
{
    /// <summary>Bytes before the compressed data of a grain: lba (8) and size (4).</summary>
    public const int GrainHeaderSize = 12;

    /// <summary>A metadata marker fills one sector.</summary>
    public const int MetadataMarkerSize = 512;

    public const int ValueOffset = 0;
    public const int SizeOffset = 8;
    public const int TypeOffset = 12;

    /// <summary>Writes a grain marker header for the grain at <paramref name="lba"/> (in sectors).</summary>
    public static void WriteGrainHeader(Span<byte> destination, ulong lba, uint compressedSize)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination.Slice(ValueOffset), lba);
        BinaryPrimitives.WriteUInt32LittleEndian(destination.Slice(SizeOffset), compressedSize);
    }

    /// <summary>Reads a grain marker header.</summary>
    public static void ReadGrainHeader(ReadOnlySpan<byte> source, out ulong lba, out uint compressedSize)
    {
        lba = BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(ValueOffset));
        compressedSize = BinaryPrimitives.ReadUInt32LittleEndian(source.Slice(SizeOffset));
    }

    /// <summary>Fills <paramref name="sector"/> (512 bytes) with a metadata marker.</summary>
    public static void WriteMetadataMarker(Span<byte> sector, ulong numSectors, StreamMarkerType type)
    {
        sector.Slice(0, MetadataMarkerSize).Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(sector.Slice(ValueOffset), numSectors);
        BinaryPrimitives.WriteUInt32LittleEndian(sector.Slice(TypeOffset), (uint)type);
    }

    /// <summary>True if <paramref name="sector"/> is a metadata marker of <paramref name="type"/> (size 0).</summary>
    public static bool IsMetadataMarker(ReadOnlySpan<byte> sector, StreamMarkerType type, out ulong numSectors)
    {
        numSectors = BinaryPrimitives.ReadUInt64LittleEndian(sector.Slice(ValueOffset));
        return BinaryPrimitives.ReadUInt32LittleEndian(sector.Slice(SizeOffset)) == 0
               && BinaryPrimitives.ReadUInt32LittleEndian(sector.Slice(TypeOffset)) == (uint)type;
    }

    /// <summary>Bytes a grain record takes on disk: header plus data, rounded up to a sector.</summary>
    public static long GrainRecordLength(long compressedSize)
        => (GrainHeaderSize + compressedSize + SparseExtentHeader.SectorSize - 1) / SparseExtentHeader.SectorSize * SparseExtentHeader.SectorSize;
}
