using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Registry;

/// <summary>
/// A key security item ("sk"): a security descriptor shared by reference-counted keys, linked into a
/// doubly linked list of all security items. libyal libregf, "Windows NT Registry File (REGF)
/// format", §4.5 Security key; "Windows registry file format specification", Key security.
/// </summary>
internal sealed class KeySecurity
{
    /// <summary>Size of the fixed part, before the descriptor.</summary>
    public const int FixedSize = 20;

    public const ushort SignatureValue = 0x6B73; // "sk"

    public const int FlinkOffset = 4;
    public const int BlinkOffset = 8;
    public const int ReferenceCountOffset = 12;
    public const int DescriptorSizeOffset = 16;
    public const int DescriptorOffset = 20;

    public uint Flink { get; set; }

    public uint Blink { get; set; }

    public uint ReferenceCount { get; set; }

    public byte[] Descriptor { get; set; } = Array.Empty<byte>();

    public static KeySecurity? TryParse(ReadOnlySpan<byte> cell, out string? problem)
    {
        problem = null;
        if (cell.Length < FixedSize)
        {
            problem = $"the cell holds {cell.Length} bytes, fewer than a key security item's {FixedSize}";
            return null;
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(cell) != SignatureValue)
        {
            problem = "the cell is not a key security item (no 'sk' signature)";
            return null;
        }

        var size = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(DescriptorSizeOffset));
        if (size > (uint)(cell.Length - FixedSize))
        {
            problem = $"the descriptor size {size} runs past the end of the {cell.Length}-byte cell";
            return null;
        }

        return new KeySecurity
        {
            Flink = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(FlinkOffset)),
            Blink = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(BlinkOffset)),
            ReferenceCount = BinaryPrimitives.ReadUInt32LittleEndian(cell.Slice(ReferenceCountOffset)),
            Descriptor = cell.Slice(DescriptorOffset, (int)size).ToArray(),
        };
    }

    public static int CellDataSize(int descriptorBytes) => FixedSize + descriptorBytes;

    public void Write(Span<byte> cell)
    {
        cell.Slice(0, FixedSize).Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(cell, SignatureValue);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(FlinkOffset), Flink);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(BlinkOffset), Blink);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(ReferenceCountOffset), ReferenceCount);
        BinaryPrimitives.WriteUInt32LittleEndian(cell.Slice(DescriptorSizeOffset), (uint)Descriptor.Length);
        Descriptor.AsSpan().CopyTo(cell.Slice(DescriptorOffset));
    }
}
