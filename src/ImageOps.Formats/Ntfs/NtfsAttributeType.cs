namespace ImageOps.Formats.Ntfs;

/// <summary>Attribute type codes (libfsntfs, "The attribute types"; the volume's $AttrDef lists them).</summary>
public enum NtfsAttributeType : uint
{
    /// <summary>$STANDARD_INFORMATION: times and file attribute flags.</summary>
    StandardInformation = 0x10,

    /// <summary>$ATTRIBUTE_LIST: where the attributes of a file spread over several records are.</summary>
    AttributeList = 0x20,

    /// <summary>$FILE_NAME: a name and the parent directory.</summary>
    FileName = 0x30,

    /// <summary>$OBJECT_ID.</summary>
    ObjectId = 0x40,

    /// <summary>$SECURITY_DESCRIPTOR.</summary>
    SecurityDescriptor = 0x50,

    /// <summary>$VOLUME_NAME: the label.</summary>
    VolumeName = 0x60,

    /// <summary>$VOLUME_INFORMATION: version and flags.</summary>
    VolumeInformation = 0x70,

    /// <summary>$DATA: a file's content (unnamed) or a named stream.</summary>
    Data = 0x80,

    /// <summary>$INDEX_ROOT: the top node of an index.</summary>
    IndexRoot = 0x90,

    /// <summary>$INDEX_ALLOCATION: the index records below the root.</summary>
    IndexAllocation = 0xA0,

    /// <summary>$BITMAP: which index records (or MFT records) are in use.</summary>
    Bitmap = 0xB0,

    /// <summary>$REPARSE_POINT.</summary>
    ReparsePoint = 0xC0,

    /// <summary>$EA_INFORMATION.</summary>
    EaInformation = 0xD0,

    /// <summary>$EA.</summary>
    Ea = 0xE0,

    /// <summary>$LOGGED_UTILITY_STREAM.</summary>
    LoggedUtilityStream = 0x100,
}
