using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Registry;

/// <summary>
/// A key node ("nk"): one registry key. libyal libregf, "Windows NT Registry File (REGF) format",
/// §4.3 Named key; "Windows registry file format specification", Key node. Offsets are within the
/// cell data (after the cell's 4-byte size); the name follows the 76 fixed bytes.
/// </summary>
internal sealed class KeyNode
{
    /// <summary>Size of the fixed part, before the name.</summary>
    public const int FixedSize = 76;

    public const ushort SignatureValue = 0x6B6E; // "nk"

    public const int FlagsOffset = 2;
    public const int LastWrittenOffset = 4;
    public const int AccessBitsOffset = 12;
    public const int ParentOffset = 16;
    public const int SubkeyCountOffset = 20;
    public const int VolatileSubkeyCountOffset = 24;
    public const int SubkeysListOffset = 28;
    public const int VolatileSubkeysListOffset = 32;
    public const int ValueCountOffset = 36;
    public const int ValuesListOffset = 40;
    public const int SecurityOffset = 44;
    public const int ClassNameOffset = 48;
    public const int MaxSubkeyNameOffset = 52;
    public const int MaxSubkeyClassOffset = 56;
    public const int MaxValueNameOffset = 60;
    public const int MaxValueDataOffset = 64;
    public const int WorkVarOffset = 68;
    public const int NameLengthOffset = 72;
    public const int ClassLengthOffset = 74;
    public const int NameOffset = 76;

    // Flags (Key node, Flags table).
    public const ushort KeyVolatile = 0x0001;
    public const ushort KeyHiveExit = 0x0002;
    public const ushort KeyHiveEntry = 0x0004;
    public const ushort KeyNoDelete = 0x0008;
    public const ushort KeySymLink = 0x0010;
    public const ushort KeyCompName = 0x0020;
    public const ushort KeyPredefHandle = 0x0040;

    /// <summary>The low 16 bits of the "largest subkey name length" field hold the length; the rest are flags (Vista+).</summary>
    public const uint MaxNameLengthMask = 0x0000FFFF;

    public ushort Flags { get; set; }

    public long LastWrittenFileTime { get; set; }

    public uint AccessBits { get; set; }

    public uint Parent { get; set; }

    public uint SubkeyCount { get; set; }

    public uint SubkeysList { get; set; } = HiveCell.Nil;

    public uint ValueCount { get; set; }

    public uint ValuesList { get; set; } = HiveCell.Nil;

    public uint Security { get; set; } = HiveCell.Nil;

    public uint ClassName { get; set; } = HiveCell.Nil;

    /// <summary>The whole 32-bit field: length in the low 16 bits, virtualization/user/debug flags above.</summary>
    public uint MaxSubkeyNameField { get; set; }

    public uint MaxSubkeyClassLength { get; set; }

    public uint MaxValueNameLength { get; set; }

    public uint MaxValueDataLength { get; set; }

    public ushort NameLength { get; set; }

    public ushort ClassLength { get; set; }

    public bool CompressedName => (Flags & KeyCompName) != 0;

    /// <summary>The name bytes as stored (Latin-1 when compressed, UTF-16LE otherwise).</summary>
    public byte[] NameBytes { get; set; } = Array.Empty<byte>();

    /// <summary>Parses a key node from its cell data; null if the data is not one (the caller reports where).</summary>
    public static KeyNode? TryParse(ReadOnlySpan<byte> cell, out string? problem)
    {
        problem = null;
        if (cell.Length < FixedSize)
        {
            problem = $"the cell holds {cell.Length} bytes, fewer than a key node's {FixedSize}";
            return null;
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(cell) != SignatureValue)
        {
            problem = "the cell is not a key node (no 'nk' signature)";
            return null;
        }

        var node = new KeyNode
        {
            Flags = BinaryPrimitives.ReadUInt16LittleEndian(cell.Slice(FlagsOffset)),
            LastWrittenFileTime = BinaryPrimitives.ReadInt64LittleEndian(cell.Slice(LastWrittenOffset)),
            AccessBits = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(AccessBitsOffset)),
            Parent = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(ParentOffset)),
            SubkeyCount = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(SubkeyCountOffset)),
            SubkeysList = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(SubkeysListOffset)),
            ValueCount = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(ValueCountOffset)),
            ValuesList = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(ValuesListOffset)),
            Security = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(SecurityOffset)),
            ClassName = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(ClassNameOffset)),
            MaxSubkeyNameField = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(MaxSubkeyNameOffset)),
            MaxSubkeyClassLength = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(MaxSubkeyClassOffset)),
            MaxValueNameLength = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(MaxValueNameOffset)),
            MaxValueDataLength = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(MaxValueDataOffset)),
            NameLength = BinaryPrimitives.ReadUInt16LittleEndian(cell.Slice(NameLengthOffset)),
            ClassLength = BinaryPrimitives.ReadUInt16LittleEndian(cell.Slice(ClassLengthOffset)),
        };

        if (node.NameLength > cell.Length - FixedSize)
        {
            problem = $"the name length {node.NameLength} runs past the end of the {cell.Length}-byte cell";
            return null;
        }

        node.NameBytes = cell.Slice(NameOffset, node.NameLength).ToArray();
        return node;
    }

    /// <summary>Cell data bytes a key node with a stored name of <paramref name="nameBytes"/> bytes needs.</summary>
    public static int CellDataSize(int nameBytes) => FixedSize + nameBytes;

    /// <summary>Writes the whole record (fixed part and name) into <paramref name="cell"/>.</summary>
    public void Write(Span<byte> cell)
    {
        cell.Slice(0, FixedSize).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(cell, SignatureValue);
        BinaryPrimitives.WriteUInt16LittleEndian(cell.Slice(FlagsOffset), Flags);
        BinaryPrimitives.WriteInt64LittleEndian(cell.Slice(LastWrittenOffset), LastWrittenFileTime);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(AccessBitsOffset), AccessBits);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(ParentOffset), Parent);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(SubkeyCountOffset), SubkeyCount);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(VolatileSubkeyCountOffset), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(SubkeysListOffset), SubkeysList);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(VolatileSubkeysListOffset), HiveCell.Nil);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(ValueCountOffset), ValueCount);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(ValuesListOffset), ValuesList);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(SecurityOffset), Security);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(ClassNameOffset), ClassName);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(MaxSubkeyNameOffset), MaxSubkeyNameField);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(MaxSubkeyClassOffset), MaxSubkeyClassLength);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(MaxValueNameOffset), MaxValueNameLength);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(MaxValueDataOffset), MaxValueDataLength);
        BinaryPrimitives.WriteUInt16LittleEndian(cell.Slice(NameLengthOffset), (ushort)NameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(cell.Slice(ClassLengthOffset), ClassLength);
        NameBytes.AsSpan().CopyTo(cell.Slice(NameOffset));
    }
}
