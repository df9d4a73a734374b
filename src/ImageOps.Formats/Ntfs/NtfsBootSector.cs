using System;
using System.Buffers.Binary;
using System.Text;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The NTFS volume header (libfsntfs "New Technologies File System (NTFS)", "The volume header"): the
/// first 512 bytes of the volume with the BIOS parameter block, the geometry every other structure is
/// found by.
/// </summary>
/// <remarks>Parsing validates each field against the spec's ranges before anything is sized from it.</remarks>
public sealed class NtfsBootSector
{
    /// <summary>Bytes of the structure (one 512-byte sector, even on 4 KiB-sector disks).</summary>
    public const int Size = 512;

    /// <summary>The OEM identifier an NTFS volume carries at offset 3.</summary>
    public const string OemIdValue = "NTFS    ";

    /// <summary>Largest cluster Windows formats (2 MiB, Windows 10 1709 and later).</summary>
    public const int MaxClusterSize = 2 << 20;

    /// <summary>Largest MFT or index record accepted.</summary>
    public const int MaxRecordSize = 64 << 10;

    private const int OemIdOffset = 3;
    private const int BytesPerSectorOffset = 0x0B;
    private const int SectorsPerClusterOffset = 0x0D;
    private const int TotalSectorsOffset = 0x28;
    private const int MftClusterOffset = 0x30;
    private const int MftMirrorClusterOffset = 0x38;
    private const int MftRecordSizeOffset = 0x40;
    private const int IndexRecordSizeOffset = 0x44;
    private const int SerialNumberOffset = 0x48;
    private const int SignatureOffset = 0x1FE;
    private const ushort SignatureValue = 0xAA55;

    private NtfsBootSector()
    {
    }

    /// <summary>Bytes per sector (512 to 4096, a power of two).</summary>
    public int BytesPerSector { get; private set; }

    /// <summary>Bytes per cluster.</summary>
    public int ClusterSize { get; private set; }

    /// <summary>Sectors in the volume as the header records them (the backup boot sector follows them).</summary>
    public long TotalSectors { get; private set; }

    /// <summary>Clusters in the volume.</summary>
    public long ClusterCount => TotalSectors * BytesPerSector / ClusterSize;

    /// <summary>First cluster of the $MFT.</summary>
    public long MftCluster { get; private set; }

    /// <summary>First cluster of the $MFTMirr.</summary>
    public long MftMirrorCluster { get; private set; }

    /// <summary>Bytes per MFT record (usually 1024).</summary>
    public int MftRecordSize { get; private set; }

    /// <summary>Bytes per index record (usually 4096).</summary>
    public int IndexRecordSize { get; private set; }

    /// <summary>The volume serial number.</summary>
    public ulong SerialNumber { get; private set; }

    /// <summary>True if <paramref name="sector"/> carries the NTFS OEM identifier (a cheap probe).</summary>
    public static bool HasOemId(ReadOnlySpan<byte> sector)
        => sector.Length >= OemIdOffset + 8 && Encoding.ASCII.GetString(sector.Slice(OemIdOffset, 8).ToArray()) == OemIdValue;

    /// <summary>Parses and validates the header; <paramref name="volumeLength"/> bounds the sizes it may claim.</summary>
    internal static NtfsBootSector Parse(ReadOnlySpan<byte> sector, long volumeLength, NtfsSource source)
    {
        const string Structure = "boot sector";
        if (sector.Length < Size)
        {
            throw source.Corrupt(0, Structure, "it is shorter than 512 bytes", "NtfsNotRecognized");
        }

        if (!HasOemId(sector))
        {
            throw source.Corrupt(OemIdOffset, Structure, $"the OEM identifier is not '{OemIdValue}': this is not an NTFS volume", "NtfsNotRecognized");
        }

        if (BinaryPrimitives.ReadUInt16LittleEndian(sector.Slice(SignatureOffset)) != SignatureValue)
        {
            throw source.Corrupt(SignatureOffset, Structure, "the 0x55AA end-of-sector signature is missing");
        }

        var boot = new NtfsBootSector();
        int bytesPerSector = BinaryPrimitives.ReadUInt16LittleEndian(sector.Slice(BytesPerSectorOffset));
        if (bytesPerSector < 512 || bytesPerSector > 4096 || !IsPowerOfTwo(bytesPerSector))
        {
            throw source.Corrupt(BytesPerSectorOffset, Structure, $"{bytesPerSector} bytes per sector is not a power of two from 512 to 4096");
        }

        boot.BytesPerSector = bytesPerSector;

        // Values above 0x80 encode 2^(256 - value) sectors: the form Windows uses for clusters over 64 KiB.
        int rawSectorsPerCluster = sector[SectorsPerClusterOffset];
        long sectorsPerCluster = rawSectorsPerCluster switch
        {
            0 => 0,
            <= 0x80 => rawSectorsPerCluster,
            _ => 256 - rawSectorsPerCluster <= 20 ? 1L << (256 - rawSectorsPerCluster) : 0,
        };
        var clusterSize = sectorsPerCluster * bytesPerSector;
        if (sectorsPerCluster == 0 || !IsPowerOfTwo(sectorsPerCluster) || clusterSize > MaxClusterSize)
        {
            throw source.Corrupt(SectorsPerClusterOffset, Structure, $"the sectors-per-cluster value 0x{rawSectorsPerCluster:X2} does not give a power-of-two cluster of at most 2 MiB");
        }

        boot.ClusterSize = (int)clusterSize;
        var totalSectors = BinaryPrimitives.ReadInt64LittleEndian(sector.Slice(TotalSectorsOffset));
        if (totalSectors <= 0 || totalSectors > volumeLength / bytesPerSector)
        {
            throw source.Corrupt(TotalSectorsOffset, Structure, $"the volume claims {totalSectors} sectors but its partition holds {volumeLength / bytesPerSector}");
        }

        boot.TotalSectors = totalSectors;
        var clusters = boot.ClusterCount;
        boot.MftCluster = BinaryPrimitives.ReadInt64LittleEndian(sector.Slice(MftClusterOffset));
        boot.MftMirrorCluster = BinaryPrimitives.ReadInt64LittleEndian(sector.Slice(MftMirrorClusterOffset));
        if (boot.MftCluster <= 0 || boot.MftCluster >= clusters)
        {
            throw source.Corrupt(MftClusterOffset, Structure, $"the MFT cluster {boot.MftCluster} is outside the volume's {clusters} clusters");
        }

        if (boot.MftMirrorCluster <= 0 || boot.MftMirrorCluster >= clusters)
        {
            throw source.Corrupt(MftMirrorClusterOffset, Structure, $"the MFT mirror cluster {boot.MftMirrorCluster} is outside the volume's {clusters} clusters");
        }

        boot.MftRecordSize = RecordSize((sbyte)sector[MftRecordSizeOffset], boot.ClusterSize, MftRecordSizeOffset, "MFT record size", source);
        boot.IndexRecordSize = RecordSize((sbyte)sector[IndexRecordSizeOffset], boot.ClusterSize, IndexRecordSizeOffset, "index record size", source);
        boot.SerialNumber = BinaryPrimitives.ReadUInt64LittleEndian(sector.Slice(SerialNumberOffset));
        return boot;
    }

    /// <summary>
    /// Decodes a record-size byte: positive values count clusters, negative ones give 2^(-value) bytes
    /// (libfsntfs, "The volume header"). Records are protected by 512-byte fixup strides, so they are at least 512 bytes.
    /// </summary>
    internal static int RecordSize(sbyte raw, int clusterSize, int offset, string what, NtfsSource source)
    {
        long size = raw switch
        {
            > 0 => (long)raw * clusterSize,
            < 0 when raw >= -31 => 1L << -raw,
            _ => 0,
        };
        if (size < 512 || size > MaxRecordSize || !IsPowerOfTwo(size))
        {
            throw source.Corrupt(offset, "boot sector", $"the {what} value {raw} gives {size} bytes, not a power of two from 512 to 64 KiB");
        }

        return (int)size;
    }

    private static bool IsPowerOfTwo(long value) => value > 0 && (value & (value - 1)) == 0;
}
