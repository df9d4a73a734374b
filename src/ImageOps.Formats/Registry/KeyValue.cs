using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Registry;

/// <summary>
/// A key value ("vk"): a value's name, type and where its data is. libyal libregf, "Windows NT
/// Registry File (REGF) format", §4.4 Value key; "Windows registry file format specification", Key
/// value. Offsets are within the cell data; the name follows the 20 fixed bytes.
/// </summary>
internal sealed class KeyValue
{
    /// <summary>Size of the fixed part, before the name.</summary>
    public const int FixedSize = 20;

    public const ushort SignatureValue = 0x6B76; // "vk"

    public const int NameLengthOffset = 2;
    public const int DataSizeOffset = 4;
    public const int DataOffsetOffset = 8;
    public const int DataTypeOffset = 12;
    public const int FlagsOffset = 16;
    public const int SpareOffset = 18;
    public const int NameOffset = 20;

    /// <summary>Set in the data size when the data (at most 4 bytes) is stored in the data offset field itself.</summary>
    public const uint DataInOffsetFlag = 0x80000000;

    /// <summary>Most bytes that fit in the data offset field.</summary>
    public const int MaxInlineData = 4;

    /// <summary>VALUE_COMP_NAME: the name is stored one byte per character (Latin-1).</summary>
    public const ushort ValueCompName = 0x0001;

    public ushort NameLength { get; set; }

    /// <summary>The raw data size field, flag included.</summary>
    public uint DataSizeField { get; set; }

    public uint DataOffset { get; set; }

    public uint DataType { get; set; }

    public ushort Flags { get; set; }

    public byte[] NameBytes { get; set; } = Array.Empty<byte>();

    public bool CompressedName => (Flags & ValueCompName) != 0;

    public bool DataInOffset => (DataSizeField & DataInOffsetFlag) != 0;

    public uint DataLength => DataSizeField & ~DataInOffsetFlag;

    public static KeyValue? TryParse(ReadOnlySpan<byte> cell, out string? problem)
    {
        problem = null;
        if (cell.Length < FixedSize)
        {
            problem = $"the cell holds {cell.Length} bytes, fewer than a key value's {FixedSize}";
            return null;
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(cell) != SignatureValue)
        {
            problem = "the cell is not a key value (no 'vk' signature)";
            return null;
        }

        var value = new KeyValue
        {
            NameLength = BinaryPrimitives.ReadUInt16LittleEndian(cell.Slice(NameLengthOffset)),
            DataSizeField = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(DataSizeOffset)),
            DataOffset = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(DataOffsetOffset)),
            DataType = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(DataTypeOffset)),
            Flags = BinaryPrimitives.ReadUInt16LittleEndian(cell.Slice(FlagsOffset)),
        };

        if (value.NameLength > cell.Length - FixedSize)
        {
            problem = $"the name length {value.NameLength} runs past the end of the {cell.Length}-byte cell";
            return null;
        }

        value.NameBytes = cell.Slice(NameOffset, value.NameLength).ToArray();
        return value;
    }

    public static int CellDataSize(int nameBytes) => FixedSize + nameBytes;

    public void Write(Span<byte> cell)
    {
        cell.Slice(0, FixedSize).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(cell, SignatureValue);
        BinaryPrimitives.WriteUInt16LittleEndian(cell.Slice(NameLengthOffset), (ushort)NameBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(DataSizeOffset), DataSizeField);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(DataOffsetOffset), DataOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(DataTypeOffset), DataType);
        BinaryPrimitives.WriteUInt16LittleEndian(cell.Slice(FlagsOffset), Flags);
        NameBytes.AsSpan().CopyTo(cell.Slice(NameOffset));
    }
}
