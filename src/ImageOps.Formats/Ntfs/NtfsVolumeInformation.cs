using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Ntfs;

/// <summary>The $VOLUME_INFORMATION value of $Volume (libfsntfs, "The volume information attribute").</summary>
internal sealed class NtfsVolumeInformation
{
    public const int Size = 12;

    private const int MajorOffset = 8;
    private const int MinorOffset = 9;
    private const int FlagsOffset = 10;

    public int Major { get; private set; }

    public int Minor { get; private set; }

    public ushort Flags { get; private set; }

    public static NtfsVolumeInformation? TryParse(ReadOnlySpan<byte> value)
        => value.Length < Size
            ? null
            : new NtfsVolumeInformation { Major = value[MajorOffset], Minor = value[MinorOffset], Flags = BinaryPrimitives.ReadUInt16LittleEndian(value.Slice(FlagsOffset)) };
}
