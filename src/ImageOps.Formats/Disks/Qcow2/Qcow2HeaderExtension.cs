using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Formats.Disks.Qcow2;

/// <summary>
/// One header extension (qcow2.txt "Header extensions"): a 4-byte type, a 4-byte length, the data,
/// padded to 8 bytes. Unknown types are kept byte for byte so rewriting the header preserves them.
/// </summary>
internal sealed class Qcow2HeaderExtension
{
    public const uint TypeEnd = 0x00000000;
    public const uint TypeBackingFormat = 0xe2792aca;
    public const uint TypeFeatureNameTable = 0x6803f857;
    public const uint TypeBitmaps = 0x23852875;
    public const uint TypeFullDiskEncryption = 0x0537be77;
    public const uint TypeExternalDataFile = 0x44415441;
    public const int HeaderLength = 8;

    public Qcow2HeaderExtension(uint type, byte[] data)
    {
        Type = type;
        Data = data;
    }

    public uint Type { get; }

    public byte[] Data { get; }

    /// <summary>Bytes the extension takes in the header area, padding included.</summary>
    public int StoredLength => HeaderLength + ((Data.Length + 7) & ~7);

    public void AppendTo(List<byte> buffer)
    {
        var head = new byte[HeaderLength];
        BinaryPrimitives.WriteUInt32BigEndian(head, Type);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(4), (uint)Data.Length);
        buffer.AddRange(head);
        buffer.AddRange(Data);
        for (var i = Data.Length; i % 8 != 0; i++)
        {
            buffer.Add(0);
        }
    }
}

/// <summary>
/// The feature name table extension (qcow2.txt "Feature name table"): 48-byte entries of feature
/// type, bit number and a zero-padded name, used to name unknown feature bits in errors.
/// </summary>
internal static class Qcow2FeatureNameTable
{
    public const int EntryLength = 48;
    public const int NameLength = 46;

    public static Dictionary<(int Type, int Bit), string> Parse(byte[] data)
    {
        var result = new Dictionary<(int, int), string>();
        for (var i = 0; i + EntryLength <= data.Length; i += EntryLength)
        {
            var name = System.Text.Encoding.ASCII.GetString(data, i + 2, NameLength);
            var nul = name.IndexOf('\0');
            result[(data[i], data[i + 1])] = nul >= 0 ? name.Substring(0, nul) : name;
        }

        return result;
    }
}
