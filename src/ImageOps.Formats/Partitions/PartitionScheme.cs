namespace ImageOps.Formats.Partitions;

/// <summary>How a disk is partitioned.</summary>
public enum PartitionScheme
{
    /// <summary>No partition table: sector 0 carries no MBR signature.</summary>
    None,

    /// <summary>Master boot record (BIOS boot), with logical partitions in extended partitions.</summary>
    Mbr,

    /// <summary>GUID partition table (UEFI boot), behind a protective MBR.</summary>
    Gpt,
}

/// <summary>The partition types Windows images use, whichever scheme names them.</summary>
public enum PartitionKind
{
    /// <summary>A type ImageOps has no name for; see the raw type.</summary>
    Other,

    /// <summary>EFI system partition (FAT).</summary>
    EfiSystem,

    /// <summary>Microsoft reserved partition (GPT only, no file system).</summary>
    MicrosoftReserved,

    /// <summary>Basic data: NTFS, FAT or exFAT volumes.</summary>
    BasicData,

    /// <summary>Windows recovery environment.</summary>
    WindowsRecovery,

    /// <summary>Linux file system.</summary>
    LinuxFilesystem,

    /// <summary>An MBR extended partition holding logical partitions.</summary>
    Extended,
}
