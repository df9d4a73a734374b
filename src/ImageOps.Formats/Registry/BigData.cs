using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Registry;

/// <summary>
/// A big data record ("db"): value data longer than 16344 bytes, split into segments of at most 16344
/// bytes each held in its own cell and listed in a segment list cell. Used when the hive's minor
/// version is above 3. libyal libregf, "Windows NT Registry File (REGF) format", §4.6 Data block key;
/// "Windows registry file format specification", Big data.
/// </summary>
internal sealed class BigData
{
    /// <summary>Signature, segment count and segment list offset.</summary>
    public const int Size = 8;

    public const ushort SignatureValue = 0x6264; // "db"

    public const int SegmentCountOffset = 2;
    public const int SegmentListOffset = 4;

    /// <summary>Largest data segment, and the largest value data kept in one cell in version 1.4+ hives.</summary>
    public const int MaxSegmentSize = 16344;

    /// <summary>Minor version from which Windows stores long data as big data (CmpIsHKeyValueBig).</summary>
    public const uint FirstMinorVersion = 4;

    public ushort SegmentCount { get; set; }

    public uint SegmentList { get; set; }

    public static BigData? TryParse(ReadOnlySpan<byte> cell, out string? problem)
    {
        problem = null;
        if (cell.Length < Size)
        {
            problem = $"the cell holds {cell.Length} bytes, fewer than a big data record's {Size}";
            return null;
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(cell) != SignatureValue)
        {
            problem = "the cell is not a big data record (no 'db' signature)";
            return null;
        }

        return new BigData
        {
            SegmentCount = BinaryPrimitives.ReadUInt16LittleEndian(cell.Slice(SegmentCountOffset)),
            SegmentList = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(SegmentListOffset)),
        };
    }

    /// <summary>Segments needed for <paramref name="length"/> bytes.</summary>
    public static int SegmentsFor(long length) => (int)((length + MaxSegmentSize - 1) / MaxSegmentSize);

    public void Write(Span<byte> cell)
    {
        cell.Slice(0, Size).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(cell, SignatureValue);
        BinaryPrimitives.WriteUInt16LittleEndian(cell.Slice(SegmentCountOffset), SegmentCount);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(SegmentListOffset), SegmentList);
    }
}
