using System;
using System.Buffers.Binary;

namespace ImageOps.Formats.Ntfs;

/// <summary>
/// The $FILE_NAME value (libfsntfs, "The file name attribute"), also the key of $I30 index entries:
/// the parent directory's reference, times, sizes, flags and the name in one namespace.
/// </summary>
internal sealed class NtfsFileName
{
    public const int HeaderSize = 66;

    private const int ParentOffset = 0;
    private const int DataSizeOffset = 48;
    private const int FileAttributesOffset = 56;
    private const int NameLengthOffset = 64;
    private const int NameSpaceOffset = 65;

    public ulong ParentReference { get; private set; }

    public long DataSize { get; private set; }

    public NtfsFileAttributes FileAttributes { get; private set; }

    public NtfsNameSpace NameSpace { get; private set; }

    public string Name { get; private set; } = string.Empty;

    /// <summary>A DOS-only name is the short alias of a long one; the long name is the one listed.</summary>
    public bool IsDosOnly => NameSpace == NtfsNameSpace.Dos;

    public static NtfsFileName? TryParse(ReadOnlySpan<byte> value)
    {
        if (value.Length < HeaderSize)
        {
            return null;
        }

        int length = value[NameLengthOffset];
        if (HeaderSize + (2 * length) > value.Length || length == 0)
        {
            return null;
        }

        return new NtfsFileName
        {
            ParentReference = BinaryPrimitives.ReadUInt64LittleEndian(value.Slice(ParentOffset)),
            DataSize = BinaryPrimitives.ReadInt64LittleEndian(value.Slice(DataSizeOffset)),
            FileAttributes = (NtfsFileAttributes)BinaryPrimitives.ReadUInt32LittleEndian(value.Slice(FileAttributesOffset)),
            NameSpace = (NtfsNameSpace)value[NameSpaceOffset],
            Name = NtfsText.Utf16(value.Slice(HeaderSize, 2 * length)),
        };
    }
}
