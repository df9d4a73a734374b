namespace ImageOps.Formats.Registry;

/// <summary>
/// The type of a registry value, as stored in the key value's data type field ("Windows registry file
/// format specification", Key value, Data types). Other numbers occur (device properties use
/// 0xFFFF00xx) and are kept as they are: cast the number to this type.
/// </summary>
public enum RegistryValueType : uint
{
    /// <summary>REG_NONE: no defined type (raw bytes).</summary>
    None = 0,

    /// <summary>REG_SZ: a UTF-16LE string, normally NUL-terminated.</summary>
    String = 1,

    /// <summary>REG_EXPAND_SZ: a UTF-16LE string with %VARIABLE% references, expanded by the reader.</summary>
    ExpandString = 2,

    /// <summary>REG_BINARY: raw bytes.</summary>
    Binary = 3,

    /// <summary>REG_DWORD: a 32-bit little-endian number.</summary>
    DWord = 4,

    /// <summary>REG_DWORD_BIG_ENDIAN: a 32-bit big-endian number.</summary>
    DWordBigEndian = 5,

    /// <summary>REG_LINK: a symbolic link target (UTF-16LE, not NUL-terminated), in a link key's SymbolicLinkValue.</summary>
    Link = 6,

    /// <summary>REG_MULTI_SZ: UTF-16LE strings, each NUL-terminated, ended by an empty string.</summary>
    MultiString = 7,

    /// <summary>REG_RESOURCE_LIST: a CM_RESOURCE_LIST (hardware resources), raw bytes.</summary>
    ResourceList = 8,

    /// <summary>REG_FULL_RESOURCE_DESCRIPTOR: a CM_FULL_RESOURCE_DESCRIPTOR, raw bytes.</summary>
    FullResourceDescriptor = 9,

    /// <summary>REG_RESOURCE_REQUIREMENTS_LIST: an IO_RESOURCE_REQUIREMENTS_LIST, raw bytes.</summary>
    ResourceRequirementsList = 10,

    /// <summary>REG_QWORD: a 64-bit little-endian number.</summary>
    QWord = 11,
}
