using System;

namespace ImageOps.Formats.Partitions;

/// <summary>
/// Well-known partition type identifiers: GPT type GUIDs (UEFI specification §5.3.3 and Microsoft's
/// "PARTITION_INFORMATION_GPT" documentation) and MBR type bytes.
/// </summary>
public static class PartitionTypes
{
    /// <summary>EFI system partition.</summary>
    public static readonly Guid EfiSystem = new("C12A7328-F81F-11D2-BA4B-00A0C93EC93B");

    /// <summary>Microsoft reserved partition.</summary>
    public static readonly Guid MicrosoftReserved = new("E3C9E316-0B5C-4DB8-817D-F92DF00215AE");

    /// <summary>Microsoft basic data partition.</summary>
    public static readonly Guid BasicData = new("EBD0A0A2-B9E5-4433-87C0-68B6B72699C7");

    /// <summary>Windows recovery environment.</summary>
    public static readonly Guid WindowsRecovery = new("DE94BBA4-06D1-4D40-A16A-BFD50179D6AC");

    /// <summary>Linux file system data.</summary>
    public static readonly Guid LinuxFilesystem = new("0FC63DAF-8483-4772-8E79-3D69D8477DE4");

    /// <summary>MBR type of an NTFS or exFAT volume.</summary>
    public const byte MbrNtfs = 0x07;

    /// <summary>MBR type of a FAT32 volume addressed by LBA.</summary>
    public const byte MbrFat32Lba = 0x0C;

    /// <summary>MBR type of an EFI system partition.</summary>
    public const byte MbrEfiSystem = 0xEF;

    /// <summary>MBR type of the Windows recovery partition (hidden NTFS).</summary>
    public const byte MbrWindowsRecovery = 0x27;

    /// <summary>MBR type of the GPT protective partition.</summary>
    public const byte MbrGptProtective = 0xEE;

    /// <summary>MBR type of a Linux partition.</summary>
    public const byte MbrLinux = 0x83;

    /// <summary>True for the MBR types that hold logical partitions.</summary>
    public static bool IsExtended(byte type) => type == 0x05 || type == 0x0F || type == 0x85;

    /// <summary>The kind of a GPT type.</summary>
    public static PartitionKind KindOf(Guid type)
        => type == EfiSystem ? PartitionKind.EfiSystem
         : type == MicrosoftReserved ? PartitionKind.MicrosoftReserved
         : type == BasicData ? PartitionKind.BasicData
         : type == WindowsRecovery ? PartitionKind.WindowsRecovery
         : type == LinuxFilesystem ? PartitionKind.LinuxFilesystem
         : PartitionKind.Other;

    /// <summary>The kind of an MBR type.</summary>
    public static PartitionKind KindOf(byte type) => type switch
    {
        0x07 or 0x0B or 0x0C or 0x0E or 0x06 or 0x01 or 0x04 => PartitionKind.BasicData,
        0xEF => PartitionKind.EfiSystem,
        0x27 => PartitionKind.WindowsRecovery,
        0x83 => PartitionKind.LinuxFilesystem,
        0x05 or 0x0F or 0x85 => PartitionKind.Extended,
        _ => PartitionKind.Other,
    };

    /// <summary>The GPT type of a kind, for writing.</summary>
    public static Guid GptTypeOf(PartitionKind kind) => kind switch
    {
        PartitionKind.EfiSystem => EfiSystem,
        PartitionKind.MicrosoftReserved => MicrosoftReserved,
        PartitionKind.BasicData => BasicData,
        PartitionKind.WindowsRecovery => WindowsRecovery,
        PartitionKind.LinuxFilesystem => LinuxFilesystem,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), $"No GPT type for {kind}; give the type GUID."),
    };

    /// <summary>The MBR type of a kind, for writing.</summary>
    public static byte MbrTypeOf(PartitionKind kind) => kind switch
    {
        PartitionKind.EfiSystem => MbrEfiSystem,
        PartitionKind.BasicData => MbrNtfs,
        PartitionKind.WindowsRecovery => MbrWindowsRecovery,
        PartitionKind.LinuxFilesystem => MbrLinux,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), $"{kind} has no MBR type; GPT only or give the type byte."),
    };
}
