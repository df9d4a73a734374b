using System;
using System.Buffers.Binary;
using System.Text;

namespace ImageOps.Formats.Disks.Vhd;

/// <summary>
/// The dynamic disk header: VHD spec, "Dynamic Disk Header Format". 1024 big-endian bytes at the
/// footer's Data Offset of dynamic and differencing disks: the BAT's place and size, the block size,
/// and for differencing disks the parent's unique id, time stamp, name and eight parent locators.
/// </summary>
/// <remarks>The raw bytes are kept; only the fields ImageOps changes are patched (reserved bytes survive).</remarks>
internal sealed class VhdDynamicHeader
{
    /// <summary>Bytes of the header.</summary>
    public const int Size = 1024;

    public const int CookieOffset = 0;
    public const int DataOffsetOffset = 8;
    public const int TableOffsetOffset = 16;
    public const int HeaderVersionOffset = 24;
    public const int MaxTableEntriesOffset = 28;
    public const int BlockSizeOffset = 32;
    public const int ChecksumOffset = 36;
    public const int ParentUniqueIdOffset = 40;
    public const int ParentTimeStampOffset = 56;
    public const int ParentUnicodeNameOffset = 64;
    public const int ParentUnicodeNameSize = 512;
    public const int ParentLocatorsOffset = 576;
    public const int ParentLocatorCount = 8;
    public const int ReservedOffset = 768;

    /// <summary>Header version 1.0, the only one defined.</summary>
    public const uint Version1 = 0x00010000;

    /// <summary>The default block size, 2 MiB (the spec's "0x00200000").</summary>
    public const int DefaultBlockSize = 2 << 20;

    private readonly byte[] _raw;

    private VhdDynamicHeader(byte[] raw)
    {
        _raw = raw;
    }

    /// <summary>The header's cookie, "cxsparse".</summary>
    public static ReadOnlySpan<byte> Cookie => "cxsparse"u8;

    public bool HasCookie => _raw.AsSpan(0, 8).SequenceEqual(Cookie);

    /// <summary>Next structure; unused. The spec says 0xFFFFFFFF but Microsoft's tools write all 64 bits set (qemu's note).</summary>
    public ulong DataOffset
    {
        get => BinaryPrimitives.ReadUInt64BigEndian(_raw.AsSpan(DataOffsetOffset));
        set => BinaryPrimitives.WriteUInt64BigEndian(_raw.AsSpan(DataOffsetOffset), value);
    }

    /// <summary>Absolute offset of the Block Allocation Table.</summary>
    public ulong TableOffset
    {
        get => BinaryPrimitives.ReadUInt64BigEndian(_raw.AsSpan(TableOffsetOffset));
        set => BinaryPrimitives.WriteUInt64BigEndian(_raw.AsSpan(TableOffsetOffset), value);
    }

    public uint HeaderVersion
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(HeaderVersionOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_raw.AsSpan(HeaderVersionOffset), value);
    }

    /// <summary>Entries of the BAT (at least the blocks of the virtual size).</summary>
    public uint MaxTableEntries
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(MaxTableEntriesOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_raw.AsSpan(MaxTableEntriesOffset), value);
    }

    /// <summary>Bytes of data per block (not counting its sector bitmap); a power of two.</summary>
    public uint BlockSize
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(BlockSizeOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_raw.AsSpan(BlockSizeOffset), value);
    }

    public uint StoredChecksum => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(ChecksumOffset));

    public uint ComputedChecksum => VhdFooter.ComputeChecksum(_raw, ChecksumOffset);

    public bool ChecksumValid => StoredChecksum == ComputedChecksum;

    /// <summary>The unique id of the parent's footer, as recorded when the child was created.</summary>
    public Guid ParentUniqueId
    {
        get => VhdGuid.Read(_raw.AsSpan(ParentUniqueIdOffset, 16));
        set => VhdGuid.Write(value, _raw.AsSpan(ParentUniqueIdOffset, 16));
    }

    /// <summary>The parent's time stamp, as recorded when the child was created.</summary>
    public uint ParentTimeStamp
    {
        get => BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(ParentTimeStampOffset));
        set => BinaryPrimitives.WriteUInt32BigEndian(_raw.AsSpan(ParentTimeStampOffset), value);
    }

    /// <summary>The parent's file name: UTF-16 big-endian (libvhdi), up to 256 characters, NUL-padded.</summary>
    public string ParentUnicodeName
    {
        get
        {
            var text = Encoding.BigEndianUnicode.GetString(_raw, ParentUnicodeNameOffset, ParentUnicodeNameSize);
            var nul = text.IndexOf('\0');
            return nul >= 0 ? text.Substring(0, nul) : text;
        }

        set
        {
            var span = _raw.AsSpan(ParentUnicodeNameOffset, ParentUnicodeNameSize);
            span.Clear();
            var bytes = Encoding.BigEndianUnicode.GetBytes(value);
            bytes.AsSpan(0, Math.Min(bytes.Length, ParentUnicodeNameSize) & ~1).CopyTo(span);
        }
    }

    /// <summary>Parses 1024 bytes without validating them.</summary>
    public static VhdDynamicHeader Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A dynamic disk header is {Size} bytes.", nameof(bytes));
        }

        return new VhdDynamicHeader(bytes.ToArray());
    }

    /// <summary>A new header for a disk ImageOps creates.</summary>
    public static VhdDynamicHeader CreateNew(ulong tableOffset, uint maxTableEntries, uint blockSize)
    {
        var header = new VhdDynamicHeader(new byte[Size]);
        Cookie.CopyTo(header._raw);
        header.DataOffset = ulong.MaxValue;
        header.TableOffset = tableOffset;
        header.HeaderVersion = Version1;
        header.MaxTableEntries = maxTableEntries;
        header.BlockSize = blockSize;
        return header;
    }

    /// <summary>Parent locator entry <paramref name="index"/> (0..7).</summary>
    public VhdParentLocator GetLocator(int index)
        => VhdParentLocator.Parse(_raw.AsSpan(ParentLocatorsOffset + (index * VhdParentLocator.Size), VhdParentLocator.Size));

    /// <summary>Stores parent locator entry <paramref name="index"/>.</summary>
    public void SetLocator(int index, VhdParentLocator locator)
        => locator.WriteTo(_raw.AsSpan(ParentLocatorsOffset + (index * VhdParentLocator.Size), VhdParentLocator.Size));

    public VhdDynamicHeader Clone() => new((byte[])_raw.Clone());

    /// <summary>The 1024 bytes to store, with the checksum computed.</summary>
    public byte[] ToBytes()
    {
        var bytes = (byte[])_raw.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(ChecksumOffset), VhdFooter.ComputeChecksum(bytes, ChecksumOffset));
        return bytes;
    }
}
