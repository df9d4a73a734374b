using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ImageOps.Formats.Disks.Vhdx;

/// <summary>
/// The Parent Locator metadata item (MS-VHDX 2.6.2.6): a locator type (only VHDX is defined) and
/// UTF-16 key/value pairs naming the parent: <c>parent_linkage</c> (the parent's DataWriteGuid),
/// <c>parent_linkage2</c>, <c>relative_path</c>, <c>volume_path</c> and <c>absolute_win32_path</c>.
/// </summary>
internal sealed class VhdxParentLocator
{
    /// <summary>Bytes of the locator header.</summary>
    public const int HeaderSize = 20;

    /// <summary>Bytes of one key/value entry.</summary>
    public const int EntrySize = 12;

    public const int LocatorTypeOffset = 0;
    public const int KeyValueCountOffset = 18;

    public const string ParentLinkageKey = "parent_linkage";
    public const string ParentLinkage2Key = "parent_linkage2";
    public const string RelativePathKey = "relative_path";
    public const string VolumePathKey = "volume_path";
    public const string AbsoluteWin32PathKey = "absolute_win32_path";

    public VhdxParentLocator(Guid locatorType, IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        LocatorType = locatorType;
        Entries = entries;
    }

    public Guid LocatorType { get; }

    /// <summary>The pairs in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries { get; }

    public string? this[string key]
    {
        get
        {
            foreach (var entry in Entries)
            {
                if (string.Equals(entry.Key, key, StringComparison.Ordinal))
                {
                    return entry.Value;
                }
            }

            return null;
        }
    }

    /// <summary>Parses the item; throws through <paramref name="fail"/> (offset within the item, reason) when it is malformed.</summary>
    public static VhdxParentLocator Parse(ReadOnlySpan<byte> item, Func<long, string, Exception> fail)
    {
        if (item.Length < HeaderSize)
        {
            throw fail(0, string.Format(CultureInfo.InvariantCulture, "it is {0} bytes, shorter than its {1}-byte header", item.Length, HeaderSize));
        }

        var type = VhdxGuids.Read(item);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(item.Slice(KeyValueCountOffset));
        if (HeaderSize + ((long)count * EntrySize) > item.Length)
        {
            throw fail(KeyValueCountOffset, string.Format(CultureInfo.InvariantCulture, "it claims {0} key/value pairs, more than its {1} bytes hold", count, item.Length));
        }

        var entries = new List<KeyValuePair<string, string>>(count);
        for (var i = 0; i < count; i++)
        {
            var at = HeaderSize + (i * EntrySize);
            var raw = item.Slice(at, EntrySize);
            var key = ReadString(item, BinaryPrimitives.ReadUInt32LittleEndian(raw), BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(8)), at, "key", fail);
            var value = ReadString(item, BinaryPrimitives.ReadUInt32LittleEndian(raw.Slice(4)), BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(10)), at, "value", fail);
            foreach (var existing in entries)
            {
                if (string.Equals(existing.Key, key, StringComparison.Ordinal))
                {
                    throw fail(at, $"the key '{key}' appears twice");
                }
            }

            entries.Add(new KeyValuePair<string, string>(key, value));
        }

        return new VhdxParentLocator(type, entries);
    }

    /// <summary>The item's bytes: header, entries, then the UTF-16 strings.</summary>
    public byte[] ToBytes()
    {
        var strings = new List<byte[]>();
        var length = HeaderSize + (Entries.Count * EntrySize);
        foreach (var entry in Entries)
        {
            var key = Encoding.Unicode.GetBytes(entry.Key);
            var value = Encoding.Unicode.GetBytes(entry.Value);
            strings.Add(key);
            strings.Add(value);
            length += key.Length + value.Length;
        }

        var bytes = new byte[length];
        VhdxGuids.Write(bytes, LocatorType);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(KeyValueCountOffset), (ushort)Entries.Count);
        var next = HeaderSize + (Entries.Count * EntrySize);
        for (var i = 0; i < Entries.Count; i++)
        {
            var raw = bytes.AsSpan(HeaderSize + (i * EntrySize));
            var key = strings[i * 2];
            var value = strings[(i * 2) + 1];
            BinaryPrimitives.WriteUInt32LittleEndian(raw, (uint)next);
            key.CopyTo(bytes, next);
            next += key.Length;
            BinaryPrimitives.WriteUInt32LittleEndian(raw.Slice(4), (uint)next);
            value.CopyTo(bytes, next);
            next += value.Length;
            BinaryPrimitives.WriteUInt16LittleEndian(raw.Slice(8), (ushort)key.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(raw.Slice(10), (ushort)value.Length);
        }

        return bytes;
    }

    private static string ReadString(ReadOnlySpan<byte> item, uint offset, ushort length, int entryOffset, string what, Func<long, string, Exception> fail)
    {
        if (length == 0 || length % 2 != 0 || offset < HeaderSize || offset + (long)length > item.Length)
        {
            throw fail(entryOffset, string.Format(CultureInfo.InvariantCulture, "the {0} at {1}+{2} is empty, not UTF-16 or outside the {3}-byte item", what, offset, length, item.Length));
        }

        var chars = new char[length / 2];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(item.Slice((int)offset + (i * 2)));
        }

        return new string(chars);
    }
}
