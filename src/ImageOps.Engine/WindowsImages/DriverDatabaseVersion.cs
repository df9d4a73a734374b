using System;
using System.Buffers.Binary;

namespace ImageOps.Engine.WindowsImages;

/// <summary>
/// The 48-byte <c>Version</c> value of <c>SYSTEM\DriverDatabase\DriverPackages\&lt;package&gt;</c>
/// (Windows 8 and later). virt-v2v writes <c>00 ff 09 00 00 00 00 00</c>, the class GUID and 24 zero
/// bytes (injection-facts.md §4.2); the 24 bytes are read here as the DriverVer date (FILETIME),
/// the DriverVer version (four 16-bit parts, most significant first) and 8 reserved bytes — our
/// reading, consistent with virt-v2v's zeros meaning "no date, version 0".
/// </summary>
public readonly struct DriverDatabaseVersion
{
    /// <summary>Size of the value.</summary>
    public const int Size = 48;

    private static readonly byte[] Header = { 0x00, 0xFF, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00 };

    /// <summary>Creates the value.</summary>
    public DriverDatabaseVersion(Guid classGuid, DateTime? date, Version? version)
    {
        ClassGuid = classGuid;
        Date = date;
        Version = version;
    }

    /// <summary>The device setup class.</summary>
    public Guid ClassGuid { get; }

    /// <summary>The DriverVer date, or null when not recorded.</summary>
    public DateTime? Date { get; }

    /// <summary>The DriverVer version, or null when not recorded.</summary>
    public Version? Version { get; }

    /// <summary>Decodes the value; null when it is not 48 bytes with the known header.</summary>
    public static DriverDatabaseVersion? TryDecode(ReadOnlySpan<byte> data)
    {
        if (data.Length != Size || !data.Slice(0, 4).SequenceEqual(Header.AsSpan(0, 4)))
        {
            return null;
        }

        var classGuid = new Guid(data.Slice(8, 16).ToArray());
        var fileTime = BinaryPrimitives.ReadInt64LittleEndian(data.Slice(24));
        var packed = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(32));
        DateTime? date = fileTime > 0 && fileTime < DateTime.MaxValue.ToFileTimeUtc() ? DateTime.FromFileTimeUtc(fileTime) : null;
        Version? version = packed == 0 ? null : new Version((int)(packed >> 48), (int)((packed >> 32) & 0xFFFF), (int)((packed >> 16) & 0xFFFF), (int)(packed & 0xFFFF));
        return new DriverDatabaseVersion(classGuid, date, version);
    }

    /// <summary>Encodes the value.</summary>
    public byte[] Encode()
    {
        var data = new byte[Size];
        Header.CopyTo(data, 0);
        ClassGuid.ToByteArray().CopyTo(data, 8);
        if (Date is { } date)
        {
            BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(24), DateTime.SpecifyKind(date, DateTimeKind.Utc).ToFileTimeUtc());
        }

        if (Version is { } v)
        {
            var packed = ((ulong)(ushort)Math.Max(0, v.Major) << 48) | ((ulong)(ushort)Math.Max(0, v.Minor) << 32) | ((ulong)(ushort)Math.Max(0, v.Build) << 16) | (ushort)Math.Max(0, v.Revision);
            BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(32), packed);
        }

        return data;
    }
}
