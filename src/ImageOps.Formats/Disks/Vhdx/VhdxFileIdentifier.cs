using System;
using System.Text;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// The file type identifier at offset 0 (MS-VHDX 2.2.1): the signature <c>vhdxfile</c> and an optional
/// UTF-16 creator string, diagnostic only. It occupies the first 64 KiB of the header section.
/// </summary>
internal sealed class VhdxFileIdentifier
{
    /// <summary>Bytes the structure reserves in the file.</summary>
    public const int ReservedSize = 64 * 1024;

    /// <summary>Bytes of defined fields: signature and creator.</summary>
    public const int Size = CreatorOffset + CreatorLength;

    public const int SignatureOffset = 0;
    public const int CreatorOffset = 8;
    public const int CreatorLength = 512;

    /// <summary>"vhdxfile" as a little-endian integer.</summary>
    public const ulong Signature = 0x656C69667864_6876;

    public VhdxFileIdentifier(string creator)
    {
        Creator = creator;
    }

    /// <summary>The software that made the file (for example "Microsoft Windows 10.0.15063.0").</summary>
    public string Creator { get; }

    /// <summary>True if <paramref name="bytes"/> starts with the signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> bytes)
        => bytes.Length >= 8 && System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes) == Signature;

    /// <summary>Parses the identifier; the caller has checked the signature.</summary>
    public static VhdxFileIdentifier Parse(ReadOnlySpan<byte> bytes)
    {
        var creator = bytes.Slice(CreatorOffset, CreatorLength);
        var chars = new char[CreatorLength / 2];
        var length = 0;
        for (; length < chars.Length; length++)
        {
            var c = (char)(creator[length * 2] | (creator[(length * 2) + 1] << 8));
            if (c == '\0')
            {
                break;
            }

            chars[length] = char.IsControl(c) ? '?' : c;
        }

        return new VhdxFileIdentifier(new string(chars, 0, length));
    }

    /// <summary>Writes the identifier into the first <see cref="Size"/> bytes of <paramref name="bytes"/>.</summary>
    public void WriteTo(Span<byte> bytes)
    {
        bytes.Slice(0, Size).Clear();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, Signature);
        var encoded = Encoding.Unicode.GetBytes(Creator.Length > (CreatorLength / 2) - 1 ? Creator.Substring(0, (CreatorLength / 2) - 1) : Creator);
        encoded.CopyTo(bytes.Slice(CreatorOffset));
    }
}
