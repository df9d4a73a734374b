using System;
using System.Buffers.Binary;
using System.Globalization;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// <c>STORAGE_DEVICE_NUMBER</c> (winioctl.h; learn.microsoft.com "STORAGE_DEVICE_NUMBER structure"):
/// DeviceType, DeviceNumber, PartitionNumber, three DWORDs, 12 bytes on every architecture; and the
/// number in a <c>\\.\PhysicalDriveN</c> path as a fallback.
/// </summary>
internal static class StorageDeviceNumberBuffer
{
    public const int Size = 12;
    public const int DeviceTypeOffset = 0;
    public const int DeviceNumberOffset = 4;
    public const int PartitionNumberOffset = 8;

    private const string PhysicalDrivePrefix = @"\\.\PhysicalDrive";

    public static uint DeviceNumber(ReadOnlySpan<byte> buffer)
        => buffer.Length < Size
            ? throw new ArgumentException($"STORAGE_DEVICE_NUMBER needs {Size} bytes, got {buffer.Length}.", nameof(buffer))
            : BinaryPrimitives.ReadUInt32LittleEndian(buffer.Slice(DeviceNumberOffset));

    /// <summary>N of <c>\\.\PhysicalDriveN</c> (GetVirtualDiskPhysicalPath's documented form), or null.</summary>
    public static uint? FromPhysicalDrivePath(string path)
    {
        if (!path.StartsWith(PhysicalDrivePrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var digits = path.Substring(PhysicalDrivePrefix.Length);
        return digits.Length > 0 && digits.Length <= 10 && uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
    }
}
