using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Registry;

/// <summary>The four subkeys list records, by signature.</summary>
internal enum SubkeysListKind
{
    /// <summary>"li" index leaf: key node offsets.</summary>
    IndexLeaf,

    /// <summary>"lf" fast leaf: key node offsets with the first four name characters.</summary>
    FastLeaf,

    /// <summary>"lh" hash leaf: key node offsets with a hash of the upper-cased name.</summary>
    HashLeaf,

    /// <summary>"ri" index root: offsets of leaves (never of another index root).</summary>
    IndexRoot,
}

/// <summary>
/// A subkeys list: index leaf (li), fast leaf (lf), hash leaf (lh) or index root (ri). The four share
/// one layout (signature, 16-bit count, elements of 4 or 8 bytes), so one class reads and writes them.
/// libyal libregf, "Windows NT Registry File (REGF) format", §4.1 Sub key list and §4.2 Index root;
/// "Windows registry file format specification", Index leaf, Fast leaf, Hash leaf, Index root.
/// </summary>
internal sealed class SubkeysList
{
    /// <summary>Signature and count.</summary>
    public const int HeaderSize = 4;

    public const int CountOffset = 2;

    public const ushort IndexLeafSignature = 0x696C; // "li"
    public const ushort FastLeafSignature = 0x666C; // "lf"
    public const ushort HashLeafSignature = 0x686C; // "lh"
    public const ushort IndexRootSignature = 0x6972; // "ri"

    /// <summary>The count is 16 bits wide.</summary>
    public const int MaxElements = ushort.MaxValue;

    public SubkeysListKind Kind { get; set; }

    /// <summary>Key node offsets (leaves) or leaf offsets (index root).</summary>
    public uint[] Offsets { get; set; } = Array.Empty<uint>();

    /// <summary>Name hints (lf) or hashes (lh), one per offset; empty for li and ri.</summary>
    public uint[] Hashes { get; set; } = Array.Empty<uint>();

    public bool IsLeaf => Kind != SubkeysListKind.IndexRoot;

    public static int ElementSize(SubkeysListKind kind) => kind is SubkeysListKind.FastLeaf or SubkeysListKind.HashLeaf ? 8 : 4;

    public static ushort SignatureOf(SubkeysListKind kind) => kind switch
    {
        SubkeysListKind.IndexLeaf => IndexLeafSignature,
        SubkeysListKind.FastLeaf => FastLeafSignature,
        SubkeysListKind.HashLeaf => HashLeafSignature,
        _ => IndexRootSignature,
    };

    public static SubkeysList? TryParse(ReadOnlySpan<byte> cell, out string? problem)
    {
        problem = null;
        if (cell.Length < HeaderSize)
        {
            problem = $"the cell holds {cell.Length} bytes, fewer than a subkeys list header";
            return null;
        }

        SubkeysListKind kind;
        switch (BinaryPrimitives.ReadUInt16LittleEndian(cell))
        {
            case IndexLeafSignature:
                kind = SubkeysListKind.IndexLeaf;
                break;
            case FastLeafSignature:
                kind = SubkeysListKind.FastLeaf;
                break;
            case HashLeafSignature:
                kind = SubkeysListKind.HashLeaf;
                break;
            case IndexRootSignature:
                kind = SubkeysListKind.IndexRoot;
                break;
            default:
                problem = "the cell is not a subkeys list (no li, lf, lh or ri signature)";
                return null;
        }

        int count = BinaryPrimitives.ReadUInt16LittleEndian(cell.Slice(CountOffset));
        var size = ElementSize(kind);

        // The count is bounded by the cell it lives in, so a huge count cannot make us allocate.
        if (count > (cell.Length - HeaderSize) / size)
        {
            problem = $"{count} elements of {size} bytes do not fit the {cell.Length}-byte cell";
            return null;
        }

        var list = new SubkeysList { Kind = kind, Offsets = new uint[count], Hashes = size == 8 ? new uint[count] : Array.Empty<uint>() };
        for (var i = 0; i < count; i++)
        {
            var element = cell.Slice(HeaderSize + (i * size));
            list.Offsets[i] = BinaryPrimitives.ReadUInt32LittleEndian(element);
            if (size == 8)
            {
                list.Hashes[i] = BinaryPrimitives.ReadUInt32LittleEndian(element.Slice(4));
            }
        }

        return list;
    }

    public static int CellDataSize(SubkeysListKind kind, int count) => HeaderSize + (count * ElementSize(kind));

    public int CellDataSize() => CellDataSize(Kind, Offsets.Length);

    public void Write(Span<byte> cell)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(cell, SignatureOf(Kind));
        BinaryPrimitives.WriteUInt16LittleEndian(cell.Slice(CountOffset), (ushort)Offsets.Length);
        var size = ElementSize(Kind);
        for (var i = 0; i < Offsets.Length; i++)
        {
            var element = cell.Slice(HeaderSize + (i * size));
            BinaryPrimitives.WriteUInt32LittleEndian(element, Offsets[i]);
            if (size == 8)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(element.Slice(4), Hashes[i]);
            }
        }
    }
}
