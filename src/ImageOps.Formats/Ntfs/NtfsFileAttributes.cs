using System;

namespace ImageOps.Formats.Ntfs;

/// <summary>File attribute flags (libfsntfs, "File attribute flags"; the Win32 FILE_ATTRIBUTE_* values).</summary>
[Flags]
public enum NtfsFileAttributes : uint
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary>FILE_ATTRIBUTE_READONLY.</summary>
    ReadOnly = 0x0001,

    /// <summary>FILE_ATTRIBUTE_HIDDEN.</summary>
    Hidden = 0x0002,

    /// <summary>FILE_ATTRIBUTE_SYSTEM.</summary>
    System = 0x0004,

    /// <summary>FILE_ATTRIBUTE_DIRECTORY (as Win32 reports it; NTFS itself records <see cref="IndexView"/>).</summary>
    Directory = 0x0010,

    /// <summary>FILE_ATTRIBUTE_ARCHIVE.</summary>
    Archive = 0x0020,

    /// <summary>FILE_ATTRIBUTE_DEVICE.</summary>
    Device = 0x0040,

    /// <summary>FILE_ATTRIBUTE_NORMAL.</summary>
    Normal = 0x0080,

    /// <summary>FILE_ATTRIBUTE_TEMPORARY.</summary>
    Temporary = 0x0100,

    /// <summary>FILE_ATTRIBUTE_SPARSE_FILE.</summary>
    SparseFile = 0x0200,

    /// <summary>FILE_ATTRIBUTE_REPARSE_POINT.</summary>
    ReparsePoint = 0x0400,

    /// <summary>FILE_ATTRIBUTE_COMPRESSED.</summary>
    Compressed = 0x0800,

    /// <summary>FILE_ATTRIBUTE_OFFLINE.</summary>
    Offline = 0x1000,

    /// <summary>FILE_ATTRIBUTE_NOT_CONTENT_INDEXED.</summary>
    NotContentIndexed = 0x2000,

    /// <summary>FILE_ATTRIBUTE_ENCRYPTED.</summary>
    Encrypted = 0x4000,

    /// <summary>The file has a $I30 index: NTFS's own directory flag (0x10000000).</summary>
    IndexView = 0x10000000,
}
