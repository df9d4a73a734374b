using System;
using System.Globalization;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// The footer's Disk Geometry field (VHD spec, "Disk Geometry"): cylinders (16 bits), heads (8) and
/// sectors per track (8), and the spec's Appendix "CHS Calculation" that derives it from a size.
/// </summary>
internal readonly struct VhdDiskGeometry : IEquatable<VhdDiskGeometry>
{
    /// <summary>Largest cylinder count the field holds.</summary>
    public const int MaxCylinders = 65535;

    /// <summary>Heads of the largest geometry.</summary>
    public const int MaxHeads = 16;

    /// <summary>Sectors per track of the largest geometry.</summary>
    public const int MaxSectorsPerTrack = 255;

    /// <summary>Sectors of the largest geometry (65535 x 16 x 255, about 127 GiB): sizes beyond it cannot be expressed in CHS.</summary>
    public const long MaxGeometrySectors = (long)MaxCylinders * MaxHeads * MaxSectorsPerTrack;

    public VhdDiskGeometry(ushort cylinders, byte heads, byte sectorsPerTrack)
    {
        Cylinders = cylinders;
        Heads = heads;
        SectorsPerTrack = sectorsPerTrack;
    }

    public ushort Cylinders { get; }

    public byte Heads { get; }

    public byte SectorsPerTrack { get; }

    /// <summary>Cylinders x heads x sectors per track.</summary>
    public long TotalSectors => (long)Cylinders * Heads * SectorsPerTrack;

    /// <summary>True for 65535/16/255, the geometry of every disk of 127 GiB or more.</summary>
    public bool IsMaximum => TotalSectors == MaxGeometrySectors;

    /// <summary>
    /// The spec's CHS algorithm for a size in bytes (rounded down to sectors). It rounds the size down,
    /// so the geometry may describe slightly less than <paramref name="capacity"/>; disks of 127 GiB or
    /// more get the maximum geometry.
    /// </summary>
    public static VhdDiskGeometry FromCapacity(long capacity)
    {
        var totalSectors = Math.Min(Math.Max(capacity, 0) / 512, MaxGeometrySectors);
        int sectorsPerTrack;
        int heads;
        long cylinderTimesHeads;
        if (totalSectors >= 65535L * 16 * 63)
        {
            sectorsPerTrack = 255;
            heads = 16;
            cylinderTimesHeads = totalSectors / sectorsPerTrack;
        }
        else
        {
            sectorsPerTrack = 17;
            cylinderTimesHeads = totalSectors / sectorsPerTrack;
            heads = (int)((cylinderTimesHeads + 1023) / 1024);
            if (heads < 4)
            {
                heads = 4;
            }

            if (cylinderTimesHeads >= heads * 1024L || heads > 16)
            {
                sectorsPerTrack = 31;
                heads = 16;
                cylinderTimesHeads = totalSectors / sectorsPerTrack;
            }

            if (cylinderTimesHeads >= heads * 1024L)
            {
                sectorsPerTrack = 63;
                heads = 16;
                cylinderTimesHeads = totalSectors / sectorsPerTrack;
            }
        }

        return new VhdDiskGeometry((ushort)(cylinderTimesHeads / heads), (byte)heads, (byte)sectorsPerTrack);
    }

    public bool Equals(VhdDiskGeometry other) => Cylinders == other.Cylinders && Heads == other.Heads && SectorsPerTrack == other.SectorsPerTrack;

    public override bool Equals(object? obj) => obj is VhdDiskGeometry other && Equals(other);

    public override int GetHashCode() => (Cylinders << 16) | (Heads << 8) | SectorsPerTrack;

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0}/{1}/{2}", Cylinders, Heads, SectorsPerTrack);
}
