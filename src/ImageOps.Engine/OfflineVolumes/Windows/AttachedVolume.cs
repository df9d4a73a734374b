using System;
using System.Globalization;

namespace ImageOps.Engine.OfflineVolumes.Windows;

/// <summary>
/// A volume Windows mounted from a disk that <see cref="NativeVirtualDisk"/> attached: its volume GUID
/// path (no drive letter is assigned) and where its partition lies on the virtual disk, so the caller can
/// match it to the partition table ImageOps reads itself. Not yet exercised on Windows.
/// </summary>
public sealed class AttachedVolume
{
    /// <summary>Creates the description of an attached volume.</summary>
    /// <param name="volumeGuidPath">The volume GUID path, <c>\\?\Volume{…}\</c> (with the trailing backslash).</param>
    /// <param name="partitionOffset">Byte offset of the volume's partition on the virtual disk.</param>
    /// <param name="length">Length of the volume in bytes.</param>
    public AttachedVolume(string volumeGuidPath, long partitionOffset, long length)
    {
        if (string.IsNullOrEmpty(volumeGuidPath))
        {
            throw new ArgumentException("A volume GUID path is required.", nameof(volumeGuidPath));
        }

        if (partitionOffset < 0 || length < 0)
        {
            throw new ArgumentOutOfRangeException(partitionOffset < 0 ? nameof(partitionOffset) : nameof(length), "Offsets and lengths are not negative.");
        }

        VolumeGuidPath = volumeGuidPath;
        PartitionOffset = partitionOffset;
        Length = length;
    }

    /// <summary>
    /// The volume GUID path with its trailing backslash, for example <c>\\?\Volume{0b3c…}\</c>: a root
    /// usable in file paths (<c>\\?\Volume{…}\Windows</c>). Without the backslash it names the volume device.
    /// </summary>
    public string VolumeGuidPath { get; }

    /// <summary>Byte offset of the volume's partition on the virtual disk.</summary>
    public long PartitionOffset { get; }

    /// <summary>Length of the volume in bytes.</summary>
    public long Length { get; }

    /// <inheritdoc />
    public override string ToString()
        => string.Format(CultureInfo.InvariantCulture, "{0} at offset {1} ({2})", VolumeGuidPath, PartitionOffset, ByteSize.Format(Length, CultureInfo.InvariantCulture));
}
