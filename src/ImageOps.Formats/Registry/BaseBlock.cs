using System;
using System.Buffers.Binary;
using System.Text;

namespace ImageOps.Formats.Registry;

/// <summary>
/// The base block (file header) of a registry hive: 4096 bytes at the start of a primary file, and its
/// partial copy (the first 512 bytes) at the start of a transaction log. libyal libregf, "Windows NT
/// Registry File (REGF) format", §2 File header; M. Suhanov, "Windows registry file format
/// specification", Format of primary files, Base block (offsets below are from there).
/// </summary>
internal sealed class BaseBlock
{
    /// <summary>Size of the base block in a primary file.</summary>
    public const int Size = 4096;

    /// <summary>Size of the base block copy at the start of a transaction log (clustering factor 1).</summary>
    public const int LogCopySize = 512;

    /// <summary>Bytes covered by the XOR-32 checksum.</summary>
    public const int ChecksummedLength = 508;

    public const uint SignatureValue = 0x66676572; // "regf"
    public const uint SupportedMajorVersion = 1;
    public const uint FileFormatDirectMemoryLoad = 1;
    public const uint ClusteringFactorOne = 1;
    public const int FileNameLength = 64;

    public const int SignatureOffset = 0;
    public const int PrimarySequenceOffset = 4;
    public const int SecondarySequenceOffset = 8;
    public const int LastWrittenOffset = 12;
    public const int MajorVersionOffset = 20;
    public const int MinorVersionOffset = 24;
    public const int FileTypeOffset = 28;
    public const int FileFormatOffset = 32;
    public const int RootCellOffsetOffset = 36;
    public const int HiveBinsDataSizeOffset = 40;
    public const int ClusteringFactorOffset = 44;
    public const int FileNameOffset = 48;
    public const int RmIdOffset = 112;
    public const int LogIdOffset = 128;
    public const int FlagsOffset = 144;
    public const int TmIdOffset = 148;
    public const int GuidSignatureOffset = 164;
    public const int LastReorganizedOffset = 168;
    public const int ChecksumOffset = 508;
    public const int BootTypeOffset = 4088;
    public const int BootRecoverOffset = 4092;

    public uint PrimarySequenceNumber { get; set; }

    public uint SecondarySequenceNumber { get; set; }

    public long LastWrittenFileTime { get; set; }

    public uint MajorVersion { get; set; } = SupportedMajorVersion;

    public uint MinorVersion { get; set; }

    public HiveFileType FileType { get; set; }

    public uint FileFormat { get; set; } = FileFormatDirectMemoryLoad;

    public uint RootCellOffset { get; set; }

    public uint HiveBinsDataSize { get; set; }

    public uint ClusteringFactor { get; set; } = ClusteringFactorOne;

    public uint Flags { get; set; }

    public uint Checksum { get; set; }

    /// <summary>True when the stored checksum equals the computed one (set by <see cref="Parse"/>).</summary>
    public bool ChecksumValid { get; private set; }

    /// <summary>True when the signature is "regf".</summary>
    public bool HasSignature { get; private set; }

    /// <summary>Primary and secondary sequence numbers differ: a write was interrupted.</summary>
    public bool SequenceNumbersDiffer => PrimarySequenceNumber != SecondarySequenceNumber;

    /// <summary>Reads the fields of a base block (at least <see cref="LogCopySize"/> bytes).</summary>
    public static BaseBlock Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < LogCopySize)
        {
            throw new ArgumentException("A base block needs at least 512 bytes.", nameof(data));
        }

        var block = new BaseBlock
        {
            HasSignature = BinaryPrimitives.ReadUInt32LittleEndian(data) == SignatureValue,
            PrimarySequenceNumber = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(PrimarySequenceOffset)),
            SecondarySequenceNumber = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(SecondarySequenceOffset)),
            LastWrittenFileTime = BinaryPrimitives.ReadInt64LittleEndian(data.Slice(LastWrittenOffset)),
            MajorVersion = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(MajorVersionOffset)),
            MinorVersion = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(MinorVersionOffset)),
            FileType = (HiveFileType)BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(FileTypeOffset)),
            FileFormat = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(FileFormatOffset)),
            RootCellOffset = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(RootCellOffsetOffset)),
            HiveBinsDataSize = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(HiveBinsDataSizeOffset)),
            ClusteringFactor = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(ClusteringFactorOffset)),
            Flags = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(FlagsOffset)),
            Checksum = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(ChecksumOffset)),
        };
        block.ChecksumValid = ComputeChecksum(data) == block.Checksum;
        return block;
    }

    /// <summary>
    /// The XOR-32 checksum of the first 508 bytes; Windows maps the results 0 and 0xFFFFFFFF to 1 and
    /// 0xFFFFFFFE (HvpHeaderCheckSum), which is what every hive on disk carries.
    /// </summary>
    public static uint ComputeChecksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i < ChecksummedLength; i += 4)
        {
            sum ^= BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i));
        }

        return sum switch
        {
            0 => 1,
            0xFFFFFFFF => 0xFFFFFFFE,
            _ => sum,
        };
    }

    /// <summary>
    /// Writes the fields into <paramref name="data"/> (a 4096-byte block whose other bytes, such as the
    /// file name and the Windows 10 GUID fields, are kept) and stores a fresh checksum.
    /// </summary>
    public void Write(Span<byte> data)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(data, SignatureValue);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(PrimarySequenceOffset), PrimarySequenceNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(SecondarySequenceOffset), SecondarySequenceNumber);
        BinaryPrimitives.WriteInt64LittleEndian(data.Slice(LastWrittenOffset), LastWrittenFileTime);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(MajorVersionOffset), MajorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(MinorVersionOffset), MinorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(FileTypeOffset), (uint)FileType);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(FileFormatOffset), FileFormat);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(RootCellOffsetOffset), RootCellOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(HiveBinsDataSizeOffset), HiveBinsDataSize);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(ClusteringFactorOffset), ClusteringFactor);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(FlagsOffset), Flags);
        Checksum = ComputeChecksum(data);
        BinaryPrimitives.WriteUInt32LittleEndian(data.Slice(ChecksumOffset), Checksum);
        ChecksumValid = true;
        HasSignature = true;
    }

    /// <summary>The embedded file name (UTF-16LE, up to 32 characters, NUL-padded), used by Windows for debugging.</summary>
    public static string ReadFileName(ReadOnlySpan<byte> data)
    {
        var raw = data.Slice(FileNameOffset, FileNameLength).ToArray();
        var text = Encoding.Unicode.GetString(raw);
        var nul = text.IndexOf('\0');
        return nul >= 0 ? text.Substring(0, nul) : text;
    }

    /// <summary>Stores <paramref name="name"/> as the embedded file name (the last 32 characters, as Windows keeps the path's tail).</summary>
    public static void WriteFileName(Span<byte> data, string name)
    {
        var field = data.Slice(FileNameOffset, FileNameLength);
        field.Clear();
        var tail = name.Length > FileNameLength / 2 ? name.Substring(name.Length - (FileNameLength / 2)) : name;
        Encoding.Unicode.GetBytes(tail).AsSpan().CopyTo(field);
    }
}
