using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Registry;

/// <summary>
/// The 32-byte header of a hive bin ("hbin"), the 4 KiB-multiple unit cells are allocated from.
/// libyal libregf, "Windows NT Registry File (REGF) format", §3 Hive bin; "Windows registry file
/// format specification", Hive bin.
/// </summary>
internal sealed class HiveBin
{
    /// <summary>Size of the header; the first cell follows it.</summary>
    public const int HeaderSize = 32;

    /// <summary>Hive bins are multiples of this size.</summary>
    public const int Alignment = 4096;

    public const uint SignatureValue = 0x6E696268; // "hbin"

    public const int SignatureOffset = 0;
    public const int OffsetOffset = 4;
    public const int SizeOffset = 8;
    public const int ReservedOffset = 12;
    public const int TimestampOffset = 20;
    public const int SpareOffset = 28;

    public uint Signature { get; set; } = SignatureValue;

    /// <summary>Offset of this bin from the start of the hive bins data.</summary>
    public uint Offset { get; set; }

    /// <summary>Size of this bin in bytes, header included.</summary>
    public uint Size { get; set; }

    /// <summary>FILETIME; meaningful in the first bin only, where it backs up the base block's timestamp.</summary>
    public long TimestampFileTime { get; set; }

    public static HiveBin Parse(ReadOnlySpan<byte> data) => new()
    {
        Signature = BinaryPrimitives.ReadUInt32LittleEndian(data),
        Offset = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(OffsetOffset)),
        Size = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(SizeOffset)),
        TimestampFileTime = BinaryPrimitives.ReadInt64LittleEndian(data.Slice(TimestampOffset)),
    };

    /// <summary>Writes the header into the first 32 bytes of <paramref name="data"/>.</summary>
    public void Write(Span<byte> data)
    {
        data.Slice(0, HeaderSize).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(data, Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(OffsetOffset), Offset);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(SizeOffset), Size);
        BinaryPrimitives.WriteInt64LittleEndian(data.Slice(TimestampOffset), TimestampFileTime);
    }
}
