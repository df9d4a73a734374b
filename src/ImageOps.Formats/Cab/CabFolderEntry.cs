namespace ImageOps.Formats.Cab;

/// <summary>
/// CFFOLDER ([MS-CAB] 2.2): where a folder's CFDATA blocks start, how many there are and how they are
/// compressed. 8 fixed bytes plus the header's per-folder reserve.
/// </summary>
internal sealed class CabFolderEntry
{
    /// <summary>Size of the fixed part.</summary>
    public const int FixedSize = 8;

    /// <summary>tcompMASK_TYPE.</summary>
    public const int CompressionTypeMask = 0x000F;

    /// <summary>coffCabStart: offset of the first CFDATA.</summary>
    public uint DataOffset { get; init; }

    /// <summary>cCFData.</summary>
    public int BlockCount { get; init; }

    /// <summary>typeCompress as stored (type in the low 4 bits, LZX/Quantum parameters above).</summary>
    public ushort CompressionValue { get; init; }

    /// <summary>Offset of this entry in the cabinet.</summary>
    public long EntryOffset { get; init; }

    /// <summary>The compression type.</summary>
    public CabCompression Compression => (CabCompression)(CompressionValue & CompressionTypeMask);

    /// <summary>Sum of the blocks' cbUncomp, known after the block headers are scanned.</summary>
    public long UncompressedSize { get; set; }

    public static CabFolderEntry Read(byte[] b, int o, long entryOffset) => new()
    {
        DataOffset = CabHeader.U32(b, o),
        BlockCount = CabHeader.U16(b, o + 4),
        CompressionValue = CabHeader.U16(b, o + 6),
        EntryOffset = entryOffset,
    };
}
