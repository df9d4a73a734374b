using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The $STANDARD_INFORMATION value (libfsntfs, "The standard information attribute"): the four
/// FILETIMEs and the file attribute flags Windows reports (the $FILE_NAME copies may be stale).
/// </summary>
internal sealed class NtfsStandardInformation
{
    /// <summary>NTFS 1.2 size; NTFS 3.x appends owner, security and quota fields (72 bytes).</summary>
    public const int MinimumSize = 48;

    private const int CreatedOffset = 0;
    private const int ModifiedOffset = 8;
    private const int MftModifiedOffset = 16;
    private const int AccessedOffset = 24;
    private const int FileAttributesOffset = 32;

    public DateTime Created { get; private set; }

    public DateTime Modified { get; private set; }

    public DateTime MftModified { get; private set; }

    public DateTime Accessed { get; private set; }

    public NtfsFileAttributes FileAttributes { get; private set; }

    public static NtfsStandardInformation? TryParse(ReadOnlySpan<byte> value)
    {
        if (value.Length < MinimumSize)
        {
            return null;
        }

        return new NtfsStandardInformation
        {
            Created = NtfsTime.FromFileTime(BinaryPrimitives.ReadInt64LittleEndian(value.Slice(CreatedOffset))),
            Modified = NtfsTime.FromFileTime(BinaryPrimitives.ReadInt64LittleEndian(value.Slice(ModifiedOffset))),
            MftModified = NtfsTime.FromFileTime(BinaryPrimitives.ReadInt64LittleEndian(value.Slice(MftModifiedOffset))),
            Accessed = NtfsTime.FromFileTime(BinaryPrimitives.ReadInt64LittleEndian(value.Slice(AccessedOffset))),
            FileAttributes = (NtfsFileAttributes)BinaryPrimitives.ReadUInt32LittleEndian(value.Slice(FileAttributesOffset)),
        };
    }
}
