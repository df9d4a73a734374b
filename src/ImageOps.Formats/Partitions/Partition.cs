using System;

namespace ImageOps.Formats.Partitions;

/// <summary>One partition, whichever scheme holds it.</summary>
public sealed class Partition
{
    /// <summary>1-based number as operating systems show it (GPT: entry index + 1; MBR: primaries 1-4, logicals from 5).</summary>
    public int Number { get; set; }

    /// <summary>Byte offset of the first sector on the disk.</summary>
    public long Offset { get; set; }

    /// <summary>Length in bytes.</summary>
    public long Length { get; set; }

    /// <summary>The well-known kind, if any.</summary>
    public PartitionKind Kind { get; set; }

    /// <summary>GPT type GUID, or null on MBR.</summary>
    public Guid? TypeGuid { get; set; }

    /// <summary>MBR type byte, or null on GPT.</summary>
    public byte? MbrType { get; set; }

    /// <summary>GPT unique partition GUID, or null on MBR.</summary>
    public Guid? UniqueGuid { get; set; }

    /// <summary>GPT partition name (empty on MBR).</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>GPT attribute bits (bit 0 required, bit 63 no drive letter, …); 0 on MBR.</summary>
    public ulong Attributes { get; set; }

    /// <summary>MBR active (boot) flag.</summary>
    public bool Active { get; set; }

    /// <summary>True for an MBR logical partition (inside an extended partition).</summary>
    public bool IsLogical { get; set; }

    /// <summary>One past the last byte.</summary>
    public long End => Offset + Length;

    /// <inheritdoc />
    public override string ToString() => $"#{Number} {Kind} [{Offset}, {End})";
}
