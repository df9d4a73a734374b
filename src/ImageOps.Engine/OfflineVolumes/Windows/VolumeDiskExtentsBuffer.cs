using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// Reads the output of <c>IOCTL_VOLUME_GET_VOLUME_DISK_EXTENTS</c>: <c>VOLUME_DISK_EXTENTS</c> (winioctl.h;
/// learn.microsoft.com "VOLUME_DISK_EXTENTS structure") is a DWORD count then an array of
/// <c>DISK_EXTENT { DWORD DiskNumber; LARGE_INTEGER StartingOffset; LARGE_INTEGER ExtentLength; }</c>.
/// LARGE_INTEGER is 8-aligned on x86 and x64 alike, so each extent is 24 bytes and the array starts at 8.
/// Parsed from bytes at named offsets rather than marshalled, so the layout is tested here on Linux.
/// </summary>
internal static class VolumeDiskExtentsBuffer
{
    public const int CountOffset = 0;
    public const int ExtentsOffset = 8;
    public const int ExtentSize = 24;
    public const int DiskNumberOffset = 0;
    public const int StartingOffsetOffset = 8;
    public const int ExtentLengthOffset = 16;

    /// <summary>A volume spanning more disks than this is not one of ours and is not read further.</summary>
    public const int MaxExtents = 1024;

    /// <summary>Bytes needed for <paramref name="extents"/> extents.</summary>
    public static int SizeFor(int extents) => ExtentsOffset + (Math.Max(1, extents) * ExtentSize);

    /// <summary>The extent count the buffer declares (also valid after ERROR_MORE_DATA).</summary>
    public static int DeclaredCount(ReadOnlySpan<byte> buffer)
        => buffer.Length < 4 ? 0 : (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(buffer.Slice(CountOffset)), int.MaxValue);

    /// <summary>The extents in the first <paramref name="buffer"/> bytes; a count the bytes cannot hold is refused.</summary>
    public static IReadOnlyList<DiskExtent> Parse(ReadOnlySpan<byte> buffer)
    {
        var count = DeclaredCount(buffer);
        if (count > MaxExtents || buffer.Length < ExtentsOffset + ((long)count * ExtentSize))
        {
            throw new ArgumentException($"VOLUME_DISK_EXTENTS declares {count} extents but holds {buffer.Length} bytes.", nameof(buffer));
        }

        var extents = new List<DiskExtent>(count);
        for (var i = 0; i < count; i++)
        {
            var entry = buffer.Slice(ExtentsOffset + (i * ExtentSize), ExtentSize);
            extents.Add(new DiskExtent(
                BinaryPrimitives.ReadUInt32LittleEndian(entry.Slice(DiskNumberOffset)),
                BinaryPrimitives.ReadInt64LittleEndian(entry.Slice(StartingOffsetOffset)),
                BinaryPrimitives.ReadInt64LittleEndian(entry.Slice(ExtentLengthOffset))));
        }

        return extents;
    }
}
