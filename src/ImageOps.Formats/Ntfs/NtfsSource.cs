using System;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// Where a volume's bytes come from and how errors name them: reads are relative to the volume's first
/// byte, errors report offsets relative to the disk (volume start added) so they can be found with a
/// hex editor on the image file.
/// </summary>
internal sealed class NtfsSource
{
    public const string Format = "NTFS";

    private readonly ReadAction _read;

    public NtfsSource(string name, long diskOffset, long length, ReadAction read)
    {
        Name = name;
        DiskOffset = diskOffset;
        Length = length;
        _read = read;
    }

    /// <summary>Reads exactly <c>buffer.Length</c> bytes at a volume-relative offset.</summary>
    public delegate void ReadAction(long offset, Span<byte> buffer);

    /// <summary>The image file (or description), for messages.</summary>
    public string Name { get; }

    /// <summary>Byte offset of the volume on its disk.</summary>
    public long DiskOffset { get; }

    /// <summary>Bytes in the volume (the partition, or the window given).</summary>
    public long Length { get; }

    /// <summary>Reads volume bytes; a range that leaves the volume is corruption of <paramref name="structure"/>.</summary>
    public void Read(long offset, Span<byte> buffer, string structure)
    {
        if (offset < 0 || offset > Length - buffer.Length)
        {
            throw Corrupt(offset, structure, $"it lies outside the volume of {Length} bytes", "NtfsOutOfRange");
        }

        _read(offset, buffer);
    }

    /// <summary>A typed error about the structure at a volume-relative offset (-1 if unknown).</summary>
    public CorruptImageException Corrupt(long volumeOffset, string structure, string detail, string errorId = "NtfsCorrupt")
        => new(Name, Format, volumeOffset < 0 ? -1 : DiskOffset + volumeOffset, structure, detail, errorId);

    /// <summary>A volume offset plus a delta, staying unknown (-1) if the base is unknown.</summary>
    public static long At(long volumeOffset, long delta) => volumeOffset < 0 ? -1 : volumeOffset + delta;
}
