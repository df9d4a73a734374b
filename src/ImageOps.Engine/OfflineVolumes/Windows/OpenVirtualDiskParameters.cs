using System;
using System.Runtime.InteropServices;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// <c>OPEN_VIRTUAL_DISK_PARAMETERS</c> (virtdisk.h; learn.microsoft.com "OPEN_VIRTUAL_DISK_PARAMETERS
/// structure"): an <c>OPEN_VIRTUAL_DISK_VERSION</c> then a union of <c>Version1 { ULONG RWDepth; }</c>,
/// <c>Version2 { BOOL GetInfoOnly; BOOL ReadOnly; GUID ResiliencyGuid; }</c> and the internal
/// <c>Version3</c> (Version2's fields plus <c>GUID SnapshotId</c>). Every member is 4-byte aligned and
/// pointer-free, so the union starts at 4 and the whole is 44 bytes on x86 and x64 alike; the full size
/// is allocated so a provider that copies <c>sizeof</c> bytes never reads past the buffer.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct OpenVirtualDiskParameters
{
    /// <summary>sizeof(OPEN_VIRTUAL_DISK_PARAMETERS) with the Version3 union member.</summary>
    public const int Size = 44;

    /// <summary>Offset of <c>Version</c>.</summary>
    public const int VersionOffset = 0;

    /// <summary>Offset of <c>Version1.RWDepth</c> (the union's start).</summary>
    public const int RWDepthOffset = 4;

    /// <summary>Offset of <c>Version2.GetInfoOnly</c> (the union's start).</summary>
    public const int GetInfoOnlyOffset = 4;

    /// <summary>Offset of <c>Version2.ReadOnly</c>.</summary>
    public const int ReadOnlyOffset = 8;

    /// <summary>Offset of <c>Version2.ResiliencyGuid</c>.</summary>
    public const int ResiliencyGuidOffset = 12;

    /// <summary>Offset of <c>Version3.SnapshotId</c>.</summary>
    public const int SnapshotIdOffset = 28;

    /// <summary><c>OPEN_VIRTUAL_DISK_VERSION_1</c> or <c>_2</c>.</summary>
    [FieldOffset(VersionOffset)]
    public uint Version;

    /// <summary>Version1: stores of the chain, from the child, opened read/write.</summary>
    [FieldOffset(RWDepthOffset)]
    public uint RWDepth;

    /// <summary>Version2: a BOOL (4 bytes), TRUE for a handle that can only query.</summary>
    [FieldOffset(GetInfoOnlyOffset)]
    public int GetInfoOnly;

    /// <summary>Version2: a BOOL (4 bytes), TRUE to open the backing file read-only.</summary>
    [FieldOffset(ReadOnlyOffset)]
    public int ReadOnly;

    /// <summary>Version2: resiliency GUID, zero for none.</summary>
    [FieldOffset(ResiliencyGuidOffset)]
    public Guid ResiliencyGuid;

    /// <summary>Version3 (internal use): zero.</summary>
    [FieldOffset(SnapshotIdOffset)]
    public Guid SnapshotId;
}
