namespace ImageOps.Formats.Cab;

/// <summary>
/// CFDATA ([MS-CAB] 2.4): a block's checksum, compressed and uncompressed sizes, the header's per-block
/// reserve, then the data. 8 fixed bytes. A block never expands to more than 32 KiB (CAB_BLOCKMAX), and
/// cbUncomp = 0 marks a block continued in the next cabinet.
/// </summary>
internal static class CabDataBlock
{
    /// <summary>Size of the fixed part.</summary>
    public const int FixedSize = 8;

    /// <summary>CAB_BLOCKMAX: the most bytes one block expands to.</summary>
    public const int MaxUncompressed = 32768;

    /// <summary>Largest compressed size accepted: a stored or badly compressed block may exceed 32 KiB a little.</summary>
    public const int MaxCompressed = MaxUncompressed + 6144;

    public const int OffsetChecksum = 0;
    public const int OffsetCompressedSize = 4;
    public const int OffsetUncompressedSize = 6;
}
