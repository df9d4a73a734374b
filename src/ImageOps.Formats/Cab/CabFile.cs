using System;

namespace ImageOps.Formats.Cab;

/// <summary>A file in a cabinet, as its CFFILE entry describes it.</summary>
public sealed class CabFile
{
    internal CabFile(int index, string name, uint size, uint folderOffset, int folderIndex, DateTime? modified, ushort attributes, long entryOffset)
    {
        Index = index;
        Name = name;
        Size = size;
        FolderOffset = folderOffset;
        FolderIndex = folderIndex;
        Modified = modified;
        Attributes = attributes;
        EntryOffset = entryOffset;
    }

    /// <summary>Position in the cabinet's file list.</summary>
    public int Index { get; }

    /// <summary>The name as stored (usually with backslashes between folders). Not checked for safety here.</summary>
    public string Name { get; }

    /// <summary>cbFile: uncompressed size in bytes.</summary>
    public uint Size { get; }

    /// <summary>uoffFolderStart: offset in the folder's uncompressed data.</summary>
    public uint FolderOffset { get; }

    /// <summary>iFolder.</summary>
    public int FolderIndex { get; }

    /// <summary>The DOS date and time, or null if they are not a valid date.</summary>
    public DateTime? Modified { get; }

    /// <summary>attribs (_A_RDONLY 0x1, _A_HIDDEN 0x2, _A_SYSTEM 0x4, _A_ARCH 0x20, _A_EXEC 0x40, _A_NAME_IS_UTF 0x80).</summary>
    public ushort Attributes { get; }

    /// <summary>Offset of the CFFILE entry in the cabinet.</summary>
    public long EntryOffset { get; }

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}
