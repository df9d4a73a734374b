using System;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// One <c>PARTITION_INFORMATION_EX</c> of an attached disk's layout, and whether Windows creates a volume
/// for it (so the attach knows which volumes to wait for).
/// </summary>
internal sealed class DiskPartitionEntry
{
    // GPT partition types without a volume: Microsoft Reserved, and the LDM (dynamic disk) metadata and data.
    private static readonly Guid MicrosoftReserved = new("E3C9E316-0B5C-4DB8-817D-F92DF00215AE");
    private static readonly Guid LdmMetadata = new("5808C8AA-7E8F-42E0-85D2-E1E90434CFB3");
    private static readonly Guid LdmData = new("AF9B60A0-1431-4F62-BC68-3311714A69AD");

    /// <summary>
    /// GPT_BASIC_DATA_ATTRIBUTE_HIDDEN (winioctl.h): "the partition is not detected by the Mount Manager …
    /// does not receive a volume GUID path … and is not enumerated by FindFirstVolume and FindNextVolume".
    /// </summary>
    public const ulong GptAttributeHidden = 0x4000000000000000UL;

    public DiskPartitionEntry(DiskPartitionStyle style, int number, long offset, long length, byte mbrType, bool mbrRecognized, Guid gptType, ulong gptAttributes = 0)
    {
        Style = style;
        Number = number;
        Offset = offset;
        Length = length;
        MbrType = mbrType;
        MbrRecognized = mbrRecognized;
        GptType = gptType;
        GptAttributes = gptAttributes;
    }

    public DiskPartitionStyle Style { get; }

    public int Number { get; }

    public long Offset { get; }

    public long Length { get; }

    public byte MbrType { get; }

    public bool MbrRecognized { get; }

    public Guid GptType { get; }

    public ulong GptAttributes { get; }

    /// <summary>
    /// True if Windows mounts a volume for this entry: an MBR entry that is used, recognised and not an
    /// extended container (0x05, 0x0F, 0x85) or LDM (0x42); a GPT entry that is used, not MSR or LDM, and
    /// not hidden from the mount manager.
    /// </summary>
    public bool ExpectsVolume
    {
        get
        {
            if (Length <= 0)
            {
                return false;
            }

            return Style switch
            {
                DiskPartitionStyle.Mbr => MbrType != 0 && MbrRecognized && MbrType != 0x05 && MbrType != 0x0F && MbrType != 0x85 && MbrType != 0x42,
                DiskPartitionStyle.Gpt => GptType != Guid.Empty && GptType != MicrosoftReserved && GptType != LdmMetadata && GptType != LdmData && (GptAttributes & GptAttributeHidden) == 0,
                _ => false,
            };
        }
    }
}
