using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace ImageOps.Formats.Registry;

/// <summary>
/// A value of a <see cref="RegistryKey"/>: its name, type and data. The raw bytes are always available
/// (<see cref="GetData"/>); the typed accessors check that the type and length fit and throw
/// <see cref="ImageOpsException"/> with the id <c>HiveValueMismatch</c> when they do not.
/// </summary>
public sealed class RegistryValue
{
    private readonly uint _offset;
    private readonly KeyValue _record;

    internal RegistryValue(RegistryKey key, uint offset, KeyValue record)
    {
        Key = key;
        _offset = offset;
        _record = record;
        Name = HiveTree.NameOf(record);
    }

    /// <summary>The key the value belongs to.</summary>
    public RegistryKey Key { get; }

    /// <summary>The value's name as stored ("" for the default value).</summary>
    public string Name { get; }

    /// <summary>The value's type (other numbers than the named ones are kept as they are).</summary>
    public RegistryValueType Type => (RegistryValueType)_record.DataType;

    /// <summary>Length of the data in bytes.</summary>
    public int DataLength => (int)Math.Min(_record.DataLength, int.MaxValue);

    /// <summary>True if the data (4 bytes or less) is stored in the key value record itself.</summary>
    public bool IsDataInline => _record.DataInOffset;

    /// <summary>The data as stored, in a new array.</summary>
    public byte[] GetData() => Key.CurrentTree().ValueData(_offset, _record);

    /// <summary>
    /// The text of a REG_SZ, REG_EXPAND_SZ or REG_LINK value: UTF-16LE up to the first NUL (environment
    /// variables are not expanded).
    /// </summary>
    public string GetString()
    {
        Expect(RegistryValueType.String, RegistryValueType.ExpandString, RegistryValueType.Link);
        return RegistryData.DecodeString(GetData());
    }

    /// <summary>The strings of a REG_MULTI_SZ value, up to the terminating empty string.</summary>
    public IReadOnlyList<string> GetMultiString()
    {
        Expect(RegistryValueType.MultiString);
        return RegistryData.DecodeMultiString(GetData());
    }

    /// <summary>The number in a REG_DWORD (little-endian) or REG_DWORD_BIG_ENDIAN value of exactly 4 bytes.</summary>
    public uint GetDWord()
    {
        Expect(RegistryValueType.DWord, RegistryValueType.DWordBigEndian);
        var data = GetData();
        if (data.Length != 4)
        {
            throw HiveErrors.ValueMismatch(Name, $"is {Type} but holds {data.Length} bytes, not 4");
        }

        return Type == RegistryValueType.DWordBigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data) : BinaryPrimitives.ReadUInt32LittleEndian(data);
    }

    /// <summary>The number in a REG_QWORD value of exactly 8 bytes.</summary>
    public ulong GetQWord()
    {
        Expect(RegistryValueType.QWord);
        var data = GetData();
        if (data.Length != 8)
        {
            throw HiveErrors.ValueMismatch(Name, $"is REG_QWORD but holds {data.Length} bytes, not 8");
        }

        return BinaryPrimitives.ReadUInt64LittleEndian(data);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{(Name.Length == 0 ? "(Default)" : Name)} ({Type}, {DataLength} bytes)";

    private void Expect(params RegistryValueType[] types)
    {
        if (Array.IndexOf(types, Type) < 0)
        {
            throw HiveErrors.ValueMismatch(Name, $"is of type {Type}, not {string.Join(" or ", types)}");
        }
    }
}
