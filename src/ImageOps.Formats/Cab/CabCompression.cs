namespace ImageOps.Formats.Cab;

/// <summary>
/// How a CAB folder's data is compressed: the low four bits of CFFOLDER.typeCompress ([MS-CAB] 2.2,
/// tcompMASK_TYPE). Only <see cref="None"/> and <see cref="MsZip"/> are decoded; the others are
/// recognised so that the error can say what the cabinet uses.
/// </summary>
public enum CabCompression
{
    /// <summary>tcompTYPE_NONE (0): stored.</summary>
    None = 0,

    /// <summary>tcompTYPE_MSZIP (1): "CK" + deflate per 32 KiB block ([MS-MCI]).</summary>
    MsZip = 1,

    /// <summary>tcompTYPE_QUANTUM (2): not supported.</summary>
    Quantum = 2,

    /// <summary>tcompTYPE_LZX (3): not supported.</summary>
    Lzx = 3,
}
