using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ImageOps.Formats.Disks.Storage;

/// <summary>
/// Finds the holes of a sparse file with lseek(SEEK_DATA/SEEK_HOLE) on Linux, as qemu's file driver
/// does, so unwritten ranges of a raw image are neither read nor copied. Elsewhere the whole file is
/// reported as data (correct, only slower).
/// </summary>
internal static class SparseFileMap
{
    // Linux values; macOS swaps them, so only Linux uses this path.
    private const int SeekData = 3;
    private const int SeekHole = 4;
    private const int Enxio = 6;

    private static readonly bool Supported = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    public static IEnumerable<AllocationRange> Map(SafeFileHandle handle, long fileLength, long offset, long length)
    {
        var end = offset + length;
        if (!Supported || offset >= fileLength)
        {
            yield return new AllocationRange(offset, length, offset >= fileLength ? AllocationKind.Zero : AllocationKind.Data);
            yield break;
        }

        var position = offset;
        while (position < end)
        {
            if (position >= fileLength)
            {
                yield return new AllocationRange(position, end - position, AllocationKind.Zero);
                yield break;
            }

            var data = Seek(handle, position, SeekData);
            if (data is null)
            {
                // No data at or after the position (ENXIO): the rest is a hole.
                yield return new AllocationRange(position, end - position, AllocationKind.Zero);
                yield break;
            }

            if (data < 0)
            {
                // The file system does not support the query: report data, which is always safe.
                yield return new AllocationRange(position, end - position, AllocationKind.Data);
                yield break;
            }

            if (data.Value > position)
            {
                var holeEnd = Math.Min(data.Value, end);
                yield return new AllocationRange(position, holeEnd - position, AllocationKind.Zero);
                position = holeEnd;
                continue;
            }

            var hole = Seek(handle, position, SeekHole);
            var dataEnd = Math.Min(hole is null || hole < 0 ? fileLength : Math.Max(hole.Value, position + 1), end);
            yield return new AllocationRange(position, dataEnd - position, AllocationKind.Data);
            position = dataEnd;
        }
    }

    /// <summary>The offset lseek returns; null for ENXIO (nothing found); -1 for any other failure.</summary>
    private static long? Seek(SafeFileHandle handle, long offset, int whence)
    {
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var result = lseek(handle.DangerousGetHandle().ToInt32(), offset, whence);
            if (result >= 0)
            {
                return result;
            }

            return Marshal.GetLastWin32Error() == Enxio ? null : -1;
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
        {
            return -1;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern long lseek(int fd, long offset, int whence);
}
