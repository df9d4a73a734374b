using System;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// One 64-bit BAT entry (MS-VHDX 2.5.1): the state in bits 0-2 and the file offset in MiB in bits 20-63.
/// Sector bitmap entries use state 0 (not present) or 6 (present).
/// </summary>
internal static class VhdxBatEntry
{
    /// <summary>Bytes per entry.</summary>
    public const int Size = 8;

    public const ulong StateMask = 0x7;
    public const int FileOffsetShift = 20;

    /// <summary>Sector bitmap block states (MS-VHDX 2.5.1.2).</summary>
    public const int BitmapNotPresent = 0;
    public const int BitmapPresent = 6;

    public static int State(ulong entry) => (int)(entry & StateMask);

    /// <summary>The file offset in bytes (FileOffsetMB × 1 MiB).</summary>
    public static long FileOffset(ulong entry) => (long)(entry >> FileOffsetShift) << FileOffsetShift;

    public static ulong Make(int state, long fileOffset) => ((ulong)fileOffset & ~((1UL << FileOffsetShift) - 1)) | (uint)state;

    /// <summary>True for the states that store payload data in the file.</summary>
    public static bool HasData(int state) => state == (int)VhdxPayloadState.FullyPresent || state == (int)VhdxPayloadState.PartiallyPresent;
}
