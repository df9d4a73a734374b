using System;
using System.Buffers.Binary;
using System.Text;

namespace ImageOps.Formats.Partitions;

/// <summary>
/// A GPT partition entry (UEFI specification 2.10, §5.3.3, Table 5.6): type GUID, unique GUID, first
/// and last LBA (inclusive), attributes and a 36-character UTF-16LE name; 128 bytes, or more when the
/// header says so (the extra bytes are reserved).
/// </summary>
internal struct GptEntry
{
    public const int Size = 128;
    public const int NameChars = 36;

    public Guid Type;
    public Guid Unique;
    public ulong FirstLba;
    public ulong LastLba;
    public ulong Attributes;
    public string Name;

    public bool IsUnused => Type == Guid.Empty;

    public static GptEntry Parse(ReadOnlySpan<byte> data)
    {
        var name = Encoding.Unicode.GetString(data.Slice(56, NameChars * 2).ToArray());
        var nul = name.IndexOf('\0');
        return new GptEntry
        {
            Type = ReadGuid(data),
            Unique = ReadGuid(data.Slice(16)),
            FirstLba = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(32)),
            LastLba = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(40)),
            Attributes = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(48)),
            Name = nul >= 0 ? name.Substring(0, nul) : name,
        };
    }

    public void Write(Span<byte> data)
    {
        data.Slice(0, Size).Clear();
        WriteGuid(data, Type);
        WriteGuid(data.Slice(16), Unique);
        BinaryPrimitives.WriteUInt64LittleEndian(data.Slice(32), FirstLba);
        BinaryPrimitives.WriteUInt64LittleEndian(data.Slice(40), LastLba);
        BinaryPrimitives.WriteUInt64LittleEndian(data.Slice(48), Attributes);
        var name = Name ?? string.Empty;
        if (name.Length > NameChars)
        {
            name = name.Substring(0, NameChars);
        }

        Encoding.Unicode.GetBytes(name).CopyTo(data.Slice(56));
    }

    /// <summary>GUIDs on disk use the mixed-endian layout of EFI_GUID, which matches Guid's byte array form.</summary>
    public static Guid ReadGuid(ReadOnlySpan<byte> data) => new(data.Slice(0, 16).ToArray());

    public static void WriteGuid(Span<byte> data, Guid guid) => guid.ToByteArray().CopyTo(data);
}
