namespace ImageOps.Formats.Zip;

/// <summary>
/// One central directory file header (APPNOTE.TXT 4.3.12) with the fields an extractor must check before
/// trusting an entry: who wrote it, its flags and method, its sizes and its external attributes (which
/// carry a Unix file type: regular file, directory, symbolic link, device...).
/// </summary>
public sealed class ZipEntryRecord
{
    /// <summary>Unix file type bits (S_IFMT) in the high 16 bits of the external attributes.</summary>
    public const int UnixTypeMask = 0xF000;

    /// <summary>S_IFREG.</summary>
    public const int UnixRegularFile = 0x8000;

    /// <summary>S_IFDIR.</summary>
    public const int UnixDirectory = 0x4000;

    /// <summary>S_IFLNK.</summary>
    public const int UnixSymbolicLink = 0xA000;

    /// <summary>Host system 3 in "version made by": Unix, whose attributes carry S_IFMT.</summary>
    public const int HostUnix = 3;

    internal ZipEntryRecord(int index, string name, byte[] rawName, int versionMadeBy, int flags, int method, uint crc32, long compressedSize, long uncompressedSize, uint externalAttributes, long localHeaderOffset, long entryOffset)
    {
        Index = index;
        Name = name;
        RawName = rawName;
        VersionMadeBy = versionMadeBy;
        Flags = flags;
        Method = method;
        Crc32 = crc32;
        CompressedSize = compressedSize;
        UncompressedSize = uncompressedSize;
        ExternalAttributes = externalAttributes;
        LocalHeaderOffset = localHeaderOffset;
        EntryOffset = entryOffset;
    }

    /// <summary>Position in the central directory.</summary>
    public int Index { get; }

    /// <summary>The name, decoded as UTF-8 when flag bit 11 is set, else as code page 437's ASCII range (other bytes as Windows-1252).</summary>
    public string Name { get; }

    /// <summary>The name's bytes as stored.</summary>
    public byte[] RawName { get; }

    /// <summary>"Version made by": the high byte is the host system.</summary>
    public int VersionMadeBy { get; }

    /// <summary>General purpose bit flags (bit 0 encrypted, bit 3 data descriptor, bit 6 strong encryption, bit 11 UTF-8).</summary>
    public int Flags { get; }

    /// <summary>Compression method (0 stored, 8 deflate, others not supported here).</summary>
    public int Method { get; }

    /// <summary>CRC-32 of the uncompressed data.</summary>
    public uint Crc32 { get; }

    /// <summary>Compressed size (ZIP64 value when present).</summary>
    public long CompressedSize { get; }

    /// <summary>Uncompressed size (ZIP64 value when present).</summary>
    public long UncompressedSize { get; }

    /// <summary>External file attributes.</summary>
    public uint ExternalAttributes { get; }

    /// <summary>Offset of the entry's local header.</summary>
    public long LocalHeaderOffset { get; }

    /// <summary>Offset of this central directory header in the archive.</summary>
    public long EntryOffset { get; }

    /// <summary>True if the entry is encrypted (flag bit 0 or 6).</summary>
    public bool IsEncrypted => (Flags & 0x41) != 0;

    /// <summary>True for a directory entry (a name ending in '/' or '\', or the Unix directory type).</summary>
    public bool IsDirectory => Name.EndsWith("/", System.StringComparison.Ordinal) || Name.EndsWith("\\", System.StringComparison.Ordinal) || UnixType == UnixDirectory;

    /// <summary>The Unix file type bits when the entry was made on Unix, else 0.</summary>
    public int UnixType => (VersionMadeBy >> 8) == HostUnix ? (int)((ExternalAttributes >> 16) & UnixTypeMask) : 0;

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}
