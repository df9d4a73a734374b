using System.Runtime.InteropServices;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// <c>ATTACH_VIRTUAL_DISK_PARAMETERS</c> (virtdisk.h; learn.microsoft.com "ATTACH_VIRTUAL_DISK_PARAMETERS
/// structure"): an <c>ATTACH_VIRTUAL_DISK_VERSION</c> then a union whose documented member is
/// <c>Version1 { ULONG Reserved; }</c>. Current SDK headers add <c>Version2 { ULONGLONG RestrictedOffset;
/// ULONGLONG RestrictedLength; }</c> (as microsoft/go-winio's <c>vhd</c> package declares it), which aligns
/// the union to 8: the full 24 bytes are allocated and zeroed, and only Version 1 is used (AttachVirtualDisk's
/// page: ERROR_INVALID_PARAMETER unless Version is ATTACH_VIRTUAL_DISK_VERSION_1).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct AttachVirtualDiskParameters
{
    /// <summary>sizeof(ATTACH_VIRTUAL_DISK_PARAMETERS) with the Version2 union member.</summary>
    public const int Size = 24;

    /// <summary>Offset of <c>Version</c>.</summary>
    public const int VersionOffset = 0;

    /// <summary>Offset of <c>Version1.Reserved</c>.</summary>
    public const int ReservedOffset = 4;

    /// <summary>Offset of <c>Version2.RestrictedOffset</c> (8-aligned).</summary>
    public const int RestrictedOffsetOffset = 8;

    /// <summary>Offset of <c>Version2.RestrictedLength</c>.</summary>
    public const int RestrictedLengthOffset = 16;

    /// <summary><c>ATTACH_VIRTUAL_DISK_VERSION_1</c>.</summary>
    [FieldOffset(VersionOffset)]
    public uint Version;

    /// <summary>Version1: reserved, zero.</summary>
    [FieldOffset(ReservedOffset)]
    public uint Reserved;

    /// <summary>Version2: zero (unused).</summary>
    [FieldOffset(RestrictedOffsetOffset)]
    public ulong RestrictedOffset;

    /// <summary>Version2: zero (unused).</summary>
    [FieldOffset(RestrictedLengthOffset)]
    public ulong RestrictedLength;
}
