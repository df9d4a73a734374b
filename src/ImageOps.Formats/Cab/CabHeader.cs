using System;

namespace ImageOps.Formats.Cab;

/// <summary>
/// CFHEADER, the cabinet header ([MS-CAB] 2.1): 36 fixed bytes, then the reserve sizes and reserve
/// when cfhdrRESERVE_PRESENT is set, then the previous/next cabinet names of a multi-cabinet set.
/// </summary>
internal sealed class CabHeader
{
    /// <summary>Size of the fixed part.</summary>
    public const int FixedSize = 36;

    /// <summary>"MSCF".</summary>
    public static readonly byte[] Signature = { 0x4D, 0x53, 0x43, 0x46 };

    public const ushort FlagPreviousCabinet = 0x0001;
    public const ushort FlagNextCabinet = 0x0002;
    public const ushort FlagReservePresent = 0x0004;

    private const int OffsetCabinetSize = 8;
    private const int OffsetFilesOffset = 16;
    private const int OffsetVersionMinor = 24;
    private const int OffsetVersionMajor = 25;
    private const int OffsetFolderCount = 26;
    private const int OffsetFileCount = 28;
    private const int OffsetFlags = 30;
    private const int OffsetSetId = 32;
    private const int OffsetCabinetIndex = 34;

    /// <summary>cbCabinet: the cabinet's size in bytes.</summary>
    public uint CabinetSize { get; private set; }

    /// <summary>coffFiles: offset of the first CFFILE.</summary>
    public uint FilesOffset { get; private set; }

    /// <summary>versionMajor.versionMinor (1.3 for every cabinet written since 1996).</summary>
    public Version FormatVersion { get; private set; } = new(1, 3);

    /// <summary>cFolders.</summary>
    public int FolderCount { get; private set; }

    /// <summary>cFiles.</summary>
    public int FileCount { get; private set; }

    /// <summary>flags.</summary>
    public ushort Flags { get; private set; }

    /// <summary>setID.</summary>
    public ushort SetId { get; private set; }

    /// <summary>iCabinet.</summary>
    public ushort CabinetIndex { get; private set; }

    /// <summary>cbCFHeader: bytes of reserve after the header.</summary>
    public int HeaderReserve { get; private set; }

    /// <summary>cbCFFolder: bytes of reserve in each CFFOLDER.</summary>
    public int FolderReserve { get; private set; }

    /// <summary>cbCFData: bytes of reserve in each CFDATA.</summary>
    public int DataReserve { get; private set; }

    /// <summary>Offset of the first CFFOLDER (after the reserve and any cabinet names).</summary>
    public long FoldersOffset { get; private set; }

    /// <summary>True if the cabinet is part of a multi-cabinet set.</summary>
    public bool IsPartOfSet => (Flags & (FlagPreviousCabinet | FlagNextCabinet)) != 0;

    /// <summary>Reads the header from the first bytes of the cabinet.</summary>
    /// <param name="head">The first bytes (at least <see cref="FixedSize"/>; more if reserve or names follow).</param>
    /// <param name="length">How many bytes of <paramref name="head"/> are valid.</param>
    /// <param name="corrupt">Builds the error for a bad field at an offset.</param>
    public static CabHeader Read(byte[] head, int length, Func<long, string, string, Exception> corrupt)
    {
        if (length < FixedSize)
        {
            throw corrupt(0, "CFHEADER", "the file is " + length + " bytes, shorter than the 36-byte cabinet header");
        }

        for (var i = 0; i < Signature.Length; i++)
        {
            if (head[i] != Signature[i])
            {
                throw corrupt(0, "CFHEADER", "the signature is not 'MSCF'");
            }
        }

        var header = new CabHeader
        {
            CabinetSize = U32(head, OffsetCabinetSize),
            FilesOffset = U32(head, OffsetFilesOffset),
            FormatVersion = new Version(head[OffsetVersionMajor], head[OffsetVersionMinor]),
            FolderCount = U16(head, OffsetFolderCount),
            FileCount = U16(head, OffsetFileCount),
            Flags = U16(head, OffsetFlags),
            SetId = U16(head, OffsetSetId),
            CabinetIndex = U16(head, OffsetCabinetIndex),
        };

        if (header.FormatVersion.Major != 1)
        {
            throw corrupt(OffsetVersionMajor, "CFHEADER", "format version " + header.FormatVersion + " is not 1.x");
        }

        long position = FixedSize;
        if ((header.Flags & FlagReservePresent) != 0)
        {
            if (length < position + 4)
            {
                throw corrupt(position, "CFHEADER reserve sizes", "the header is cut short");
            }

            header.HeaderReserve = U16(head, (int)position);
            header.FolderReserve = head[position + 2];
            header.DataReserve = head[position + 3];
            position += 4 + header.HeaderReserve;
        }

        // Cabinet and disk names of a set: two NUL-terminated strings (at most 255 bytes each) per link.
        var names = ((header.Flags & FlagPreviousCabinet) != 0 ? 2 : 0) + ((header.Flags & FlagNextCabinet) != 0 ? 2 : 0);
        for (var n = 0; n < names; n++)
        {
            var end = position;
            while (end < length && end - position < 256 && head[end] != 0)
            {
                end++;
            }

            if (end >= length || head[end] != 0)
            {
                throw corrupt(position, "CFHEADER cabinet name", "a previous/next cabinet name is not terminated within 256 bytes");
            }

            position = end + 1;
        }

        header.FoldersOffset = position;
        return header;
    }

    internal static uint U32(byte[] b, int o) => (uint)(b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24));

    internal static ushort U16(byte[] b, int o) => (ushort)(b[o] | (b[o + 1] << 8));
}
